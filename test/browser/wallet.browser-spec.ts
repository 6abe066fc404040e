import { formatYuan, rechargeRefundable, type MemberCode, type MemberRechargeOrders, type Order, type Wallet } from '@wemember/shared';
import type { Page } from 'playwright-core';
import { BrowserHarness, textOf, visible } from '../support/browser';
import { aPhone, STAFF_PASSWORD, type TestStack } from '../support/stack';

/**
 * Stored value in a real browser on the H5 build, with the real server, MariaDB, Redis and the
 * WeChat sandbox playing WeChat Pay: the shopper recharges 充500送50 from the card's 余额, pays
 * (the sandbox's user confirms the payment, WeChat Pay notifies the server), and the result page
 * and the balance show ¥500 principal + ¥50 bonus; the clerk takes part of a purchase from the
 * balance and refunds it; the shopper asks for the unused principal back.
 */
describe('H5 in Chromium: recharge with WeChat Pay, pay with the balance at the till', () => {
  let stack: TestStack;
  let browser: BrowserHarness;
  let shopper: Page;
  let clerk: Page;
  let memberToken: string;

  beforeAll(async () => {
    browser = await BrowserHarness.start();
    stack = browser.stack;
  });
  afterAll(() => browser?.close());

  const rowValue = (page: Page, row: string) => page.locator(visible(`${row} .bill-row__value`)).textContent();
  const shot = async (page: Page, name: string) => {
    await page.waitForTimeout(400);
    await browser.shot(page, name);
  };
  /** Waits until the element on the page shown now reads exactly `text`. */
  const waitText = (page: Page, selector: string, text: string) =>
    page.waitForFunction(([s, t]) => document.querySelector(`.taro_page:not(.taro_page_shade) ${s}`)?.textContent === t, [selector, text] as const);

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const result = await stack.api<T>(method, path, { token, body });
    if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  it('recharges 充500送50 from the card: paid in the sandbox, credited as ¥500 principal + ¥50 bonus', async () => {
    ({ page: shopper, token: memberToken } = await browser.joinFromStoreCode(aPhone()));
    expect(await textOf(shopper, '.card-balance')).toBe('¥0.00');

    // 余额 on the card opens the balance: nothing yet.
    await shopper.locator(visible('.card-balance-link')).click();
    await waitText(shopper, '.wallet-total', '¥0.00');
    expect(await textOf(shopper, '.wallet-principal')).toBe('本金 ¥0.00');
    expect(await textOf(shopper, '.wallet-bonus')).toBe('赠送 ¥0.00');
    expect(await textOf(shopper, '.balance-entries .m-empty__title')).toBe('还没有余额变动');
    const rules = (await api<Wallet>('GET', '/member/wallet', memberToken)).rules;
    expect(await shopper.locator(visible('.balance-rule')).allTextContents()).toEqual(rules.map((rule) => `· ${rule}`));

    // 去充值: the brand's packages, the first one chosen; 充500送50 says what arrives and its limit.
    await shopper.locator(visible('.balance-recharge')).click();
    await shopper.locator(visible('.recharge-offer')).first().waitFor();
    expect(await shopper.locator(visible('.recharge-offer__label')).allTextContents()).toEqual(['充100', '充300送20', '充500送50']);
    expect(await textOf(shopper, '.recharge-pay')).toBe('微信支付 ¥100.00');
    const offer = shopper.locator(visible('.recharge-offer')).filter({ hasText: '充500送50' });
    await offer.click();
    expect(await offer.locator('.recharge-offer__gets').textContent()).toBe('到账 ¥550.00');
    expect(await offer.locator('.recharge-offer-limit').textContent()).toBe('每人限购 2 次，还可购 2 次');
    expect(await textOf(shopper, '.recharge-pay')).toBe('微信支付 ¥500.00');
    await shot(shopper, 'wallet-01-recharge');

    // Paid: the result page waits for WeChat Pay's word, then shows what arrived and the balance.
    await shopper.locator(visible('.recharge-pay')).click();
    await shopper.locator(visible('.result-credited')).waitFor({ timeout: 15_000 });
    expect(await textOf(shopper, '.result-credited')).toBe('已到账 ¥550.00');
    expect(await textOf(shopper, '.result-parts')).toBe('（本金 ¥500 + 赠送 ¥50）');
    expect(await textOf(shopper, '.result-balance')).toBe('当前余额 ¥550.00');
    const orderNo = (await textOf(shopper, '.result-no'))!.replace('订单号 ', '');
    const paid = await stack.wechat<{ trade_state: string; amount: { total: number } }>(`/pay/orders/${orderNo}`);
    expect(paid).toMatchObject({ trade_state: 'SUCCESS', amount: { total: 50_000 } });
    await shot(shopper, 'wallet-02-result');

    // The balance: both parts, and the recharge as one line.
    await shopper.locator(visible('.result-wallet')).click();
    await waitText(shopper, '.wallet-total', '¥550.00');
    expect(await textOf(shopper, '.wallet-principal')).toBe('本金 ¥500.00');
    expect(await textOf(shopper, '.wallet-bonus')).toBe('赠送 ¥50.00');
    const entry = shopper.locator(visible('.wallet-entry')).first();
    expect(await entry.locator('.wallet-entry__kind').textContent()).toBe('充值');
    expect(await entry.locator('.wallet-entry__parts').textContent()).toBe('本金 +¥500.00 · 赠送 +¥50.00');
    expect(await entry.locator('.wallet-entry-total').textContent()).toBe('+¥550.00');
    expect(await entry.locator('.wallet-entry__balance').textContent()).toBe('结余 ¥550.00');
    await shot(shopper, 'wallet-03-balance');

    await shopper.locator(visible('.balance-tab--recharges')).click();
    const record = shopper.locator(visible('.recharge-record')).first();
    expect(await record.locator('.recharge-record__label').textContent()).toBe('充500送50');
    expect(await record.locator('.recharge-record-status').textContent()).toBe('已到账');
    expect(await record.locator('.recharge-record-refundable').textContent()).toBe('可退本金 ¥500.00');
  });

  it('takes ¥100 of a purchase from the balance at the till, and gives it back with the refund', async () => {
    clerk = await browser.open('staff/login/index');
    await clerk.locator(visible('.staff-username input')).fill(`${stack.usernamePrefix}clerk`);
    await clerk.locator(visible('.staff-password input')).fill(STAFF_PASSWORD);
    await clerk.locator(visible('.staff-login-btn')).click();
    await clerk.locator(visible('.staff-name:not(:has-text("加载中"))')).waitFor();
    const code = (await api<MemberCode>('GET', '/member/code', memberToken)).code;
    await clerk.locator(visible('.scan-input input')).fill(code);
    await clerk.locator(visible('.scan-submit')).click();
    await clerk.locator(visible('.summary-purchase')).click();
    await clerk.locator(visible('.purchase-amount input')).fill('128.50');
    await clerk.locator(visible('.purchase-quote-btn')).click();
    await clerk.locator(visible('.purchase-quote')).waitFor();
    expect(await textOf(clerk, '.balance-pay .purchase-label')).toBe('储值支付（余额 ¥550.00）');
    const payable = (await rowValue(clerk, '.quote-payable'))!;

    // More than the balance allows is refused beside the field; ¥100 is taken.
    await clerk.locator(visible('.balance-option--typed')).click();
    await clerk.locator(visible('.balance-input input')).fill('600');
    await clerk.locator(visible('.balance-apply')).click();
    await clerk.locator(visible('.field-error--balanceFen')).waitFor();
    expect(await textOf(clerk, '.field-error--balanceFen')).toMatch(/储值/);
    await clerk.locator(visible('.balance-input input')).fill('100');
    await clerk.locator(visible('.balance-apply')).click();
    await clerk.locator(visible('.quote-stored-value')).waitFor();
    expect(await rowValue(clerk, '.quote-stored-value')).toBe('¥100.00');
    const payableFen = Math.round(Number(payable.replace(/[¥,]/g, '')) * 100);
    expect(await rowValue(clerk, '.quote-cash')).toBe(formatYuan(payableFen - 10_000));
    await shot(clerk, 'wallet-04-till-quote');

    await clerk.locator(visible('.purchase-confirm')).click();
    await clerk.locator(visible('.purchase-result')).waitFor();
    expect(await rowValue(clerk, '.result-stored-value')).toBe('¥100.00');
    expect(await rowValue(clerk, '.result-cash')).toBe(formatYuan(payableFen - 10_000));
    const externalNo = (await rowValue(clerk, '.result-external-no'))!;
    const [order] = await api<Order[]>('GET', `/staff/orders?externalNo=${externalNo}`, await stack.staffToken('clerk'));
    expect(order).toMatchObject({ payableFen, balancePaidFen: 10_000 });
    await shot(clerk, 'wallet-05-till-result');

    // The shopper's balance: ¥100 less, principal first.
    await shopper.reload();
    await waitText(shopper, '.wallet-total', '¥450.00');
    expect(await textOf(shopper, '.wallet-principal')).toBe('本金 ¥400.00');
    await shopper.locator(visible('.balance-tab--entries')).click();
    const spent = shopper.locator(visible('.wallet-entry')).first();
    expect(await spent.locator('.wallet-entry__kind').textContent()).toBe('储值消费');
    expect(await spent.locator('.wallet-entry-total').textContent()).toBe('−¥100.00');

    // Refunded in full: the preview and the result say what goes back to the balance.
    await clerk.locator(visible('.purchase-refund')).click();
    await clerk.locator(visible('.refund-order')).waitFor();
    expect(await rowValue(clerk, '.order-balance-paid')).toBe('¥100.00');
    await clerk.locator(visible('.refund-preview-box:not(.is-hidden) .preview-stored-value')).waitFor();
    expect(await rowValue(clerk, '.preview-stored-value')).toBe('¥100.00');
    await clerk.locator(visible('.refund-submit')).click();
    await clerk.locator(visible('.refund-result')).waitFor();
    expect(await rowValue(clerk, '.result-stored-value')).toBe('¥100.00');
    await shot(clerk, 'wallet-06-till-refund');

    await shopper.reload();
    await waitText(shopper, '.wallet-total', '¥550.00');
    expect(await textOf(shopper, '.wallet-entry .wallet-entry__kind')).toBe('退货退回');
  });

  it('asks for the unused principal of the recharge back: the bonus goes pro rata; the store manager approves and WeChat Pay refunds it', async () => {
    await shopper.locator(visible('.balance-tab--recharges')).click();
    const record = shopper.locator(visible('.recharge-record')).first();
    await record.locator('.recharge-record-refund').click();
    const wallet = await api<Wallet>('GET', '/member/wallet', memberToken);
    const [order] = (await api<MemberRechargeOrders>('GET', '/member/recharge-orders', memberToken)).orders;
    const back = rechargeRefundable({ principalFen: order.payFen, bonusFen: order.bonusFen, refundedPrincipalFen: order.refundedFen }, wallet);
    expect(back.principalFen).toBe(order.refundableFen);
    expect(await record.locator('.refund-form-principal').textContent()).toBe(`可退本金 ${formatYuan(back.principalFen)}，原路退回微信`);
    expect(await record.locator('.refund-form-bonus').textContent()).toBe(`赠送金额按退回本金的比例扣回 ${formatYuan(back.bonusForfeitFen)}`);

    await shot(shopper, 'wallet-07-refund-form');
    // A reason is needed.
    await record.locator('.refund-submit').click();
    expect(await record.locator('.refund-reason-error').textContent()).toBe('请填写退款原因（至少 2 个字）');
    await record.locator('.refund-reason input').fill('搬家了，用不上');
    await record.locator('.refund-submit').click();
    const asked = `退款申请已提交（本金 ${formatYuan(back.principalFen)}），等待门店审核`;
    await waitText(shopper, '.recharge-record-request', asked);
    expect(await record.locator('.recharge-record-refund').count()).toBe(0);
    await shot(shopper, 'wallet-08-refund-requested');

    // The shopper still reads it after leaving the page.
    await shopper.reload();
    await shopper.locator(visible('.balance-tab--recharges')).click();
    await waitText(shopper, '.recharge-record-request', asked);

    // The store's manager approves it on 储值退款审核, reached from the staff home (this browser's clerk signs out first).
    const manager = await browser.open('staff/scan/index');
    await manager.locator(visible('.staff-logout')).click();
    await manager.locator(visible('.staff-username input')).fill(`${stack.usernamePrefix}manager`);
    await manager.locator(visible('.staff-password input')).fill(STAFF_PASSWORD);
    await manager.locator(visible('.staff-login-btn')).click();
    await manager.locator(visible('.staff-link--recharge-refunds')).click();
    const request = manager.locator(visible('.rr-request')).filter({ hasText: order.orderNo });
    await request.waitFor();
    expect(await request.locator('.rr-principal .bill-row__value').textContent()).toBe(formatYuan(back.principalFen));
    expect(await request.locator('.rr-bonus .bill-row__value').textContent()).toBe('同意时按比例计算');
    expect(await request.locator('.rr-reason').textContent()).toBe('原因：搬家了，用不上');
    await shot(manager, 'wallet-09-refund-review');
    await request.locator('.rr-approve').click();
    await manager.locator(visible('.rr-decided')).waitFor();
    expect(await textOf(manager, '.rr-decided')).toMatch(new RegExp(`的 ${formatYuan(back.principalFen).replace('.', '\\.')} 退款：(已同意，退款处理中|已退款)`));
    await manager.locator(visible('.rr-empty')).waitFor();

    // WeChat Pay refunds it: the shopper's recharge says so, and the balance is what is left.
    for (const started = Date.now(); (await api<MemberRechargeOrders>('GET', '/member/recharge-orders', memberToken)).orders[0].latestRefund?.status !== 'succeeded'; ) {
      if (Date.now() - started > 20_000) throw new Error('the refund never succeeded');
      await shopper.waitForTimeout(500);
    }
    await shopper.reload();
    await shopper.locator(visible('.balance-tab--recharges')).click();
    await waitText(shopper, '.recharge-record-request', `已退款：本金 ${formatYuan(back.principalFen)} 已原路退回微信`);
    expect(await textOf(shopper, '.recharge-record-status')).toBe(back.principalFen === order.payFen ? '已退款' : '部分退款');
    expect(await textOf(shopper, '.wallet-total')).toBe(formatYuan(wallet.balanceFen - back.principalFen - back.bonusForfeitFen));
    await shot(shopper, 'wallet-10-refunded');
  });
});
