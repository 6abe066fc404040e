import { chinaDateLabel, formatCount, formatYuan, type Agreements, type MemberProfile, type MemberTiers, type Refund } from '@wemember/shared';
import type { Page } from 'playwright-core';
import { BrowserHarness, textOf, visible } from '../support/browser';
import { aPhoto } from '../support/images';
import { ACCEPTED_AGREEMENTS, aPhone, TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';

/**
 * The member centre in a real browser on the H5 build, with the real server and the WeChat
 * sandbox: joining with consent, 我的 (birthday once, nickname, gender, consent, avatar), the
 * e-receipts with a refund's charge-back, the tier page, the home store; then another WeChat
 * account takes the card over, and closing the card anonymises it.
 */
describe('H5 in Chromium: the member centre', () => {
  let stack: TestStack;
  let browser: BrowserHarness;
  let till: TestTill;
  let page: Page;
  const phone = aPhone();
  let memberNo = '';

  beforeAll(async () => {
    browser = await BrowserHarness.start();
    stack = browser.stack;
    till = await TestTill.open(stack);
  });
  afterAll(() => browser?.close());

  /** Lets the page transition settle, then saves a screenshot (with SCREENSHOT_DIR set). */
  const shot = async (name: string) => {
    await page.waitForTimeout(400);
    await browser.shot(page, name);
  };
  /** The H5 back affordance of a page that is not a tab (WeChat draws its own). */
  const back = () => page.locator(visible('.back-bar__back')).click();
  const memberToken = (): Promise<string> => page.evaluate(() => JSON.parse(localStorage.getItem('wemember.member-session')!).data.token);
  const cardNumber = async () => {
    await page.waitForFunction(() => /^\d{10}$/.test(document.querySelector('.taro_page:not(.taro_page_shade) .card-member-no')?.textContent ?? ''));
    return (await textOf(page, '.card-member-no'))!;
  };
  /** Taps a tab of the tab bar by its label. */
  const tab = (label: string) => page.locator('.taro-tabbar__tabbar').getByText(label, { exact: true }).click();

  /** Types the phone on the join page shown now, ticks the agreements and joins. */
  async function joinHere(): Promise<void> {
    await page.locator(visible('.join-consent')).waitFor();
    await page.locator(visible('.join-phone input')).fill(phone);
    await page.locator(visible('.join-check')).click();
    await page.locator(visible('.join-submit')).click();
  }

  it('joins only once the 会员协议 and 隐私政策 shown are ticked, and sends those versions', async () => {
    page = await browser.open(`pages/join/index?scene=${stack.chain.counterScenes.HZ001}`);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.locator(visible('.join-consent')).waitFor();
    expect(await textOf(page, '.join-consent__text')).toBe('我已阅读并同意《会员协议》和《隐私政策》');
    expect(await page.locator(visible('.join-check--on')).count()).toBe(0);

    // Not ticked: the button only asks, nothing is sent.
    const joins: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/auth/phone')) joins.push(request.postData() ?? '');
    });
    await page.locator(visible('.join-phone input')).fill(phone);
    await page.locator(visible('.join-submit')).click();
    expect(await textOf(page, '.join-consent__hint')).toBe('请先阅读并勾选同意《会员协议》和《隐私政策》');
    await shot('mc-01-join-refused');
    expect(joins).toEqual([]);

    // The agreement opens with its version and date, and leads back to the join page.
    await page.locator(visible('.join-link--privacy')).click();
    await page.locator(visible('.agreement-paragraph')).first().waitFor();
    expect(await textOf(page, '.agreement-title')).toBe('隐私政策');
    const agreements = (await stack.api<Agreements>('GET', '/member/agreements')).body;
    expect(await textOf(page, '.agreement-version')).toBe(`版本 ${agreements.privacy.version} · ${chinaDateLabel(agreements.privacy.effectiveDate)}起生效`);
    expect(await page.locator(visible('.agreement-paragraph')).count()).toBeGreaterThan(3);
    await shot('mc-02-privacy');
    await back();
    await page.locator(visible('.join-check')).click();
    await page.locator(visible('.join-submit')).click();

    memberNo = await cardNumber();
    expect(JSON.parse(joins[0]).acceptedAgreements).toEqual(ACCEPTED_AGREEMENTS);
    expect(await textOf(page, '.card-welcome')).toContain('入会成功');
    // A fresh card has no member price: no pill saying so.
    expect(await page.locator(visible('.card-tier-discount')).count()).toBe(0);
    expect(Number(await textOf(page, '.member-code-countdown').then((t) => t!.replace(/\D/g, '')))).toBeGreaterThanOrEqual(9);
    await shot('mc-03-card');

    // The tier panel opens the tier page; the points tab shows the balance, grouped by thousands.
    await page.locator(visible('.card-tier-panel')).click();
    await page.locator(visible('.tier-card--current')).waitFor();
    await back();
    await tab('积分');
    await page.locator(visible('.points-balance')).waitFor();
    expect(await textOf(page, '.points-balance')).toBe('0');
    expect(await textOf(page, '.points-empty__title')).toBe('还没有积分记录');
    await shot('mc-03b-points');
  });

  it('我的: the birthday is set once after a confirmation; nickname, gender and consent are kept', async () => {
    await tab('我的');
    await page.locator(visible('.me-member-no')).waitFor();
    expect(await textOf(page, '.me-member-no')).toContain(memberNo);
    await shot('mc-04-me');

    await page.locator(visible('.birthday-input')).fill('1990-05-20');
    const dialog = page.locator(visible('.confirm-dialog'));
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('1990年5月20日');
    expect(await dialog.textContent()).toContain('生日只能设置一次');
    await shot('mc-05-birthday-confirm');
    await dialog.locator('.confirm-ok').click();
    await page.locator(visible('.me-birthday')).waitFor();
    expect(await textOf(page, '.me-birthday')).toBe('1990年5月20日');
    // No control to change it any more, and the API refuses a second time.
    expect(await page.locator(visible('.birthday-input')).count()).toBe(0);
    const again = await stack.api('PUT', '/member/birthday', { token: await memberToken(), body: { birthday: '1991-01-01' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('BIRTHDAY_ALREADY_SET');

    /** Does `act` and waits for the profile change it sends to be answered. */
    const saving = async (act: () => Promise<void>) => {
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/member/profile') && r.request().method() === 'PUT');
      await act();
      expect((await answered).status()).toBe(200);
    };
    await page.locator(visible('.me-nickname input')).fill('爱喝咖啡的小王');
    await saving(() => page.locator(visible('.me-nickname input')).blur());
    await page.locator(visible('.me-saved')).waitFor();
    await saving(() => page.locator(visible('.me-gender--female')).click());
    await page.locator(visible('.me-gender--female.me-gender--on')).waitFor();
    await saving(() => page.locator(visible('.me-consent-switch')).click());
    await page.locator(visible('.avatar-file')).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: aPhoto() });
    await page.locator(visible('.me-avatar__image')).waitFor();
    await shot('mc-06-me-filled');

    const profile = (await stack.api<MemberProfile>('GET', '/member/profile', { token: await memberToken() })).body;
    expect(profile).toMatchObject({ nickname: '爱喝咖啡的小王', gender: 'female', marketingConsent: true, birthday: '1990-05-20' });
    expect(profile.avatarUrl).toBeTruthy();

    // After a reload the page shows what the server keeps.
    await page.reload();
    await page.locator(visible('.me-birthday')).waitFor();
    expect(await page.locator(visible('.me-nickname input')).inputValue()).toBe('爱喝咖啡的小王');
    expect(await page.locator(visible('.me-gender--on')).textContent()).toBe('女');
    expect(await page.locator(visible('.me-consent-switch input')).isChecked()).toBe(true);
    expect(await page.locator(visible('.me-avatar__image img')).getAttribute('src')).toContain(profile.avatarUrl!.split('/').pop());
    expect(await textOf(page, '.me-birthday')).toBe('1990年5月20日');
  });

  it('消费记录 shows the e-receipt with the refund and the points it charged back, as the refund answered', async () => {
    const member: TestMember = { token: await memberToken(), memberNo, memberId: '', phone };
    const receiptNo = aReceiptNo('POS-');
    const first = await till.buy(member, { amountFen: 10_000, receiptNo, items: [{ name: '挂耳咖啡礼盒', quantity: 2, amountFen: 10_000 }] });
    expect(first.status).toBe(201);
    // The points just earned are spent on a second purchase…
    const second = await till.bought(member, { amountFen: 1_000, pointsToRedeem: 100 });
    // …so refunding part of the first takes them back out of the money.
    const refunded = await till.refund(first.body.id, { amountFen: 4_000, reason: '部分退货' });
    expect(refunded.status).toBe(201);
    const refund = refunded.body as Refund;
    expect(refund.pointsChargedBack).toBeGreaterThan(0);

    await page.locator(visible('.me-link-orders')).click();
    await page.locator(visible('.receipt')).first().waitFor();
    const receipts = page.locator(visible('.receipt'));
    expect(await receipts.count()).toBe(2);
    const newest = receipts.nth(0);
    expect(await newest.locator('.receipt-redeemed .receipt-row__value').textContent()).toBe(`−${formatYuan(second.pointsDeductFen)}`);
    expect(await newest.locator('.receipt-payable .receipt-row__value').textContent()).toBe(formatYuan(second.payableFen));

    const receipt = receipts.nth(1);
    expect(await receipt.locator('.receipt-no').textContent()).toBe(`小票号 ${receiptNo}`);
    expect(await receipt.locator('.receipt-store').textContent()).toBe('杭州西湖店');
    expect(await receipt.locator('.receipt-status').textContent()).toBe('部分退款');
    expect(await receipt.locator('.receipt-item').textContent()).toBe('挂耳咖啡礼盒 × 2¥100.00');
    expect(await receipt.locator('.receipt-amount .receipt-row__value').textContent()).toBe('¥100.00');
    expect(await receipt.locator('.receipt-payable .receipt-row__value').textContent()).toBe(formatYuan(first.body.payableFen));
    expect(await receipt.locator('.receipt-earned .receipt-row__value').textContent()).toBe(`+${formatCount(first.body.pointsEarned)}`);
    const shown = receipt.locator('.receipt-refund');
    expect(await shown.locator('.refund-goods .receipt-row__value').textContent()).toBe('¥40.00');
    expect(await shown.locator('.refund-money .receipt-row__value').textContent()).toBe(formatYuan(refund.refundFen));
    expect(await shown.locator('.refund-chargeback .receipt-row__value').textContent()).toBe(formatYuan(refund.chargebackFen));
    expect(await shown.locator('.receipt-refund__note').textContent()).toContain(`${formatCount(refund.pointsChargedBack)} 积分已经使用`);
    expect(await shown.locator('.refund-points-reversed').count()).toBe(refund.pointsReversed > 0 ? 1 : 0);
    if (refund.pointsReversed > 0) {
      expect(await shown.locator('.refund-points-reversed .receipt-row__value').textContent()).toBe(`−${formatCount(refund.pointsReversed)}`);
    }
    expect(await shown.locator('.refund-points-returned').count()).toBe(refund.pointsReturned > 0 ? 1 : 0);
    expect(refund.refundFen + refund.chargebackFen).toBe(4_000);
    await shot('mc-07-orders');
    await back();
  });

  it('会员等级 shows every tier, the member’s own and the way to the next', async () => {
    const tiers = (await stack.api<MemberTiers>('GET', '/member/tiers', { token: await memberToken() })).body;
    await page.locator(visible('.me-link-tiers')).click();
    await page.locator(visible('.tier-card')).first().waitFor();
    expect(await page.locator(visible('.tier-card__name')).allTextContents()).toEqual(tiers.tiers.map((t) => t.name));
    expect(await textOf(page, '.tier-card--current .tier-card__name')).toBe(tiers.tierName);
    expect(await textOf(page, '.tiers-current')).toBe(tiers.tierName);
    expect(await textOf(page, '.tiers-growth')).toBe(`近 12 个月成长值 ${formatCount(tiers.growth)}`);
    expect(tiers.progress).not.toBeNull();
    expect(await textOf(page, '.tiers-progress-text')).toContain(`再获得 ${formatCount(tiers.progress!.growthNeeded)} 成长值升级为${tiers.progress!.nextTierName}`);
    expect(await textOf(page, '.tiers-keep')).toContain(`${Number(tiers.nextReviewDate.slice(0, 4))}年`);
    await shot('mc-08-tiers');
    await back();
  });

  it('我的门店 shows the home store with its address, hours and a phone to call', async () => {
    await page.locator(visible('.me-store--home')).click();
    await page.locator(visible('.store-name')).waitFor();
    expect(await textOf(page, '.store-name')).toBe('杭州西湖店');
    expect(await textOf(page, '.store-address .store-row__value')).toBe('浙江省杭州市西湖区文三路 259 号');
    expect(await textOf(page, '.store-hours .store-row__value')).toBe('周一至周日 08:00–22:00');
    expect(await page.locator(visible('.store-call')).getAttribute('href')).toBe('tel:057188236601');
    await shot('mc-09-store');
    await back();
  });

  it('another WeChat account verifying the phone takes the card: this browser is signed out with a reason', async () => {
    const other = await stack.join(phone, { openid: `o${aReceiptNo('other')}` });
    expect(other.member.memberNo).toBe(memberNo);
    expect(other.welcomeBack).toBe(true);

    // The next page load (我的, reloaded) finds the login refused and goes back to the join page.
    await page.reload();
    await page.locator(visible('.join-notice')).waitFor();
    expect(await textOf(page, '.join-notice')).toContain('其他微信');
    expect(await page.evaluate(() => localStorage.getItem('wemember.member-session'))).toBeNull();
    await shot('mc-10-signed-out');

    // Verifying the phone here again brings the card back: 欢迎回来, same number.
    await joinHere();
    expect(await cardNumber()).toBe(memberNo);
    expect(await textOf(page, '.card-welcome')).toContain('欢迎回来');
  });

  it('closing the card takes two confirmations, anonymises it, and a rejoin makes a new card', async () => {
    await tab('我的');
    await page.locator(visible('.me-close')).click();
    const dialog = page.locator(visible('.confirm-dialog'));
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('个人信息将被删除');
    expect(await dialog.textContent()).toContain('匿名');
    await shot('mc-11-close-explained');
    await dialog.locator('.confirm-ok').click();
    await page.locator(visible('.confirm-dialog__title:has-text("确定注销吗")')).waitFor();
    await shot('mc-12-close-confirm');
    await page.locator(visible('.confirm-ok')).click();

    await page.locator(visible('.join-notice')).waitFor();
    expect(await textOf(page, '.join-notice')).toContain('会员卡已注销');
    await shot('mc-13-closed');

    // The store manager no longer finds the card by the phone number.
    const manager = await stack.staffToken('manager');
    const lookup = await stack.api('POST', '/staff/members/resolve', { token: manager, body: { code: phone } });
    expect(lookup.status).toBe(404);

    await joinHere();
    const newNo = await cardNumber();
    expect(newNo).not.toBe(memberNo);
    expect(await textOf(page, '.card-welcome')).toContain('入会成功');
    expect((await stack.api('POST', '/staff/members/resolve', { token: manager, body: { code: phone } })).body.memberNo).toBe(newNo);
    await page.close();
  });
  it('an agreement updated while the shopper read it: the server refuses the old version, the page shows the new one and asks again', async () => {
    page = await browser.open('pages/join/index');
    await page.evaluate(() => localStorage.clear());
    // The page is served the texts of the version before (as if it had loaded them before the update)…
    const current = (await stack.api<Agreements>('GET', '/member/agreements')).body;
    await page.route('**/api/member/agreements', (route) =>
      route.fulfill({ json: { ...current, membership: { ...current.membership, version: '2025-01-01', effectiveDate: '2025-01-01' } } }),
    );
    await page.reload();
    await page.locator(visible('.join-consent')).waitFor();
    await page.locator(visible('.join-phone input')).fill(aPhone());
    await page.locator(visible('.join-check')).click();
    // …and is answered by the real server, which knows the current one.
    await page.unroute('**/api/member/agreements');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/auth/phone'));
    await page.locator(visible('.join-submit')).click();
    const answer = await refused;
    expect(answer.status()).toBe(409);
    expect((await answer.json()).code).toBe('AGREEMENT_OUTDATED');

    await page.waitForSelector(visible('.join-consent__hint:has-text("协议已更新")'));
    expect(await page.locator(visible('.join-check--on')).count()).toBe(0);
    await shot('mc-14-agreement-updated');
    // The shopper reads the new version and ticks again: that one is accepted.
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/auth/phone'));
    await page.locator(visible('.join-check')).click();
    await page.locator(visible('.join-submit')).click();
    expect(JSON.parse((await sent).postData()!).acceptedAgreements).toEqual({ membership: current.membership.version, privacy: current.privacy.version });
    await cardNumber();
    expect(await textOf(page, '.card-welcome')).toContain('入会成功');
    await page.close();
  });
});
