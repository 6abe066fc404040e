import { formatYuan, rechargeRefundable, type MemberRechargeOrders, type Wallet } from '@wemember/shared';
import { aPhone, STAFF_PASSWORD, TestStack } from '../support/stack';
import type { MiniProgram } from './harness/mini-program';
import { Phones } from './harness/phones';

/**
 * The stored-value pages of the weapp build (the `wallet` subpackage), mirroring
 * test/browser/wallet: 余额 on the card opens 储值余额; 充值 from 我的; wx.requestPayment closed,
 * then paid (the harness checks the merchant's paySign as WeChat does and has the sandbox's user
 * pay, so WeChat Pay notifies the server); the result page waits on the test's clock until the
 * order is credited; the balance, its movements and 充值记录 with a refund request; the clerk's
 * phone takes part of a purchase from the balance.
 */
describe('weapp: 储值余额, 充值 with wx.requestPayment, the result, a refund request, the balance at the till', () => {
  let stack: TestStack;
  const phones = new Phones(() => stack);
  let shopper: MiniProgram;
  let token = '';

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(async () => {
    await phones.closeAll();
    await stack?.close();
  });

  async function api<T>(method: string, path: string, body?: unknown, as = token): Promise<T> {
    const result = await stack.api<T>(method, path, { token: as, body });
    if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  it('opens 储值余额 from the card, recharges 充500送50 after a closed payment sheet, and shows ¥500 + ¥50 arrived', async () => {
    const { openid } = await stack.loginCode();
    token = (await stack.join(aPhone(), { openid, scene: stack.chain.counterScenes.HZ001 })).token;
    await stack.printCode(stack.chain.counterScenes.HZ001);
    const launch = await stack.wechat<{ path: string; query: { scene: string } }>('/scan', { scene: stack.chain.counterScenes.HZ001 });
    shopper = await phones.launch({ path: launch.path, query: launch.query, openid });
    const card = await shopper.waitForPage('pages/card/index', /会员号 ?\d{10}/);
    expect(card.text('.card-balance')).toBe('¥0.00');

    await card.tap('.card-balance-link');
    const balance = await shopper.waitForPage('wallet/balance/index', '还没有余额变动');
    expect(balance.text('.wallet-total')).toBe('¥0.00');
    expect(balance.text('.wallet-principal')).toBe('本金 ¥0.00');
    await balance.tap('.balance-recharge');
    const recharge = await shopper.waitForPage('wallet/recharge/index', '充500送50');
    expect(recharge.texts('.recharge-offer__label')).toEqual(['充100', '充300送20', '充500送50']);
    expect(recharge.text('.recharge-pay')).toBe('微信支付 ¥100.00');

    // The shopper closes WeChat Pay's sheet: nothing paid, and the page says so without alarm.
    shopper.device.payAnswers.push('cancel');
    await recharge.tap('.recharge-pay');
    await shopper.waitFor(() => recharge.has('.recharge-notice'), 'the cancelled payment');
    expect(recharge.text('.recharge-notice')).toBe('已取消支付，未付款的订单会自动关闭');
    expect(recharge.has('.recharge-error')).toBe(false);

    // 充500送50, paid: the result page asks until WeChat Pay's word has credited it.
    await recharge.tap(recharge.all('.recharge-offer').find((e) => e.textContent!.includes('充500送50'))!);
    await shopper.waitFor(() => recharge.text('.recharge-pay') === '微信支付 ¥500.00', 'the package chosen');
    expect(recharge.text('.recharge-offer--chosen .recharge-offer-limit')).toBe('每人限购 2 次，还可购 2 次');
    shopper.device.payAnswers.push('pay');
    await recharge.tap('.recharge-pay');
    const result = await shopper.waitForPage('wallet/result/index');
    // Each ask is real HTTP; the next one waits for the test's clock.
    for (let asked = 1; !(await shopper.waitFor(() => result.has('.result-credited'), 'the credit', 1_500).then(() => true, () => false)); asked++) {
      if (asked > 10) throw new Error(`never credited: ${result.screenText()}`);
      await shopper.advance(2_000);
    }
    expect(result.text('.result-credited')).toBe('已到账 ¥550.00');
    expect(result.text('.result-parts')).toBe('（本金 ¥500 + 赠送 ¥50）');
    expect(result.text('.result-balance')).toBe('当前余额 ¥550.00');
    // Redirected: back from the result goes to the balance, not to the paid package.
    expect(shopper.routes).toEqual(['pages/card/index', 'wallet/balance/index', 'wallet/result/index']);
  });

  it('lists the recharge in the balance and 充值记录, and asks for its unused principal back', async () => {
    // Back to the balance the recharge started from, which shows it now.
    await shopper.page.tap('.result-wallet');
    // The head and the movements come from two answers that can land in either order: wait for both.
    const balance = await shopper.waitForPage('wallet/balance/index', '本金 ¥500.00');
    await shopper.waitFor(() => balance.has('.wallet-entry-total'), 'the movements');
    expect(shopper.routes).toEqual(['pages/card/index', 'wallet/balance/index']);
    expect(balance.text('.wallet-principal')).toBe('本金 ¥500.00');
    expect(balance.text('.wallet-bonus')).toBe('赠送 ¥50.00');
    const wallet = await api<Wallet>('GET', '/member/wallet');
    expect(balance.texts('.balance-rule')).toEqual(wallet.rules.map((rule) => `· ${rule}`));
    expect(balance.texts('.wallet-entry__kind')).toEqual(['充值']);
    expect(balance.text('.wallet-entry__parts')).toBe('本金 +¥500.00 · 赠送 +¥50.00');
    expect(balance.text('.wallet-entry-total')).toBe('+¥550.00');

    await balance.tap('.balance-tab--recharges');
    await shopper.waitFor(() => balance.has('.recharge-record'), 'the recharges');
    const { orders } = await api<MemberRechargeOrders>('GET', '/member/recharge-orders');
    expect(balance.texts('.recharge-record__label')).toEqual(orders.map((o) => o.label));
    expect(balance.texts('.recharge-record-status')).toEqual(['已到账', '未支付']);

    const paid = orders[0];
    const back = rechargeRefundable({ principalFen: paid.payFen, bonusFen: paid.bonusFen, refundedPrincipalFen: 0 }, wallet);
    await balance.tap('.recharge-record-refund');
    await shopper.waitFor(() => balance.has('.refund-form'), 'the refund form');
    expect(balance.text('.refund-form-principal')).toBe(`可退本金 ${formatYuan(back.principalFen)}，原路退回微信`);
    expect(balance.text('.refund-form-bonus')).toBe(`赠送金额按退回本金的比例扣回 ${formatYuan(back.bonusForfeitFen)}`);
    await balance.input('.refund-reason', '不')
    await balance.tap('.refund-submit');
    await shopper.waitFor(() => balance.has('.refund-reason-error'), 'the reason refused');
    expect(balance.text('.refund-reason-error')).toBe('请填写退款原因（至少 2 个字）');
    await balance.input('.refund-reason', '要出国了');
    await balance.tap('.refund-submit');
    await shopper.waitFor(() => balance.has('.recharge-record-request'), 'the request');
    expect(balance.text('.recharge-record-request')).toBe(`退款申请已提交（本金 ${formatYuan(back.principalFen)}），等待门店审核`);
    expect(balance.has('.recharge-record-refund')).toBe(false);
  });

  it('the store manager’s phone rejects the request with a reason; the shopper reads why and may ask again', async () => {
    const manager = await phones.launch({ path: 'pages/join/index' });
    await manager.waitForPage('pages/join/index', '员工入口');
    await manager.page.tap('.staff-entry');
    await manager.waitForPage('staff/login/index', '员工登录');
    await manager.page.input('.staff-username', `${stack.usernamePrefix}manager`);
    await manager.page.input('.staff-password', STAFF_PASSWORD);
    await manager.page.tap('.staff-login-btn');
    await manager.waitForPage('staff/scan/index', '储值退款审核');
    await manager.page.tap('.staff-link--recharge-refunds');
    const review = await manager.waitForPage('staff/recharge-refunds/index', '要出国了');
    expect(review.text('.rr-reason')).toBe('原因：要出国了');
    expect(review.text('.rr-principal .bill-row__value')).toBe('¥500.00');
    await review.tap('.rr-reject-btn');
    await review.tap('.rr-reject-confirm');
    await manager.waitFor(() => review.has('.rr-reason-error'), 'the reason asked for');
    await review.input('.rr-reject-reason', '充值赠送活动期间不支持退款');
    await review.tap('.rr-reject-confirm');
    await manager.waitFor(() => review.has('.rr-decided'), 'the decision');
    expect(review.text('.rr-decided')).toMatch(/的 ¥500\.00 退款：已拒绝$/);
    await manager.waitFor(() => review.has('.rr-empty'), 'nothing left to decide');

    // The shopper comes back to WeChat: the balance page reloads with the answer.
    await shopper.background();
    await shopper.foreground();
    await shopper.waitFor(() => shopper.page.text('.recharge-record-request') === '退款申请未通过：充值赠送活动期间不支持退款', 'the rejection');
    expect(shopper.page.text('.recharge-record-refund')).toBe('申请退款');
  });

  it('我的 leads to 储值余额 and 充值', async () => {
    await shopper.back();
    await shopper.waitForPage('pages/card/index');
    await shopper.tapTab('我的');
    const me = await shopper.waitForPage('pages/me/index', '储值余额');
    await me.tap('.me-link-recharge');
    await shopper.waitForPage('wallet/recharge/index', '¥550.00');
    await shopper.back();
    await shopper.page.tap('.me-link-wallet');
    await shopper.waitForPage('wallet/balance/index', '¥550.00');
  });

  it('the clerk’s phone takes all it can from the balance: the shopper pays the rest', async () => {
    const clerk = await phones.launch({ path: 'pages/join/index' });
    await clerk.waitForPage('pages/join/index', '员工入口');
    await clerk.page.tap('.staff-entry');
    await clerk.waitForPage('staff/login/index', '员工登录');
    await clerk.page.input('.staff-username', `${stack.usernamePrefix}clerk`);
    await clerk.page.input('.staff-password', STAFF_PASSWORD);
    await clerk.page.tap('.staff-login-btn');
    await clerk.waitForPage('staff/scan/index', '西湖店店员小陈');
    const { code } = await api<{ code: string }>('GET', '/member/code');
    clerk.device.camera.show(code);
    await clerk.page.tap('.scan-button');
    await clerk.waitFor(() => clerk.page.has('.member-summary'), 'the member found by the scan');
    await clerk.page.tap('.summary-purchase');
    await clerk.waitForPage('staff/purchase/index', '消费金额');
    await clerk.page.input('.purchase-amount', '600');
    await clerk.page.tap('.purchase-quote-btn');
    await clerk.waitFor(() => clerk.page.has('.balance-pay'), 'the quote with the balance');
    expect(clerk.page.text('.balance-pay .purchase-label')).toBe('储值支付（余额 ¥550.00）');
    await clerk.page.tap('.balance-option--all');
    await clerk.waitFor(() => clerk.page.has('.quote-stored-value'), 'the balance applied');
    expect(clerk.page.text('.quote-stored-value .bill-row__value')).toBe('¥550.00');
    const payable = clerk.page.text('.quote-payable .bill-row__value');
    const payableFen = Math.round(Number(payable.replace(/[¥,]/g, '')) * 100);
    expect(clerk.page.text('.quote-cash .bill-row__value')).toBe(formatYuan(payableFen - 55_000));
    await clerk.page.tap('.purchase-confirm');
    await clerk.waitFor(() => clerk.page.has('.purchase-result'), 'the recorded purchase');
    expect(clerk.page.text('.result-stored-value .bill-row__value')).toBe('¥550.00');

    // The shopper's balance page, shown again, has spent it all (principal first, then the bonus).
    await shopper.background();
    await shopper.foreground();
    await shopper.waitFor(() => shopper.page.text('.wallet-total') === '¥0.00', 'the balance spent');
    expect(shopper.page.texts('.wallet-entry__kind')[0]).toBe('储值消费');
    expect(shopper.page.texts('.wallet-entry__parts')[0]).toBe('本金 −¥500.00 · 赠送 −¥50.00');
  });
});
