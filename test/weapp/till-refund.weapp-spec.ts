import { formatYuan, type Order, type RefundQuote } from '@wemember/shared';
import { STAFF_PASSWORD, TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';
import type { MiniProgram } from './harness/mini-program';
import { Phones } from './harness/phones';

/**
 * The till's day list and refund on the weapp build, mirroring test/browser/till-refund: the clerk
 * records a purchase with points (its printed receipt number typed in), finds orders by that number
 * and by the shopper's last 4 phone digits, walks a day back and forth, and refunds exactly what
 * the preview showed.
 */
describe('weapp: the till finds an order and refunds what it showed', () => {
  let stack: TestStack;
  let till: TestTill;
  const phones = new Phones(() => stack);

  beforeAll(async () => {
    stack = await TestStack.start();
    till = await TestTill.open(stack);
  });
  afterEach(() => phones.closeAll());
  afterAll(() => stack?.close());

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const result = await stack.api<T>(method, path, { token, body });
    if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  const row = (mp: MiniProgram, name: string) => mp.page.text(`${name} .bill-row__value`);
  const receiptsListed = (mp: MiniProgram) => mp.page.texts('.order-row__receipt');

  /** Searches the day's orders; resolves once the list shows what the API answered. */
  async function searchOrders(mp: MiniProgram, q: string): Promise<Order[]> {
    await mp.page.input('.orders-search-input', q);
    await mp.page.tap('.orders-search-btn');
    const orders = await api<Order[]>('GET', `/staff/orders?q=${encodeURIComponent(q)}`, till.clerkToken);
    const expected = JSON.stringify(orders.map((order) => order.receiptNo ?? order.externalNo));
    await mp.waitFor(() => JSON.stringify(receiptsListed(mp)) === expected, `the orders found by ${q}`);
    return orders;
  }

  /**
   * With the refund page on `order` and `yuan` typed, checks the preview against the API's own,
   * confirms, and checks the refund recorded is what was shown; answers the preview.
   */
  async function refundAsShown(mp: MiniProgram, order: Order, yuan: string, amountFen: number): Promise<RefundQuote> {
    await mp.page.input('.refund-amount', yuan);
    await mp.waitFor(() => mp.page.has('.preview-refund') && mp.page.text('.preview-goods .bill-row__value') === formatYuan(amountFen), 'the refund preview');
    const quote = await api<RefundQuote>('POST', `/staff/orders/${order.id}/refund/quote`, till.clerkToken, { amountFen });
    expect(row(mp, '.preview-paid-share')).toBe(formatYuan(quote.payableShareFen));
    expect(row(mp, '.preview-chargeback')).toBe(quote.pointsChargedBack ? `${quote.pointsChargedBack} 积分 = −${formatYuan(quote.chargebackFen)}` : '无');
    expect(row(mp, '.preview-refund')).toBe(formatYuan(quote.refundFen));
    expect(row(mp, '.preview-points-reversed')).toBe(String(quote.pointsReversed));
    expect(row(mp, '.preview-points-returned')).toBe(String(quote.pointsReturned));
    await mp.waitFor(() => mp.page.text('.refund-submit') === `确认退款 ${formatYuan(quote.refundFen)}`, 'the button naming the money');

    await mp.page.tap('.refund-submit');
    await mp.waitFor(() => mp.page.has('.refund-result'), 'the refund');
    const sent = mp.device.network.sent.filter((request) => request.method === 'POST' && request.path === `/api/staff/orders/${order.id}/refund`);
    expect(sent.map((request) => request.status)).toEqual([201]);
    // What was paid is what was shown.
    const recorded = (await api<Order>('GET', `/staff/orders/${order.id}`, till.clerkToken)).refunds.at(-1);
    expect(recorded).toMatchObject({ amountFen, refundFen: quote.refundFen });
    expect(mp.page.text('.refund-result__title')).toBe('退款完成');
    expect(mp.page.text('.refund-result__check--same')).toBe('与确认前显示的金额一致');
    expect(mp.page.has('.refund-result__check--differs')).toBe(false);
    expect(row(mp, '.result-refund-fen')).toBe(formatYuan(quote.refundFen));
    expect(row(mp, '.result-goods-fen')).toBe(formatYuan(amountFen));
    return quote;
  }

  it('records a purchase with points, finds it by receipt number and phone digits, refunds exactly what the preview showed', async () => {
    // A shopper with points from an earlier purchase (order A, ¥100, recorded by the POS).
    const member: TestMember = await till.newMember();
    const orderA = await till.bought(member, { amountFen: 10000 });
    expect(orderA.pointsEarned).toBeGreaterThan(0);

    const clerk = await phones.launch({ path: 'staff/login/index' });
    await clerk.waitForPage('staff/login/index', '员工登录');
    await clerk.page.input('.staff-username', `${stack.usernamePrefix}clerk`);
    await clerk.page.input('.staff-password', STAFF_PASSWORD);
    await clerk.page.tap('.staff-login-btn');
    await clerk.waitForPage('staff/scan/index', '西湖店店员小陈');
    expect(clerk.page.text('.staff-action--orders')).toBe('今日订单 / 退款');

    // Order B: ¥50 at the till, all the points it may take, the printed receipt number typed in.
    await clerk.page.tap('.staff-action--purchase');
    await clerk.waitForPage('staff/purchase/index', '消费金额');
    await clerk.page.input('.purchase-code', await till.code(member.token));
    await clerk.page.input('.purchase-amount', '50');
    await clerk.page.tap('.purchase-quote-btn');
    await clerk.waitFor(() => clerk.page.has('.purchase-quote'), 'the quote');
    // A decimal typed into the points field is refused beside it, and nothing is asked of the server.
    await clerk.page.tap('.redeem-option--typed');
    const quotes = () => clerk.device.network.sent.filter((request) => request.path === '/api/staff/orders/quote').length;
    const quotesBefore = quotes();
    await clerk.page.input('.redeem-input', '1.5');
    await clerk.page.tap('.redeem-apply');
    await clerk.waitFor(() => clerk.page.has('.field-error--pointsToRedeem'), 'the refused points');
    expect(clerk.page.text('.field-error--pointsToRedeem')).toBe('积分只能是整数，不能有小数');
    expect(quotes()).toBe(quotesBefore);
    await clerk.page.tap('.redeem-option--all');
    await clerk.waitFor(() => row(clerk, '.quote-redeemed') !== '未使用', 'the points taken off');
    const receiptNo = aReceiptNo('P').slice(0, 12).toUpperCase();
    await clerk.page.input('.purchase-receipt-no', receiptNo);
    await clerk.page.tap('.purchase-confirm');
    await clerk.waitFor(() => clerk.page.has('.purchase-result'), 'the recorded purchase');
    expect(row(clerk, '.result-receipt-no')).toBe(receiptNo);
    const [orderB] = await api<Order[]>('GET', `/staff/orders?externalNo=${row(clerk, '.result-external-no')}`, till.clerkToken);
    expect(orderB).toMatchObject({ receiptNo, amountFen: 5000 });
    expect(orderB.pointsRedeemed).toBeGreaterThan(0);

    // The day's orders, from the staff home page: by the printed receipt number, B alone…
    await clerk.back();
    await clerk.page.tap('.staff-action--orders');
    await clerk.waitForPage('staff/orders/index');
    await clerk.waitFor(() => clerk.page.has('.order-row'), 'the day’s orders');
    await searchOrders(clerk, receiptNo);
    expect(receiptsListed(clerk)).toEqual([receiptNo]);
    expect(clerk.page.text('.order-row__payable')).toBe(formatYuan(orderB.payableFen));
    expect(clerk.page.text('.order-row__phone')).toMatch(/^1\d{2}\*{4}\d{4}$/);
    // …by the last 4 digits of the phone, both of the shopper's orders.
    await searchOrders(clerk, member.phone.slice(-4));
    const byPhone = receiptsListed(clerk);
    expect(byPhone).toEqual(expect.arrayContaining([receiptNo, orderA.externalNo]));
    // The day before has none of them; back to today, both again.
    await clerk.page.tap('.orders-day__prev');
    await clerk.waitFor(() => clerk.page.has('.orders-empty'), 'the empty day before');
    expect(clerk.page.text('.orders-empty')).toBe(`这一天没有找到“${member.phone.slice(-4)}”的消费记录`);
    await clerk.page.tap('.orders-day__next');
    await clerk.waitFor(() => clerk.page.text('.orders-day__label').startsWith('今天') && receiptsListed(clerk).length > 0, 'today again');
    expect(receiptsListed(clerk)).toEqual(byPhone);

    // Refund all of A: its points were spent on B, so they are charged back out of the money.
    const rowA = clerk.page.all('.order-row').find((element) => element.querySelector('.order-row__receipt')?.textContent === orderA.externalNo);
    await clerk.page.tap(rowA!);
    await clerk.waitForPage('staff/refund/index');
    await clerk.waitFor(() => clerk.page.has('.refund-order'), 'order A');
    expect(clerk.page.text('.refund-order__no')).toBe(`小票 ${orderA.externalNo}`);
    expect(clerk.page.value('.refund-amount')).toBe('100.00');
    const refundA = await refundAsShown(clerk, orderA, '100.00', 10000);
    expect(refundA.pointsChargedBack).toBeGreaterThan(0);
    await clerk.waitFor(() => clerk.page.has('.refund-done-notice'), 'the order refunded in full');
    expect(clerk.page.text('.refund-done-notice')).toBe('这笔消费已全部退款');
    expect(row(clerk, '.refund-line-chargeback')).toBe(`${refundA.pointsChargedBack} 积分 = −${formatYuan(refundA.chargebackFen)}`);

    // Back in the list (reloaded), A shows what was refunded; then part of B.
    await clerk.back();
    await clerk.waitFor(
      () => clerk.page.all('.order-row').some((element) => element.querySelector('.order-row__receipt')?.textContent === orderA.externalNo && element.querySelector('.order-row__state')?.textContent === `已全部退款 ${formatYuan(refundA.refundFen)}`),
      'order A shown as refunded',
    );
    await searchOrders(clerk, receiptNo);
    await clerk.page.tap('.order-row');
    await clerk.waitFor(() => clerk.page.route === 'staff/refund/index' && clerk.page.has('.refund-order__no') && clerk.page.text('.refund-order__no') === `小票 ${receiptNo}`, 'order B');
    expect(row(clerk, '.order-external-no')).toBe(orderB.externalNo);
    const refundB = await refundAsShown(clerk, orderB, '20', 2000);
    expect(refundB.pointsReturned).toBeGreaterThan(0);
    // Ready for the next refund of what is left.
    await clerk.waitFor(() => row(clerk, '.order-refundable') === '¥30.00', 'the order re-read');
    expect(clerk.page.value('.refund-amount')).toBe('30.00');
  });
});
