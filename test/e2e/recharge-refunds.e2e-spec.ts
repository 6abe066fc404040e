import type { RechargeRefund, Wallet } from '@wemember/shared';
import { TestStack } from '../support/stack';
import { aReceiptNo, TestTill } from '../support/till';
import { ledgerEntries, merchantOf, postNotification, Recharger, signedNotification } from '../support/recharge';

/**
 * Refunds of unused recharge principal against the sandbox: a member asks, a manager of the
 * member's home store decides, WeChat Pay refunds with a stable out_refund_no and its REFUND.SUCCESS
 * notification ends it; HQ refunds directly, idempotent by requestId; a refund WeChat Pay reports
 * closed gives the held balance back.
 */
describe('recharge refunds', () => {
  let stack: TestStack;
  let manager: string;
  let admin: string;

  beforeAll(async () => {
    stack = await TestStack.start();
    manager = await stack.staffToken('manager');
    admin = await stack.staffToken('admin');
  });
  afterAll(() => stack?.close());

  async function refundEnded(id: string, timeoutMs = 8000): Promise<RechargeRefund> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = (await stack.api<RechargeRefund[]>('GET', '/staff/recharge-refunds', { token: admin })).body;
      const found = list.find((r) => r.id === id);
      if (found && found.status !== 'processing' && found.status !== 'requested') return found;
      if (Date.now() > deadline) throw new Error(`refund ${id} still ${found?.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('refunds the whole unused principal a member asks for once the store manager approves, forfeiting the bonus', async () => {
    const member = await Recharger.join(stack, 'HZ001');
    const orderNo = await member.paid('充300送20');

    const asked = await stack.api<RechargeRefund>('POST', `/recharge/orders/${orderNo}/refund-request`, { token: member.token, body: { reason: '搬家了，不再来店' } });
    const again = await stack.api('POST', `/recharge/orders/${orderNo}/refund-request`, { token: member.token, body: { reason: '再申请一次' } });

    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ orderNo, status: 'requested', principalFen: 30_000, reason: '搬家了，不再来店' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('RECHARGE_REFUND_PENDING');
    const listed = (await stack.api<RechargeRefund[]>('GET', '/staff/recharge-refunds?status=requested', { token: manager })).body;
    expect(listed.map((r) => r.id)).toContain(asked.body.id);

    const decided = await stack.api<RechargeRefund>('POST', `/staff/recharge-refunds/${asked.body.id}/decision`, { token: manager, body: { approve: true } });

    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'processing', principalFen: 30_000, bonusForfeitFen: 2_000, decidedBy: '西湖店店长李娜' });
    expect((await member.card()).balanceFen).toBe(0);
    const ended = await refundEnded(asked.body.id);
    expect(ended).toMatchObject({ status: 'succeeded', finishedAt: expect.any(String) });
    const order = (await member.get(orderNo)).body;
    expect(order).toMatchObject({ status: 'refunded', refundedFen: 30_000, bonusForfeitedFen: 2_000, refundableFen: 0, balanceFen: 0 });
    const atWechat = await stack.wechat(`/pay/orders/${orderNo}`);
    expect(atWechat.refunds).toEqual([expect.objectContaining({ out_refund_no: asked.body.refundNo, status: 'SUCCESS', amount: expect.objectContaining({ refund: 30_000, total: 30_000 }) })]);
    expect((await stack.api('POST', `/recharge/orders/${orderNo}/refund-request`, { token: member.token, body: { reason: '还想退' } })).body.code).toBe('RECHARGE_NOT_REFUNDABLE');
    expect((await stack.api('POST', `/staff/recharge-refunds/${asked.body.id}/decision`, { token: manager, body: { approve: true } })).body.code).toBe('RECHARGE_REFUND_DECIDED');
  });

  it('refunds only the principal left after a purchase paid from the balance, forfeiting the bonus pro rata', async () => {
    const member = await Recharger.join(stack, 'HZ001');
    const orderNo = await member.paid('充300送20');
    const till = await TestTill.open(stack);
    const spent = await stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode: await till.code(member.token), externalNo: aReceiptNo(), amountFen: 10_000, balanceFen: 10_000 } });
    expect(spent.status).toBe(201);
    expect((await member.get(orderNo)).body).toMatchObject({ refundableFen: 20_000, balanceFen: 22_000 });

    const asked = (await stack.api<RechargeRefund>('POST', `/recharge/orders/${orderNo}/refund-request`, { token: member.token, body: { reason: '用不完了' } })).body;
    const decided = await stack.api<RechargeRefund>('POST', `/staff/recharge-refunds/${asked.id}/decision`, { token: manager, body: { approve: true } });

    // 20,000 of the 30,000 principal comes back; the bonus forfeited with it is ⌈2,000 × 2/3⌉ = 1,334.
    expect(decided.body).toMatchObject({ status: 'processing', principalFen: 20_000, bonusForfeitFen: 1_334 });
    expect((await refundEnded(asked.id)).status).toBe('succeeded');
    expect((await member.get(orderNo)).body).toMatchObject({ status: 'partially_refunded', refundedFen: 20_000, bonusForfeitedFen: 1_334, refundableFen: 0, balanceFen: 666 });
    const atWechat = await stack.wechat(`/pay/orders/${orderNo}`);
    expect(atWechat.refunds[0]).toMatchObject({ status: 'SUCCESS', amount: expect.objectContaining({ refund: 20_000, total: 30_000 }) });
    const wallet = (await stack.api<Wallet>('GET', '/member/wallet', { token: member.token })).body;
    expect(wallet).toMatchObject({ principalFen: 0, bonusFen: 666 });
    expect(wallet.entries[0]).toMatchObject({ principalFen: -20_000, bonusFen: -1_334, balanceAfterFen: 666 });
  });

  it("keeps a manager to their own store's members, and a rejection names its reason and changes no balance", async () => {
    const member = await Recharger.join(stack, 'GZ001');
    const orderNo = await member.paid('充100元');
    const asked = (await stack.api<RechargeRefund>('POST', `/recharge/orders/${orderNo}/refund-request`, { token: member.token, body: { reason: '不想要了' } })).body;

    const elsewhere = await stack.api('POST', `/staff/recharge-refunds/${asked.id}/decision`, { token: manager, body: { approve: true } });
    const noReason = await stack.api('POST', `/staff/recharge-refunds/${asked.id}/decision`, { token: admin, body: { approve: false } });
    const rejected = await stack.api<RechargeRefund>('POST', `/staff/recharge-refunds/${asked.id}/decision`, { token: admin, body: { approve: false, reason: '已超过退款期限' } });

    expect(elsewhere.status).toBe(403);
    expect((await stack.api<RechargeRefund[]>('GET', '/staff/recharge-refunds', { token: manager })).body.map((r) => r.id)).not.toContain(asked.id);
    expect(noReason.status).toBe(400);
    expect(noReason.body.issues).toEqual([expect.objectContaining({ field: 'reason' })]);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: '已超过退款期限' });
    expect((await member.card()).balanceFen).toBe(10_000);
    // Rejected is no longer open: the member may ask again.
    expect((await stack.api('POST', `/recharge/orders/${orderNo}/refund-request`, { token: member.token, body: { reason: '再申请一次' } })).status).toBe(201);
  });

  it('opens one refund when the member asks 10 times at once, and holds the balance once when two managers approve it together', async () => {
    const member = await Recharger.join(stack, 'HZ001');
    const orderNo = await member.paid('充100元');

    const asks = await Promise.all(Array.from({ length: 10 }, () => stack.api<RechargeRefund>('POST', `/recharge/orders/${orderNo}/refund-request`, { token: member.token, body: { reason: '连点了好几次' } })));

    expect(asks.map((a) => a.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    const opened = asks.find((a) => a.status === 201)!.body;
    const region = await stack.staffToken('region');
    const decisions = await Promise.all([manager, region].map((token) => stack.api('POST', `/staff/recharge-refunds/${opened.id}/decision`, { token, body: { approve: true } })));
    expect(decisions.map((d) => d.status).sort()).toEqual([200, 409]);
    expect((await refundEnded(opened.id)).status).toBe('succeeded');
    expect(await ledgerEntries(stack, `rrefund:${opened.id}`)).toHaveLength(1);
    expect((await member.card()).balanceFen).toBe(0);
  });

  it('lets HQ refund directly, once per requestId', async () => {
    const member = await Recharger.join(stack);
    const orderNo = await member.paid('充500送50');
    const other = await member.paid('充100元');
    const requestId = `hq-${Date.now()}`;

    const first = await stack.api<RechargeRefund>('POST', `/staff/recharge-orders/${orderNo}/refund`, { token: admin, body: { requestId, reason: '顾客投诉，总部退款' } });
    const replay = await stack.api<RechargeRefund>('POST', `/staff/recharge-orders/${orderNo}/refund`, { token: admin, body: { requestId, reason: '顾客投诉，总部退款' } });
    const reused = await stack.api('POST', `/staff/recharge-orders/${other}/refund`, { token: admin, body: { requestId, reason: '另一笔' } });
    const byManager = await stack.api('POST', `/staff/recharge-orders/${other}/refund`, { token: manager, body: { requestId: `m-${Date.now()}`, reason: '店长退款' } });

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'processing', principalFen: 50_000, bonusForfeitFen: 5_000 });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(first.body.id);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('RECHARGE_REFUND_CONFLICT');
    expect(byManager.status).toBe(403);
    expect((await refundEnded(first.body.id)).status).toBe('succeeded');
    expect((await member.card()).balanceFen).toBe(10_000);
    expect(await ledgerEntries(stack, `rrefund:${first.body.id}`)).toHaveLength(2);
  });

  it('gives the held balance back when WeChat Pay reports the refund closed', async () => {
    const member = await Recharger.join(stack);
    const orderNo = await member.paid('充300送20');
    // The sandbox does not simulate REFUND.CLOSED: its own notification is dropped, and WeChat Pay's
    // closing notice is sent by the test with the platform key, as WeChat Pay would sign it.
    await stack.wechat('/faults', { notify: 'drop' });
    const refund = (await stack.api<RechargeRefund>('POST', `/staff/recharge-orders/${orderNo}/refund`, { token: admin, body: { requestId: `hq-closed-${Date.now()}`, reason: '测试退款关闭' } })).body;
    expect(refund.status).toBe('processing');
    expect((await member.card()).balanceFen).toBe(0);
    const merchant = await merchantOf(stack);
    const closed = signedNotification(merchant, 'REFUND.CLOSED', {
      mchid: merchant.mchid,
      out_trade_no: orderNo,
      out_refund_no: refund.refundNo,
      refund_id: '50000000000000000000000000000',
      refund_status: 'CLOSED',
      amount: { total: 30_000, refund: 30_000, payer_total: 30_000, payer_refund: 30_000 },
    });

    const answers = await Promise.all([postNotification(stack, closed), postNotification(stack, closed)]);

    expect(answers.map((a) => a.status)).toEqual([204, 204]);
    expect((await refundEnded(refund.id)).status).toBe('failed');
    expect((await member.card()).balanceFen).toBe(32_000);
    expect(await ledgerEntries(stack, `rrefund:${refund.id}:restore`)).toHaveLength(2);
    expect((await member.get(orderNo)).body).toMatchObject({ status: 'paid', refundedFen: 0, refundableFen: 30_000 });
  });
});
