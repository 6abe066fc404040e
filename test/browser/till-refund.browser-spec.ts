import { formatYuan, type Order, type OrderQuote, type Refund, type RefundQuote } from '@wemember/shared';
import type { Page } from 'playwright-core';
import { BrowserHarness, visible } from '../support/browser';
import { STAFF_PASSWORD, type TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';

/**
 * The refund at the till in a real browser: the clerk finds a purchase in the day's orders by its
 * receipt number or the shopper's last 4 phone digits, sees what a refund gives back before
 * confirming it, and gets exactly that; the order then shows money and goods value refunded apart.
 * A marketer is not offered the till, and no page logs an error (the harness fails the suite on any).
 */
describe('H5 in Chromium: the till finds an order and refunds what it showed', () => {
  let stack: TestStack;
  let browser: BrowserHarness;
  let till: TestTill;

  beforeAll(async () => {
    browser = await BrowserHarness.start();
    stack = browser.stack;
    till = await TestTill.open(stack);
  });
  afterAll(() => browser?.close());

  /** The text of a bill row's value on the page shown now. */
  const rowValue = (page: Page, row: string) => page.locator(visible(`${row} .bill-row__value`)).textContent();

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const result = await stack.api<T>(method, path, { token, body });
    if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  async function signIn(role: 'clerk' | 'marketer'): Promise<Page> {
    const page = await browser.open('staff/login/index');
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.locator(visible('.staff-username input')).fill(`${stack.usernamePrefix}${role}`);
    await page.locator(visible('.staff-password input')).fill(STAFF_PASSWORD);
    await page.locator(visible('.staff-login-btn')).click();
    if (role === 'marketer') {
      // A marketer lands on the marketing console (test/browser/campaigns); the staff home is one address away.
      await page.locator(visible('.console-nav__name:not(:has-text("加载中"))')).waitFor();
      await page.goto(`${stack.url}/#/staff/scan/index`);
    }
    await page.locator(visible('.staff-name:not(:has-text("加载中"))')).waitFor();
    return page;
  }

  /** Searches the day's orders; resolves once the list shows what the API answered. */
  async function searchOrders(page: Page, q: string): Promise<Order[]> {
    const answered = page.waitForResponse((r) => r.url().includes('/api/staff/orders?') && r.url().includes(`q=${encodeURIComponent(q)}`));
    await page.locator(visible('.orders-search-input input')).fill(q);
    await page.locator(visible('.orders-search-btn')).click();
    const orders: Order[] = await (await answered).json();
    await page.waitForFunction(
      (receipts) => {
        const shown = Array.from(document.querySelectorAll('.taro_page:not(.taro_page_shade) .order-row__receipt'), (e) => e.textContent);
        return JSON.stringify(shown) === JSON.stringify(receipts);
      },
      orders.map((o) => o.receiptNo ?? o.externalNo),
    );
    return orders;
  }

  const receiptsListed = (page: Page) => page.locator(visible('.order-row__receipt')).allTextContents();

  /**
   * With the refund page open on `order` and `yuan` typed, waits for the preview, checks every
   * figure against the API's own preview, confirms, and checks the refund paid is what was shown.
   */
  async function refundAsShown(page: Page, order: Order, yuan: string, amountFen: number, shot: string): Promise<Refund> {
    await page.locator(visible('.refund-amount input')).fill(yuan);
    await page.locator(visible('.refund-preview-box:not(.is-hidden) .preview-refund')).waitFor();
    const quote = await api<RefundQuote>('POST', `/staff/orders/${order.id}/refund/quote`, till.clerkToken, { amountFen });
    expect(await rowValue(page, '.preview-goods')).toBe(formatYuan(amountFen));
    expect(await rowValue(page, '.preview-paid-share')).toBe(formatYuan(quote.payableShareFen));
    expect(await rowValue(page, '.preview-chargeback')).toBe(
      quote.pointsChargedBack ? `${quote.pointsChargedBack} 积分 = −${formatYuan(quote.chargebackFen)}` : '无',
    );
    expect(await rowValue(page, '.preview-refund')).toBe(formatYuan(quote.refundFen));
    expect(await rowValue(page, '.preview-points-reversed')).toBe(String(quote.pointsReversed));
    expect(await rowValue(page, '.preview-points-returned')).toBe(String(quote.pointsReturned));
    expect(quote.payableShareFen - quote.chargebackFen).toBe(quote.refundFen);
    expect(await page.locator(visible('.refund-submit')).textContent()).toBe(`确认退款 ${formatYuan(quote.refundFen)}`);
    await browser.shot(page, shot);

    const answered = page.waitForResponse((r) => r.url().endsWith(`/api/staff/orders/${order.id}/refund`) && r.request().method() === 'POST');
    await page.locator(visible('.refund-submit')).click();
    const refund: Refund = await (await answered).json();
    await page.locator(visible('.refund-result')).waitFor();
    // What was paid is what was shown, and the page says so.
    expect(refund).toMatchObject({
      amountFen,
      payableShareFen: quote.payableShareFen,
      refundFen: quote.refundFen,
      pointsReversed: quote.pointsReversed,
      pointsChargedBack: quote.pointsChargedBack,
      chargebackFen: quote.chargebackFen,
      pointsReturned: quote.pointsReturned,
    });
    expect(await page.locator(visible('.refund-result__title')).textContent()).toBe('退款完成');
    expect(await page.locator(visible('.refund-result__check--same')).textContent()).toBe('与确认前显示的金额一致');
    expect(await page.locator(visible('.refund-result__check--differs')).count()).toBe(0);
    expect(await rowValue(page, '.result-refund-fen')).toBe(formatYuan(refund.refundFen));
    expect(await rowValue(page, '.result-goods-fen')).toBe(formatYuan(refund.amountFen));
    expect(await rowValue(page, '.result-paid-share')).toBe(formatYuan(refund.payableShareFen));
    return refund;
  }

  /** The order view, once re-read after a refund: goods value and money refunded apart, each line adding up. */
  async function expectOrderView(page: Page, orderId: string): Promise<Order> {
    const order = await api<Order>('GET', `/staff/orders/${orderId}`, till.clerkToken);
    await page.waitForFunction(
      (left) => document.querySelector('.taro_page:not(.taro_page_shade) .order-refundable .bill-row__value')?.textContent === left,
      formatYuan(order.refundableFen),
    );
    expect(await rowValue(page, '.order-refunded')).toBe(formatYuan(order.refundedFen));
    expect(await rowValue(page, '.order-refunded-money')).toBe(formatYuan(order.refundedMoneyFen));
    expect(await page.locator(visible('.refund-line-goods .bill-row__value')).allTextContents()).toEqual(order.refunds.map((r) => formatYuan(r.amountFen)));
    expect(await page.locator(visible('.refund-line-money .bill-row__value')).allTextContents()).toEqual(order.refunds.map((r) => formatYuan(r.refundFen)));
    expect(order.refunds.reduce((sum, r) => sum + r.amountFen, 0)).toBe(order.refundedFen);
    expect(order.refunds.reduce((sum, r) => sum + r.refundFen, 0)).toBe(order.refundedMoneyFen);
    return order;
  }

  it('records a purchase with points, finds it by receipt number and phone digits, refunds exactly what the preview showed', async () => {
    // A shopper with points from an earlier purchase (order A, ¥100, recorded by the POS).
    const member: TestMember = await till.newMember();
    const bought = await till.buy(member, { amountFen: 10000 });
    expect(bought.status).toBe(201);
    const orderA: Order = bought.body;
    expect(orderA.pointsEarned).toBeGreaterThan(0);

    const clerk = await signIn('clerk');
    expect(await clerk.locator(visible('.staff-action--orders')).textContent()).toBe('今日订单 / 退款');
    await browser.shot(clerk, 'till-scan');

    // Order B: ¥50 of goods at the till, paid partly with points.
    await clerk.locator(visible('.staff-action--purchase')).click();
    await clerk.locator(visible('.purchase-code input')).fill(await till.code(member.token));
    await clerk.locator(visible('.purchase-amount input')).fill('50');
    await clerk.locator(visible('.purchase-quote-btn')).click();
    await clerk.locator(visible('.purchase-quote')).waitFor();

    // A decimal typed into the points field is refused beside it, not read as 15.
    await clerk.locator(visible('.redeem-option--typed')).click();
    let quotesSent = 0;
    clerk.on('request', (request) => {
      if (request.url().endsWith('/api/staff/orders/quote')) quotesSent += 1;
    });
    await clerk.locator(visible('.redeem-input input')).pressSequentially('1.5');
    expect(await clerk.locator(visible('.redeem-input input')).inputValue()).toBe('1.5');
    await clerk.locator(visible('.redeem-apply')).click();
    expect(await clerk.locator(visible('.field-error--pointsToRedeem')).textContent()).toBe('积分只能是整数，不能有小数');
    expect(quotesSent).toBe(0);
    expect(await rowValue(clerk, '.quote-redeemed')).toBe('未使用');
    await browser.shot(clerk, 'till-points-decimal');

    await clerk.locator(visible('.redeem-option--all')).click();
    await clerk.waitForFunction(() => document.querySelector('.taro_page:not(.taro_page_shade) .quote-redeemed .bill-row__value')?.textContent !== '未使用');
    const quote = await api<OrderQuote>('POST', '/staff/orders/quote', till.clerkToken, { memberCode: await till.code(member.token), amountFen: 5000, pointsToRedeem: 0 });
    const receiptNo = aReceiptNo('P').slice(0, 12).toUpperCase();
    await clerk.locator(visible('.purchase-receipt-no input')).fill(receiptNo);
    await clerk.locator(visible('.purchase-confirm')).click();
    await clerk.locator(visible('.purchase-result')).waitFor();
    await browser.shot(clerk, 'till-purchase-result');
    expect(await rowValue(clerk, '.result-receipt-no')).toBe(receiptNo);
    const externalNo = (await rowValue(clerk, '.result-external-no'))!;
    const [orderB] = await api<Order[]>('GET', `/staff/orders?externalNo=${externalNo}`, till.clerkToken);
    expect(orderB).toMatchObject({ receiptNo, amountFen: 5000, pointsRedeemed: quote.maxRedeemPoints });
    expect(orderB.pointsRedeemed).toBeGreaterThan(0);

    // The day's orders, from the staff home page: by the printed receipt number, B alone…
    await clerk.goBack();
    await clerk.locator(visible('.staff-action--orders')).click();
    await clerk.locator(visible('.orders-list:not(.is-hidden) .order-row')).first().waitFor();
    await searchOrders(clerk, receiptNo);
    expect(await receiptsListed(clerk)).toEqual([receiptNo]);
    const rowB = clerk.locator(visible('.order-row')).first();
    expect(await rowB.locator('.order-row__payable').textContent()).toBe(formatYuan(orderB.payableFen));
    expect(await rowB.locator('.order-row__phone').textContent()).toBe(orderB.memberPhone);
    expect(await rowB.locator('.order-row__phone').textContent()).toMatch(/^1\d{2}\*{4}\d{4}$/);
    // …by the last 4 digits of the phone, both of the shopper's orders (A has no printed number: its own).
    await searchOrders(clerk, member.phone.slice(-4));
    const byPhone = await receiptsListed(clerk);
    expect(byPhone).toEqual(expect.arrayContaining([receiptNo, orderA.externalNo]));
    await browser.shot(clerk, 'till-orders');
    // The day before has none of them; back to today, both again.
    await clerk.locator(visible('.orders-day__prev')).click();
    await clerk.locator(visible('.orders-empty:not(.is-hidden)')).waitFor();
    expect(await clerk.locator(visible('.orders-empty')).textContent()).toBe(`这一天没有找到“${member.phone.slice(-4)}”的消费记录`);
    await clerk.locator(visible('.orders-day__next')).click();
    await clerk.waitForFunction(() => document.querySelector('.taro_page:not(.taro_page_shade) .orders-day__label')?.textContent?.startsWith('今天'));
    await clerk.locator(visible('.orders-list:not(.is-hidden) .order-row')).first().waitFor();
    expect(await receiptsListed(clerk)).toEqual(byPhone);

    // Refund all of A: its points were spent on B, so they are charged back out of the money.
    await clerk.locator(visible(`.order-row:has(.order-row__receipt:text-is("${orderA.externalNo}"))`)).click();
    await clerk.locator(visible('.refund-order')).waitFor();
    expect(await clerk.locator(visible('.refund-amount input')).inputValue()).toBe('100.00');
    const refundA = await refundAsShown(clerk, orderA, '100.00', 10000, 'till-refund-preview-a');
    expect(refundA.pointsChargedBack).toBeGreaterThan(0);
    expect(refundA.refundFen).toBe(orderA.payableFen - refundA.chargebackFen);
    const viewA = await expectOrderView(clerk, orderA.id);
    expect(viewA).toMatchObject({ refundedFen: 10000, refundedMoneyFen: refundA.refundFen, refundableFen: 0, status: 'refunded' });
    expect(await rowValue(clerk, '.refund-line-chargeback')).toBe(`${refundA.pointsChargedBack} 积分 = −${formatYuan(refundA.chargebackFen)}`);
    expect(await clerk.locator(visible('.refund-done-notice')).textContent()).toBe('这笔消费已全部退款');
    await browser.shot(clerk, 'till-refund-result-a');

    // Back in the list, A shows what was refunded; then part of B, whose redeemed points come back.
    await clerk.goBack();
    await clerk.waitForFunction(
      ([no, text]) =>
        Array.from(document.querySelectorAll('.taro_page:not(.taro_page_shade) .order-row')).some(
          (row) => row.querySelector('.order-row__receipt')?.textContent === no && row.querySelector('.order-row__state')?.textContent === text,
        ),
      [orderA.externalNo, `已全部退款 ${formatYuan(refundA.refundFen)}`],
    );
    await searchOrders(clerk, receiptNo);
    await clerk.locator(visible('.order-row')).first().click();
    await clerk.waitForFunction(
      (no) => document.querySelector('.taro_page:not(.taro_page_shade) .refund-order__no')?.textContent === `小票 ${no}`,
      receiptNo,
    );
    expect(await rowValue(clerk, '.order-external-no')).toBe(orderB.externalNo);
    const refundB = await refundAsShown(clerk, orderB, '20', 2000, 'till-refund-preview-b');
    expect(refundB.pointsReturned).toBeGreaterThan(0);
    const viewB = await expectOrderView(clerk, orderB.id);
    expect(viewB).toMatchObject({ refundedFen: 2000, refundedMoneyFen: refundB.refundFen, refundableFen: 3000, status: 'partially_refunded' });
    // Ready for the next refund of what is left, previewed again.
    expect(await clerk.locator(visible('.refund-amount input')).inputValue()).toBe('30.00');
    await clerk.locator(visible('.refund-preview-box:not(.is-hidden) .preview-refund')).waitFor();
    await browser.shot(clerk, 'till-refund-result-b');

    // On a desktop screen the app keeps a phone-width column in the middle.
    await clerk.setViewportSize({ width: 1280, height: 800 });
    const column = (await clerk.locator('#app').boundingBox())!;
    expect(column.width).toBe(480);
    expect(column.x).toBe(400);
    await browser.shot(clerk, 'till-refund-desktop');
    await clerk.close();
  });

  it('shows another store’s order as another store’s, not as missing', async () => {
    const member = await till.newMember();
    const elsewhere = await till.buy(member, { amountFen: 3000, storeId: stack.store('SH001').id }, till.adminToken);
    expect(elsewhere.status).toBe(201);
    const home = await signIn('clerk');
    const clerk = await browser.open(`staff/refund/index?orderId=${elsewhere.body.id}`);
    await clerk.locator(visible('.refund-error:not(.is-hidden)')).waitFor();
    expect(await clerk.locator(visible('.refund-error')).textContent()).toContain('这是其他门店的记录');
    expect(await clerk.locator(visible('.refund-order')).count()).toBe(0);
    await browser.shot(clerk, 'till-other-store');
    await clerk.close();
    await home.close();
  });

  it('does not offer a marketer the till', async () => {
    const marketer = await signIn('marketer');
    expect(await marketer.locator(visible('.staff-name')).textContent()).toContain('营销专员');
    await marketer.locator(visible('.staff-no-till:not(.is-hidden)')).waitFor();
    expect(await marketer.locator(visible('.staff-no-till')).textContent()).toContain('收银记账、订单和退款请由门店店员或店长办理');
    expect(await marketer.locator(visible('.staff-actions')).isVisible()).toBe(false);
    await browser.shot(marketer, 'till-marketer-home');

    // Typing a till page's address leads nowhere either: the page says why instead of a form.
    for (const path of ['staff/purchase/index', 'staff/orders/index', 'staff/refund/index']) {
      const page = await browser.open(path);
      await page.locator(visible('.till-not-offered')).waitFor();
      expect(await page.locator(visible('.till-not-offered__title')).textContent()).toBe('营销专员账号不能收银或退款');
      expect(await page.locator(visible('.purchase-amount, .orders-search-input, .refund-amount')).count()).toBe(0);
      if (path === 'staff/purchase/index') await browser.shot(page, 'till-marketer-purchase');
      await page.close();
    }
    await marketer.close();
  });

  it('serves the favicon the page links', async () => {
    const page = await browser.open('staff/login/index');
    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(href).toBe('/favicon.png');
    const icon = await page.request.get(`${stack.url}${href}`);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toBe('image/png');
    await page.close();
  });
});
