import { formatCount, formatYuan, refundShare, type MemberCard, type MemberCode, type Order, type OrderQuote, type PointsOverview } from '@wemember/shared';
import type { Page } from 'playwright-core';
import { BrowserHarness, visible } from '../support/browser';
import { aPhone, STAFF_PASSWORD, TestStack } from '../support/stack';

/**
 * Points at the till in a real browser on the H5 build: a clerk records a purchase for a member's
 * live code, the shopper sees the points on the card and in the ledger, the clerk refunds part of
 * it; then a purchase paid partly with points survives a dropped connection without being
 * recorded twice.
 */
describe('H5 in Chromium: till purchase → member points → refund', () => {
  let stack: TestStack;
  let browser: BrowserHarness;

  beforeAll(async () => {
    browser = await BrowserHarness.start();
    stack = browser.stack;
  });
  afterAll(() => browser?.close());

  const openPage = (path: string): Promise<Page> => browser.open(path);

  /** The text of a bill row's value on the page shown now. */
  const rowValue = (page: Page, row: string) => page.locator(visible(`${row} .bill-row__value`)).textContent();

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const result = await stack.api<T>(method, path, { token, body });
    if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  it('records a purchase, shows the shopper the points, refunds part of it and replays a retried purchase', async () => {
    const clerkToken = await stack.staffToken('clerk');

    // The shopper joins at 西湖店; the card shows the tier, its discount and the way up.
    const shopper = await openPage(`pages/join/index?scene=${stack.chain.counterScenes.HZ001}`);
    await shopper.evaluate(() => localStorage.clear());
    await shopper.reload();
    await shopper.locator(visible('.join-phone input')).fill(aPhone());
    await shopper.locator(visible('.join-check')).click();
    await shopper.locator(visible('.join-submit')).click();
    await shopper.waitForFunction(() => /^\d{10}$/.test(document.querySelector('.taro_page:not(.taro_page_shade) .card-member-no')?.textContent ?? ''));
    const memberNo = (await shopper.locator(visible('.card-member-no')).textContent())!;
    const memberToken: string = await shopper.evaluate(() => JSON.parse(localStorage.getItem('wemember.member-session')!).data.token);
    const card = await api<MemberCard>('GET', '/member/card', memberToken);
    expect(card.tierProgress).not.toBeNull();
    // The member price is advertised only when the tier has one.
    if (/\d/.test(card.tierDiscount)) expect(await shopper.locator(visible('.card-tier-discount')).textContent()).toBe(`会员折扣 ${card.tierDiscount}`);
    else expect(await shopper.locator(visible('.card-tier-discount')).count()).toBe(0);
    expect(await shopper.locator(visible('.tier-progress-text')).textContent()).toBe(
      `还差 ${formatCount(card.tierProgress!.growthNeeded)} 成长值升级为${card.tierProgress!.nextTierName}`,
    );
    const startBalance = card.points;

    // The clerk signs in, looks the shopper up by the code they show now and opens the till for them.
    const clerk = await openPage('staff/login/index');
    await clerk.locator(visible('.staff-username input')).fill(`${stack.usernamePrefix}clerk`);
    await clerk.locator(visible('.staff-password input')).fill(STAFF_PASSWORD);
    await clerk.locator(visible('.staff-login-btn')).click();
    await clerk.waitForSelector(visible('.staff-name:has-text("西湖店店员小陈")'));
    const code = (await api<MemberCode>('GET', '/member/code', memberToken)).code;
    await clerk.locator(visible('.scan-input input')).fill(code);
    await clerk.locator(visible('.scan-submit')).click();
    await clerk.locator(visible('.summary-purchase')).click();
    await clerk.locator(visible('.purchase-code input')).waitFor();
    expect(await clerk.locator(visible('.purchase-code input')).inputValue()).toBe(code);

    // ¥128.50, no points redeemed.
    // Fen are whole: a third decimal is refused beside the field, before anything is sent.
    await clerk.locator(visible('.purchase-amount input')).fill('128.505');
    await clerk.locator(visible('.purchase-quote-btn')).click();
    expect(await clerk.locator(visible('.field-error--amountFen')).textContent()).toContain('最多两位小数');
    await clerk.locator(visible('.purchase-amount input')).fill('128.50');
    expect(await clerk.locator(visible('.field-error--amountFen')).count()).toBe(0);
    await clerk.locator(visible('.purchase-quote-btn')).click();
    await clerk.locator(visible('.purchase-quote')).waitFor();
    await browser.shot(clerk, 'till-quote');
    expect(await clerk.locator(visible('.quote-tier')).textContent()).toBe(card.tierName);
    expect(await rowValue(clerk, '.quote-amount')).toBe('¥128.50');
    expect(await rowValue(clerk, '.quote-redeemed')).toBe('未使用');
    await clerk.locator(visible('.purchase-confirm')).click();
    await clerk.locator(visible('.purchase-result')).waitFor();

    // The breakdown is the order the API recorded, under the receipt number the page made.
    const externalNo = (await rowValue(clerk, '.result-external-no'))!;
    expect(externalNo).toMatch(/^T\d{13}[0-9A-Z]{4}$/);
    const listed = await api<Order[]>('GET', `/staff/orders?externalNo=${externalNo}`, clerkToken);
    expect(listed).toHaveLength(1);
    const order = listed[0];
    expect(order).toMatchObject({ memberNo, amountFen: 12850, pointsRedeemed: 0, replayed: false });
    expect(order.pointsEarned).toBeGreaterThan(0);
    expect(await clerk.locator(visible('.purchase-result__title')).textContent()).toBe('记账成功');
    expect(await rowValue(clerk, '.result-amount')).toBe('¥128.50');
    expect(await rowValue(clerk, '.result-discount')).toBe(order.discountFen ? `−${formatYuan(order.discountFen)}` : '无');
    expect(await rowValue(clerk, '.result-redeemed')).toBe('未使用');
    expect(await rowValue(clerk, '.result-payable')).toBe(formatYuan(order.payableFen));
    expect(await rowValue(clerk, '.result-earned')).toBe(`+${order.pointsEarned}`);
    expect(await rowValue(clerk, '.result-growth')).toBe(`+${order.growthEarned}`);
    expect(await rowValue(clerk, '.result-tier')).toContain(order.tierAfterName);

    // The shopper's card has the new balance; tapping it opens the ledger with the purchase on top.
    const afterPurchase = startBalance + order.pointsEarned;
    await shopper.reload();
    await shopper.waitForFunction(
      (balance) => document.querySelector('.taro_page:not(.taro_page_shade) .card-points')?.textContent === balance,
      formatCount(afterPurchase),
    );
    await shopper.locator(visible('.card-points-link')).click();
    await shopper.waitForFunction(
      (balance) => document.querySelector('.taro_page:not(.taro_page_shade) .points-balance')?.textContent === balance,
      formatCount(afterPurchase),
    );
    const ledger = await api<PointsOverview>('GET', '/member/points', memberToken);
    expect(ledger.balance).toBe(afterPurchase);
    const earned = ledger.entries[0];
    expect(earned).toMatchObject({ kind: 'earn', delta: order.pointsEarned, balanceAfter: afterPurchase });
    const firstRow = shopper.locator(visible('.points-entry')).first();
    expect(await firstRow.locator('.points-entry__kind').textContent()).toBe('消费积分');
    expect(await firstRow.locator('.points-entry__reason').textContent()).toBe(earned.reason);
    expect(await firstRow.locator('.points-entry-delta').textContent()).toBe(`+${formatCount(order.pointsEarned)}`);
    expect(await firstRow.locator('.points-entry__balance').textContent()).toBe(`结余 ${formatCount(afterPurchase)}`);
    expect(await firstRow.locator('.points-entry__time').textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(await shopper.locator(visible('.points-rule')).textContent()).toContain(ledger.redeemRule);

    // The clerk refunds ¥28.50 of it from the result.
    await clerk.locator(visible('.purchase-refund')).click();
    await clerk.locator(visible('.refund-order')).waitFor();
    expect(await rowValue(clerk, '.order-refundable')).toBe('¥128.50');
    expect(await clerk.locator(visible('.refund-amount input')).inputValue()).toBe('128.50');
    await clerk.locator(visible('.refund-amount input')).fill('28.50');
    // The money back is shown before anything is refunded; the button names it.
    await clerk.locator(visible('.refund-preview-box:not(.is-hidden) .preview-refund')).waitFor();
    await clerk.locator(visible('.refund-submit')).click();
    await clerk.locator(visible('.refund-result')).waitFor();
    await browser.shot(clerk, 'till-refund');
    const share = refundShare(order, 0, 2850);
    expect(await clerk.locator(visible('.refund-result__title')).textContent()).toBe('退款完成');
    expect(await rowValue(clerk, '.result-refund-fen')).toBe(formatYuan(share.payableFen));
    expect(await rowValue(clerk, '.result-goods-fen')).toBe('¥28.50');
    expect(await rowValue(clerk, '.result-points-reversed')).toBe(String(share.pointsEarned));
    expect(await rowValue(clerk, '.result-chargeback')).toBe('无');
    expect(await rowValue(clerk, '.result-points-returned')).toBe('0');
    expect(await rowValue(clerk, '.result-refundable')).toBe('¥100.00');
    const afterRefund = afterPurchase - share.pointsEarned;
    expect(await rowValue(clerk, '.result-points-balance')).toBe(String(afterRefund));
    // The order shown below is re-read: ¥100.00 left, offered as the next refund.
    await clerk.waitForFunction(
      () => document.querySelector('.taro_page:not(.taro_page_shade) .order-refundable .bill-row__value')?.textContent === '¥100.00',
    );
    expect(await clerk.locator(visible('.refund-amount input')).inputValue()).toBe('100.00');
    expect(await rowValue(clerk, '.refund-line-goods')).toBe('¥28.50');
    expect((await api<Order>('GET', `/staff/orders/${order.id}`, clerkToken)).refundedFen).toBe(2850);
    expect((await api<PointsOverview>('GET', '/member/points', memberToken)).balance).toBe(afterRefund);

    // Next shopper, same member: ¥50 paid partly with all the points the order may take. The
    // first confirm reaches the server but the answer is lost; the retry must not record twice.
    await clerk.goBack();
    await clerk.locator(visible('.purchase-next')).click();
    const nextCode = (await api<MemberCode>('GET', '/member/code', memberToken)).code;
    await clerk.locator(visible('.purchase-code input')).fill(nextCode);
    await clerk.locator(visible('.purchase-amount input')).fill('50');
    await clerk.locator(visible('.purchase-quote-btn')).click();
    // More points than the order may take: the server's answer is shown beside the points field.
    await clerk.locator(visible('.redeem-option--typed')).click();
    await clerk.locator(visible('.redeem-input input')).fill('999999');
    await clerk.locator(visible('.redeem-apply')).click();
    await clerk.locator(visible('.field-error--pointsToRedeem')).waitFor();
    expect(await clerk.locator(visible('.field-error--pointsToRedeem')).textContent()).toMatch(/积分不足|最多可用/);
    await clerk.locator(visible('.redeem-option--all')).click();
    await clerk.waitForFunction(() => document.querySelector('.taro_page:not(.taro_page_shade) .quote-redeemed .bill-row__value')?.textContent !== '未使用');
    const quote = await api<OrderQuote>('POST', '/staff/orders/quote', clerkToken, { memberCode: nextCode, amountFen: 5000, pointsToRedeem: 0 });
    expect(quote.maxRedeemPoints).toBeGreaterThan(0);
    const redeemed = await api<OrderQuote>('POST', '/staff/orders/quote', clerkToken, { memberCode: nextCode, amountFen: 5000, pointsToRedeem: quote.maxRedeemPoints });
    expect(await rowValue(clerk, '.quote-redeemed')).toBe(`${redeemed.pointsRedeemed} 积分，−${formatYuan(redeemed.pointsDeductFen)}`);
    expect(await rowValue(clerk, '.quote-payable')).toBe(formatYuan(redeemed.payableFen));

    let sent = 0;
    // The connection this test cuts is logged by the browser; anything else logged still fails the suite.
    browser.expectedErrors.push(/^Failed to load resource: net::ERR_CONNECTION_RESET$/);
    await clerk.route('**/api/staff/orders', async (route) => {
      sent += 1;
      await route.fetch(); // the server records it…
      await route.abort('connectionreset'); // …and the till never hears back
    });
    await clerk.locator(visible('.purchase-confirm')).click();
    await clerk.locator(visible('.purchase-pending')).waitFor();
    expect(sent).toBe(1);
    expect(await clerk.locator(visible('.purchase-error')).textContent()).toContain('网络');
    await clerk.unroute('**/api/staff/orders');
    expect(await clerk.locator(visible('.purchase-confirm')).textContent()).toContain('重新提交');
    await clerk.locator(visible('.purchase-confirm')).click();
    await clerk.locator(visible('.purchase-result')).waitFor();
    expect(await clerk.locator(visible('.purchase-result__title')).textContent()).toBe('这笔消费已记录过');
    const retriedNo = (await rowValue(clerk, '.result-external-no'))!;
    const [second, ...others] = await api<Order[]>('GET', `/staff/orders?externalNo=${retriedNo}`, clerkToken);
    expect(others).toHaveLength(0);
    expect(second).toMatchObject({ amountFen: 5000, pointsRedeemed: redeemed.pointsRedeemed, payableFen: redeemed.payableFen });
    expect(await rowValue(clerk, '.result-redeemed')).toBe(`${second.pointsRedeemed} 积分，−${formatYuan(second.pointsDeductFen)}`);

    // The points were spent once: the ledger shows one redemption, then the points earned.
    const finalLedger = await api<PointsOverview>('GET', '/member/points', memberToken);
    expect(finalLedger.balance).toBe(afterRefund - second.pointsRedeemed + second.pointsEarned);
    expect(finalLedger.entries.filter((e) => e.kind === 'redeem')).toHaveLength(1);
    await shopper.reload();
    await shopper.waitForFunction(
      (balance) => document.querySelector('.taro_page:not(.taro_page_shade) .points-balance')?.textContent === balance,
      formatCount(finalLedger.balance),
    );
    const deltas = await shopper.locator(visible('.points-entry-delta')).allTextContents();
    expect(deltas).toEqual(finalLedger.entries.map((e) => (e.delta < 0 ? `−${formatCount(-e.delta)}` : `+${formatCount(e.delta)}`)));
    expect(deltas).toContain(`−${formatCount(second.pointsRedeemed)}`);

    await clerk.close();
    await shopper.close();
  });
});
