import { formatCount, formatYuan, type CouponTemplate, type GiftSettings, type MemberCoupon, type MemberCoupons, type OrderQuote, type PointsMall } from '@wemember/shared';
import type { Page } from 'playwright-core';
import { BrowserHarness, decodeQr, textOf, visible } from '../support/browser';
import { createTemplate } from '../support/coupons';
import { aPhone, STAFF_PASSWORD, type TestStack } from '../support/stack';
import { TestTill, type TestMember } from '../support/till';

/**
 * E-coupons in a real browser on the H5 build, with the real server, MariaDB, Redis and the WeChat
 * sandbox: the welcome gift promised on the join page only once the brand configures it and shown
 * on the card after joining; a coupon claimed in 领券中心 whose QR the clerk's coupon page redeems
 * while the member watches it turn 已使用; a points-mall exchange; coupons inside a purchase at the
 * till, each priced or refused on its own line. One shopper and one clerk, in order.
 */
describe('H5 in Chromium: e-coupons for the shopper and the clerk', () => {
  let stack: TestStack;
  let browser: BrowserHarness;
  let till: TestTill;
  let marketer: string;
  /** The shopper's phone page and the clerk's till page, side by side in one browser. */
  let shopper: Page;
  let clerk: Page;
  let member: TestMember;
  const phone = aPhone();

  beforeAll(async () => {
    browser = await BrowserHarness.start();
    stack = browser.stack;
    till = await TestTill.open(stack);
    marketer = await stack.staffToken('marketer');
  });
  afterAll(() => browser?.close());

  const shot = async (page: Page, name: string) => {
    await page.waitForTimeout(400);
    await browser.shot(page, name);
  };
  const back = (page: Page) => page.locator(visible('.back-bar__back')).click();
  const tab = (label: string) => shopper.locator('.taro-tabbar__tabbar').getByText(label, { exact: true }).click();

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const result = await stack.api<T>(method, path, { token, body });
    if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  const myCoupons = (status: 'usable' | 'used' | 'expired') => api<MemberCoupons>('GET', `/member/coupons?status=${status}`, member.token);

  async function signInClerk(): Promise<Page> {
    const page = await browser.open('staff/login/index');
    await page.locator(visible('.staff-username input')).fill(`${stack.usernamePrefix}clerk`);
    await page.locator(visible('.staff-password input')).fill(STAFF_PASSWORD);
    await page.locator(visible('.staff-login-btn')).click();
    await page.locator(visible('.staff-name:not(:has-text("加载中"))')).waitFor();
    return page;
  }

  it('the join page promises a welcome gift only once one is configured, and the card shows what joining gave', async () => {
    shopper = await browser.open(`pages/join/index?scene=${stack.chain.counterScenes.HZ001}`);
    await shopper.evaluate(() => localStorage.clear());
    await shopper.reload();
    await shopper.locator(visible('.join-consent')).waitFor();
    // Nothing configured: nothing promised.
    expect(await shopper.locator(visible('.join-gift')).count()).toBe(0);

    const gift = await createTemplate(stack, marketer, { name: '新人无门槛券', valueFen: 1_000, thresholdFen: 0, claimable: false, validity: { kind: 'relative', days: 30 } });
    const current = await api<GiftSettings>('GET', '/staff/settings/gifts', marketer);
    await api('PUT', '/staff/settings/gifts', marketer, { welcome: { points: 200, coupons: [{ templateId: gift.id, quantity: 1 }] }, tierPacks: current.tierPacks, version: current.version });

    await shopper.reload();
    await shopper.locator(visible('.join-gift')).waitFor();
    expect(await textOf(shopper, '.join-gift__title')).toBe('入会即送');
    expect(await textOf(shopper, '.join-gift-points')).toBe('200 积分');
    expect(await textOf(shopper, '.join-gift-coupon')).toBe('新人无门槛券（无门槛减10元）');
    await shot(shopper, 'coupons-01-join-gift');

    await shopper.locator(visible('.join-phone input')).fill(phone);
    await shopper.locator(visible('.join-check')).click();
    await shopper.locator(visible('.join-submit')).click();
    await shopper.locator(visible('.card-gift')).waitFor();
    expect(await textOf(shopper, '.card-gift__title')).toBe('入会礼已到账');
    expect(await textOf(shopper, '.card-gift-points')).toBe('200 积分');
    expect(await textOf(shopper, '.card-gift-coupon')).toBe('新人无门槛券（无门槛减10元）');
    await shopper.waitForFunction(() => /^\d{10}$/.test(document.querySelector('.taro_page:not(.taro_page_shade) .card-member-no')?.textContent ?? ''));
    expect(await textOf(shopper, '.card-points')).toBe('200');
    expect(await textOf(shopper, '.card-coupon-count')).toBe('1 张可用 ›');
    await shot(shopper, 'coupons-02-card-gift');

    const token: string = await shopper.evaluate(() => JSON.parse(localStorage.getItem('wemember.member-session')!).data.token);
    member = { token, memberNo: (await textOf(shopper, '.card-member-no'))!, memberId: '', phone };
    expect((await myCoupons('usable')).coupons.map((c) => c.sourceName)).toEqual(['入会礼']);

    // Shown once: the card seen again no longer announces it.
    await shopper.reload();
    await shopper.locator(visible('.card-coupon-count')).waitFor();
    expect(await shopper.locator(visible('.card-gift')).count()).toBe(0);
  });

  it('claims in 领券中心, shows the coupon’s QR, and turns it 已使用 once the clerk’s page redeems that code', async () => {
    const template = await createTemplate(stack, marketer, { name: '周末满100减20', validity: { kind: 'relative', days: 4 } });
    await shopper.locator(visible('.card-coupons-center')).click();
    const offer = shopper.locator(visible('.center-offer')).filter({ hasText: '周末满100减20' });
    await offer.waitFor();
    expect(await offer.locator('.coupon-ticket__value').textContent()).toBe('¥20');
    expect(await offer.locator('.coupon-ticket__condition').textContent()).toBe('满100元可用');
    await shot(shopper, 'coupons-03-center');
    await offer.locator('.center-claim').click();
    await shopper.locator(visible('.center-claimed')).waitFor();
    expect(await textOf(shopper, '.center-claimed')).toContain('「周末满100减20」已放入我的券');
    // Limit 1 a member: now taken.
    await offer.locator('.center-unavailable').waitFor();
    expect(await offer.locator('.center-unavailable').textContent()).toBe('已领取');
    await shot(shopper, 'coupons-04-claimed');

    // 我的券, from 我的 as well as the card: 可使用 (2) with the one claimed.
    await back(shopper);
    await tab('我的');
    await shopper.locator(visible('.me-link-coupons')).click();
    await shopper.locator(visible('.mine-coupon')).first().waitFor();
    expect(await shopper.locator(visible('.coupon-tab')).allTextContents()).toEqual(['可使用(2)', '已使用(0)', '已过期(0)']);
    const mine = shopper.locator(visible('.mine-coupon')).filter({ hasText: '周末满100减20' });
    expect(await mine.locator('.coupon-ticket__alert').textContent()).toBe('3 天后过期');
    await shot(shopper, 'coupons-05-mine');

    await mine.click();
    const qr = shopper.locator(visible('.coupon-qr'));
    await qr.waitFor();
    const coupon = (await myCoupons('usable')).coupons.find((c) => c.templateId === template.id)!;
    await shopper.waitForTimeout(400);
    expect(decodeQr(await qr.screenshot())).toBe(coupon.code);
    expect(await textOf(shopper, '.detail-code')).toBe(coupon.codeDisplay);
    expect(await textOf(shopper, '.detail-alert')).toBe('3 天后过期');
    expect(await textOf(shopper, '.detail-threshold .m-row__value')).toBe('可用商品满 ¥100.00（按原价计）');
    expect(await textOf(shopper, '.detail-stores .m-row__value')).toBe('全部门店');
    await shot(shopper, 'coupons-06-detail');

    // The clerk types the code as read out, lower case and all (the scan page sends a coupon's code to the coupon page).
    clerk = await signInClerk();
    await clerk.locator(visible('.scan-input input')).fill(coupon.codeDisplay.toLowerCase());
    await clerk.locator(visible('.scan-submit')).click();
    await clerk.locator(visible('.coupon-found')).waitFor();
    expect(await textOf(clerk, '.found-name')).toBe('周末满100减20');
    expect(await textOf(clerk, '.found-status')).toBe('未使用');
    expect(await textOf(clerk, '.found-member .bill-row__value')).toContain(member.memberNo);
    await shot(clerk, 'coupons-07-clerk-lookup');
    await clerk.locator(visible('.coupon-redeem')).click();
    await clerk.locator(visible('.coupon-redeemed')).waitFor();
    expect(await textOf(clerk, '.coupon-redeemed__title')).toBe('核销成功');
    expect(await textOf(clerk, '.redeemed-store .bill-row__value')).toBe('杭州西湖店');
    await shot(clerk, 'coupons-08-clerk-redeemed');

    // The member's page, still open, sees it used within its refresh.
    await shopper.locator(visible('.detail-state--redeemed')).waitFor({ timeout: 12_000 });
    expect(await textOf(shopper, '.detail-state')).toBe('已使用');
    expect(await textOf(shopper, '.detail-state-note')).toContain('杭州西湖店使用');
    expect(await shopper.locator(visible('.coupon-qr')).count()).toBe(0);
    await shot(shopper, 'coupons-09-detail-used');

    // A second redemption of the same code says who, where and when.
    await clerk.locator(visible('.coupon-next')).click();
    await clerk.locator(visible('.coupon-code-input input')).fill(coupon.codeDisplay);
    await clerk.locator(visible('.coupon-lookup')).click();
    await clerk.locator(visible('.found-problem')).waitFor();
    expect(await textOf(clerk, '.found-status')).toBe('已核销');
    expect(await textOf(clerk, '.found-redeemed .bill-row__value')).toContain('杭州西湖店');
    expect(await clerk.locator(visible('.coupon-redeem')).count()).toBe(0);
    // A typo is caught by the check character, with no request.
    const typo = coupon.code.slice(0, 5) + (coupon.code[5] === 'A' ? 'B' : 'A') + coupon.code.slice(6);
    await clerk.locator(visible('.coupon-code-input input')).fill(typo);
    await clerk.locator(visible('.coupon-lookup')).click();
    expect(await textOf(clerk, '.field-error--code')).toBe('券码有误，请核对后重新输入（17 位字母和数字）');
    await shot(clerk, 'coupons-10-clerk-again');

    await back(shopper);
    await shopper.locator(visible('.coupon-tab--used')).click();
    await shopper.locator(visible('.mine-used-at__store')).waitFor();
    expect(await shopper.locator(visible('.coupon-tab')).allTextContents()).toEqual(['可使用(1)', '已使用(1)', '已过期(0)']);
    expect(await textOf(shopper, '.mine-coupon .coupon-ticket__name')).toBe('周末满100减20');
    expect(await textOf(shopper, '.mine-used-at__store')).toBe('杭州西湖店');
    await shot(shopper, 'coupons-11-mine-used');
    await back(shopper);
  });

  it('积分商城: an exchange asks first, takes the points once however often it is tapped, and lists the record and the coupon', async () => {
    const template = await createTemplate(stack, marketer, { name: '积分换5元券', valueFen: 500, thresholdFen: 3_000, claimable: false, pointsPrice: 150, perMemberLimit: 5 });
    const pricey = await createTemplate(stack, marketer, { name: '积分换抽纸', type: 'gift', valueFen: undefined, thresholdFen: undefined, giftName: '抽纸一提', claimable: false, pointsPrice: 100_000 });
    await tab('积分');
    await shopper.locator(visible('.points-link-mall')).click();
    await shopper.locator(visible('.mall-offer')).first().waitFor();
    const before = (await api<PointsMall>('GET', '/points-mall', member.token)).pointsBalance;
    expect(await textOf(shopper, '.mall-points')).toBe(formatCount(before));
    const offer = shopper.locator(visible('.mall-offer')).filter({ hasText: template.name });
    expect(await offer.locator('.mall-price').textContent()).toBe('150 积分');
    const tooDear = shopper.locator(visible('.mall-offer')).filter({ hasText: pricey.name });
    expect(await tooDear.locator('.mall-unavailable').textContent()).toBe('积分不足');
    expect(await tooDear.locator('.mall-exchange').count()).toBe(0);
    await shot(shopper, 'coupons-12-mall');

    await offer.locator('.mall-exchange').click();
    const dialog = shopper.locator(visible('.confirm-dialog'));
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`用 150 积分兑换「${template.name}」`);
    expect(await dialog.textContent()).toContain(`兑换后剩余 ${formatCount(before - 150)} 积分`);
    await shot(shopper, 'coupons-13-mall-confirm');
    // A double tap on 确认兑换 sends one exchange.
    const exchanges: string[] = [];
    shopper.on('request', (request) => {
      if (request.url().includes('/exchange')) exchanges.push(request.postData() ?? '');
    });
    await dialog.locator('.confirm-ok').dblclick();
    await shopper.locator(visible('.mall-done')).waitFor();
    expect(await textOf(shopper, '.mall-done')).toContain(`已扣 150 积分，「${template.name}」已放入我的券`);
    await shopper.waitForFunction((shown) => document.querySelector('.taro_page:not(.taro_page_shade) .mall-points')?.textContent === shown, formatCount(before - 150));
    expect(exchanges).toHaveLength(1);
    expect((await api<PointsMall>('GET', '/points-mall', member.token)).pointsBalance).toBe(before - 150);
    await shot(shopper, 'coupons-14-mall-done');

    await shopper.locator(visible('.mall-records')).click();
    await shopper.locator(visible('.exchange-row')).first().waitFor();
    expect(await shopper.locator(visible('.exchange-row')).count()).toBe(1);
    expect(await textOf(shopper, '.exchange-name')).toBe(template.name);
    expect(await textOf(shopper, '.exchange-points')).toBe('−150 积分');
    expect(await textOf(shopper, '.exchange-status')).toBe('可使用');
    await shot(shopper, 'coupons-15-exchanges');
    // The record opens its coupon.
    await shopper.locator(visible('.exchange-row')).click();
    await shopper.locator(visible('.coupon-qr')).waitFor();
    expect(await textOf(shopper, '.detail-name')).toBe(template.name);
    expect((await myCoupons('usable')).coupons.filter((c) => c.templateId === template.id)).toHaveLength(1);
  });

  it('the till prices a purchase with a coupon and a gift, each on its own line, refuses a second discount coupon beside it, and redeems them with the purchase', async () => {
    const cash = await createTemplate(stack, marketer, { name: '店庆满100减20' });
    const another = await createTemplate(stack, marketer, { name: '店庆9折', type: 'percent', valueFen: undefined, percentOff: 10, thresholdFen: 0 });
    const gift = await createTemplate(stack, marketer, { name: '到店礼', type: 'gift', valueFen: undefined, thresholdFen: undefined, giftName: '抽纸一提' });
    const claim = (t: CouponTemplate) => api<MemberCoupon>('POST', `/coupons/${t.id}/claim`, member.token);
    const [cashCoupon, otherCoupon, giftCoupon] = [await claim(cash), await claim(another), await claim(gift)];

    // The clerk's page is still on the coupon page: back to the staff home, then the till.
    await clerk.goto(`${stack.url}/#/staff/scan/index`);
    await clerk.locator(visible('.staff-action--purchase')).click();
    await clerk.locator(visible('.purchase-code input')).fill(await till.code(member.token));
    await clerk.locator(visible('.purchase-amount input')).fill('150');
    await clerk.locator(visible('.purchase-quote-btn')).click();
    await clerk.locator(visible('.purchase-quote')).waitFor();

    const add = async (code: string) => {
      await clerk.locator(visible('.coupon-input input')).fill(code);
      await clerk.locator(visible('.coupon-add-btn')).click();
    };
    await add(cashCoupon.codeDisplay);
    await clerk.locator(visible('.coupon-line')).first().waitFor();
    await add(giftCoupon.code);
    await clerk.locator(visible('.coupon-line__value--gift')).waitFor();
    const quote = await api<OrderQuote>('POST', '/staff/orders/quote', till.clerkToken, {
      memberCode: await till.code(member.token),
      amountFen: 15_000,
      pointsToRedeem: 0,
      couponCodes: [cashCoupon.code, giftCoupon.code],
    });
    expect(quote.couponDiscountFen).toBe(2_000);
    expect(await clerk.locator(visible('.coupon-line__name')).allTextContents()).toEqual(['店庆满100减20（满100减20）', '到店礼（赠 抽纸一提）']);
    expect(await clerk.locator(visible('.coupon-line__value')).allTextContents()).toEqual(['−¥20.00', '赠 抽纸一提']);
    expect(await textOf(clerk, '.quote-coupon-discount .bill-row__value')).toBe('−¥20.00');
    expect(await textOf(clerk, '.quote-payable .bill-row__value')).toBe(formatYuan(quote.payableFen));

    // A second coupon that takes money off is refused by the field it was typed in, and not added.
    await add(otherCoupon.codeDisplay);
    await clerk.locator(visible('.field-error--coupon-add')).waitFor();
    expect(await textOf(clerk, '.field-error--coupon-add')).toContain('每单只能使用一张满减或折扣券');
    expect(await clerk.locator(visible('.coupon-line')).count()).toBe(2);
    await shot(clerk, 'coupons-16-till-coupons');

    // Removing the gift reprices without it.
    await clerk.locator(visible('.coupon-line')).nth(1).locator('.coupon-line__remove').click();
    await clerk.waitForFunction(() => document.querySelectorAll('.taro_page:not(.taro_page_shade) .coupon-line').length === 1);
    await add(giftCoupon.codeDisplay);
    await clerk.waitForFunction(() => document.querySelectorAll('.taro_page:not(.taro_page_shade) .coupon-line').length === 2);

    await clerk.locator(visible('.purchase-confirm')).click();
    await clerk.locator(visible('.purchase-result')).waitFor();
    expect(await clerk.locator(visible('.result-coupon .bill-row__value')).allTextContents()).toEqual(['−¥20.00', '赠 抽纸一提']);
    expect(await textOf(clerk, '.result-payable .bill-row__value')).toBe(formatYuan(quote.payableFen));
    await shot(clerk, 'coupons-17-till-result');

    expect((await myCoupons('used')).coupons.map((c) => c.id)).toEqual(expect.arrayContaining([cashCoupon.id, giftCoupon.id]));
    expect((await myCoupons('usable')).coupons.map((c) => c.id)).toContain(otherCoupon.id);

    // The shopper's e-receipt lists both coupons with what each gave.
    await shopper.goto(`${stack.url}/#/pages/orders/index`);
    await shopper.reload();
    await shopper.locator(visible('.receipt-coupon')).first().waitFor();
    const receipt = shopper.locator(visible('.receipt')).first();
    expect(await receipt.locator('.receipt-coupon .receipt-row__label').allTextContents()).toEqual(['店庆满100减20', '到店礼']);
    expect(await receipt.locator('.receipt-coupon .receipt-row__value').allTextContents()).toEqual(['−¥20.00', '赠 抽纸一提']);
    expect(await receipt.locator('.receipt-payable .receipt-row__value').textContent()).toBe(formatYuan(quote.payableFen));
    await shot(shopper, 'coupons-18-receipt');
  });
});
