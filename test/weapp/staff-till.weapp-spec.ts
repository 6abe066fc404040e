import { formatCount, formatYuan, refundShare, type Order, type PointsOverview } from '@wemember/shared';
import { aPhone, STAFF_PASSWORD, TestStack } from '../support/stack';
import type { MiniProgram } from './harness/mini-program';
import { Phones } from './harness/phones';

/**
 * The staff subpackage of the weapp build, mirroring test/browser/points-till: a clerk opens the
 * mini-program, signs in from 员工入口, scans the code on a shopper's phone (the card page of the
 * same build on a second phone), records a purchase and refunds part of it; the shopper's points
 * page shows what happened.
 */
describe('weapp: staff login → scan → purchase → refund', () => {
  let stack: TestStack;
  const phones = new Phones(() => stack);

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterEach(() => phones.closeAll());
  afterAll(() => stack?.close());

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const result = await stack.api<T>(method, path, { token, body });
    if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  /** The figure of a bill row on the clerk's page shown now. */
  const row = (mp: MiniProgram, name: string) => mp.page.text(`${name} .bill-row__value`);

  /** The code the shopper's card shows now, as the clerk's camera reads it. */
  const codeOnCard = (shopper: MiniProgram) => shopper.page.text('.member-code-text').replace(/\s/g, '');

  it('records a purchase for the code on the shopper’s phone and refunds part of it', async () => {
    // A member (joined earlier) opens the mini-program from the counter's code: straight to the card.
    const phone = aPhone();
    const { openid } = await stack.loginCode();
    const joined = await stack.join(phone, { openid, scene: stack.chain.counterScenes.HZ001 });
    await stack.printCode(stack.chain.counterScenes.HZ001);
    const launch = await stack.wechat<{ path: string; query: { scene: string } }>('/scan', { scene: stack.chain.counterScenes.HZ001 });
    const shopper = await phones.launch({ path: launch.path, query: launch.query, openid });
    await shopper.waitForPage('pages/card/index', /会员号 ?\d{10}/);
    const memberNo = shopper.page.text('.card-member-no');
    await shopper.waitFor(() => /^\d{20}$/.test(codeOnCard(shopper)), 'the member code on the card');
    const before = Number(shopper.page.text('.card-points').replace(/,/g, ''));

    // The clerk's phone: 员工入口 on the first page opens the staff subpackage.
    const clerk = await phones.launch({ path: 'pages/join/index' });
    await clerk.waitForPage('pages/join/index', '员工入口');
    await clerk.page.tap('.staff-entry');
    await clerk.waitForPage('staff/login/index', '员工登录');
    expect(clerk.routes).toEqual(['pages/join/index', 'staff/login/index']);
    await clerk.page.input('.staff-username', `${stack.usernamePrefix}clerk`);
    await clerk.page.input('.staff-password', 'not-the-password');
    await clerk.page.tap('.staff-login-btn');
    await clerk.waitFor(() => clerk.page.has('.staff-login-error'), 'the refused login');
    expect(clerk.page.text('.staff-login-error')).toMatch(/账号或密码/);
    await clerk.page.input('.staff-password', STAFF_PASSWORD);
    await clerk.page.tap('.staff-login-btn');
    await clerk.waitForPage('staff/scan/index', '西湖店店员小陈');
    expect(clerk.page.text('.staff-workplace')).toBe('杭州西湖店');

    // The camera reads the code on the shopper's screen.
    const code = codeOnCard(shopper);
    clerk.device.camera.show(code);
    await clerk.page.tap('.scan-button');
    await clerk.waitFor(() => clerk.page.has('.member-summary'), 'the member found by the scan');
    expect(clerk.page.text('.summary-member-no')).toBe(memberNo);
    expect(clerk.page.text('.summary-phone')).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect(clerk.page.text('.summary-home-store')).toBe('杭州西湖店');

    // A closed scanner is no error: the page stays as it was.
    clerk.device.camera.cancel();
    await clerk.page.tap('.scan-button');
    await clerk.waitFor(() => clerk.device.camera.unread === 0 && !clerk.page.has('.scan-error'), 'the cancelled scan');

    // 收银 opens the till with the scanned code filled in.
    await clerk.page.tap('.summary-purchase');
    await clerk.waitForPage('staff/purchase/index', '消费金额');
    expect(clerk.page.value('.purchase-code')).toBe(code);
    await clerk.page.input('.purchase-amount', '128.505');
    await clerk.page.tap('.purchase-quote-btn');
    await clerk.waitFor(() => clerk.page.has('.field-error--amountFen'), 'the refused amount');
    expect(clerk.page.text('.field-error--amountFen')).toContain('最多两位小数');
    await clerk.page.input('.purchase-amount', '128.50');
    await clerk.page.tap('.purchase-quote-btn');
    await clerk.waitFor(() => clerk.page.has('.purchase-quote'), 'the quote');
    expect(row(clerk, '.quote-amount')).toBe('¥128.50');
    expect(row(clerk, '.quote-redeemed')).toBe('未使用');
    await clerk.page.tap('.purchase-confirm');
    await clerk.waitFor(() => clerk.page.has('.purchase-result'), 'the recorded purchase');

    const externalNo = row(clerk, '.result-external-no');
    const clerkToken = await stack.staffToken('clerk');
    const [order, ...others] = await api<Order[]>('GET', `/staff/orders?externalNo=${externalNo}`, clerkToken);
    expect(others).toHaveLength(0);
    expect(order).toMatchObject({ memberNo, amountFen: 12850, pointsRedeemed: 0, replayed: false });
    expect(clerk.page.text('.purchase-result__title')).toBe('记账成功');
    expect(row(clerk, '.result-payable')).toBe(formatYuan(order.payableFen));
    expect(row(clerk, '.result-earned')).toBe(`+${order.pointsEarned}`);

    // The shopper leaves WeChat and comes back: the card reloads with the points, the ledger has the purchase.
    await shopper.background();
    await shopper.foreground();
    const afterPurchase = before + order.pointsEarned;
    await shopper.waitFor(() => shopper.page.text('.card-points') === formatCount(afterPurchase), 'the new balance on the card');
    await shopper.page.tap('.card-points-link');
    await shopper.waitForPage('pages/points/index', '积分明细');
    await shopper.waitFor(() => shopper.page.text('.points-balance') === formatCount(afterPurchase), 'the balance on the points page');
    const ledger = await api<PointsOverview>('GET', '/member/points', joined.token);
    expect(shopper.page.texts('.points-entry__kind')[0]).toBe('消费积分');
    expect(shopper.page.texts('.points-entry__reason')[0]).toBe(ledger.entries[0].reason);
    expect(shopper.page.texts('.points-entry-delta')[0]).toBe(`+${order.pointsEarned}`);
    expect(shopper.page.texts('.points-entry__balance')[0]).toBe(`结余 ${formatCount(afterPurchase)}`);
    expect(shopper.page.text('.points-rule')).toContain(ledger.redeemRule);

    // The clerk refunds ¥28.50 of it.
    await clerk.page.tap('.purchase-refund');
    await clerk.waitForPage('staff/refund/index');
    await clerk.waitFor(() => clerk.page.has('.refund-order'), 'the order to refund');
    expect(row(clerk, '.order-refundable')).toBe('¥128.50');
    expect(clerk.page.value('.refund-amount')).toBe('128.50');
    await clerk.page.input('.refund-amount', '28.50');
    // The money back is shown before anything is refunded.
    await clerk.waitFor(() => clerk.page.has('.preview-refund') && !clerk.page.property('.refund-submit', 'disabled'), 'the refund preview');
    const share = refundShare(order, 0, 2850);
    expect(row(clerk, '.preview-refund')).toBe(formatYuan(share.payableFen));
    expect(row(clerk, '.preview-points-reversed')).toBe(String(share.pointsEarned));
    await clerk.page.tap('.refund-submit');
    await clerk.waitFor(() => clerk.page.has('.refund-result'), 'the refund');
    expect(clerk.page.text('.refund-result__title')).toBe('退款完成');
    expect(clerk.page.text('.refund-result__check--same')).toBe('与确认前显示的金额一致');
    expect(row(clerk, '.result-refund-fen')).toBe(formatYuan(share.payableFen));
    expect(row(clerk, '.result-points-reversed')).toBe(String(share.pointsEarned));
    expect(row(clerk, '.result-refundable')).toBe('¥100.00');
    expect(row(clerk, '.result-points-balance')).toBe(String(afterPurchase - share.pointsEarned));

    // The shopper switches to the card and back to 积分: the reversal is on top.
    await shopper.tapTab('会员卡');
    await shopper.waitForPage('pages/card/index');
    await shopper.tapTab('积分');
    const afterRefund = afterPurchase - share.pointsEarned;
    await shopper.waitForPage('pages/points/index');
    await shopper.waitFor(() => shopper.page.text('.points-balance') === formatCount(afterRefund), 'the balance after the refund');
    const reversal = (await api<PointsOverview>('GET', '/member/points', joined.token)).entries[0];
    expect(shopper.page.texts('.points-entry__kind')[0]).toBe(reversal.kindName);
    expect(shopper.page.texts('.points-entry-delta')[0]).toBe(`−${share.pointsEarned}`);
    expect(shopper.routes).toEqual(['pages/points/index']);

    // Next purchase, same shopper: ¥50 paid partly with all the points the order may take. The
    // shopper shows the card again; the clerk scans it from the till page.
    await shopper.tapTab('会员卡');
    await shopper.waitForPage('pages/card/index');
    await shopper.waitFor(() => /^\d{20}$/.test(codeOnCard(shopper)), 'the code on the card');
    await clerk.back();
    await clerk.waitForPage('staff/purchase/index', '记账成功');
    await clerk.page.tap('.purchase-next');
    await clerk.waitFor(() => clerk.page.has('.purchase-amount'), 'an empty till');
    expect(clerk.page.value('.purchase-code')).toBe('');
    const nextCode = codeOnCard(shopper);
    clerk.device.camera.show(nextCode);
    await clerk.page.tap('.purchase-scan');
    await clerk.waitFor(() => clerk.page.value('.purchase-code') === nextCode, 'the scanned code in the till');
    await clerk.page.input('.purchase-amount', '50');
    await clerk.page.tap('.purchase-quote-btn');
    await clerk.waitFor(() => clerk.page.has('.purchase-quote'), 'the second quote');
    await clerk.page.tap('.redeem-option--all');
    await clerk.waitFor(() => row(clerk, '.quote-redeemed') !== '未使用', 'the points taken off');
    const redeemedText = row(clerk, '.quote-redeemed');
    expect(redeemedText).toMatch(/^\d+ 积分，−¥\d+\.\d{2}$/);

    // The first confirm reaches the server but the answer is lost; the retry must not record twice.
    clerk.device.network.loseNextAnswer('POST', '/staff/orders');
    await clerk.page.tap('.purchase-confirm');
    await clerk.waitFor(() => clerk.page.has('.purchase-pending'), 'the unknown outcome');
    expect(clerk.page.text('.purchase-error')).toContain('网络');
    expect(clerk.page.text('.purchase-confirm')).toContain('重新提交');
    await clerk.page.tap('.purchase-confirm');
    await clerk.waitFor(() => clerk.page.has('.purchase-result'), 'the replayed purchase');
    expect(clerk.page.text('.purchase-result__title')).toBe('这笔消费已记录过');
    const retriedNo = row(clerk, '.result-external-no');
    const [second, ...extra] = await api<Order[]>('GET', `/staff/orders?externalNo=${retriedNo}`, clerkToken);
    expect(extra).toHaveLength(0);
    expect(second).toMatchObject({ amountFen: 5000, memberNo });
    expect(row(clerk, '.result-redeemed')).toBe(redeemedText);
    // Sent three times in all: the first purchase, the one whose answer was lost (recorded), its replay.
    const posts = clerk.device.network.sent.filter((sent) => sent.method === 'POST' && sent.path === '/api/staff/orders');
    expect(posts.map((sent) => sent.status)).toEqual([201, 201, 200]);
    const finalLedger = await api<PointsOverview>('GET', '/member/points', joined.token);
    expect(finalLedger.entries.filter((entry) => entry.kind === 'redeem')).toHaveLength(1);
    expect(finalLedger.balance).toBe(afterRefund - second.pointsRedeemed + second.pointsEarned);
  });
});
