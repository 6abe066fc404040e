import { generateKeyPairSync } from 'node:crypto';
import { chinaDate, type WalletReconciliation } from '@wemember/shared';
import { http } from '../support/http';
import { TestStack } from '../support/stack';
import { ledgerEntries, merchantOf, postNotification, Recharger, signedNotification, type SandboxMerchant } from '../support/recharge';

/**
 * The notify route as WeChat Pay (and anyone else) can call it: duplicates credit once, and every
 * forgery is refused with nothing credited while the genuine notification still works afterwards.
 * No sweeper here (SCHEDULE_JOBS is off), so only notifications credit.
 */
describe('WeChat Pay notifications', () => {
  let stack: TestStack;
  let merchant: SandboxMerchant;

  beforeAll(async () => {
    stack = await TestStack.start();
    merchant = await merchantOf(stack);
  });
  afterEach(async () => {
    await stack.wechat('/merchant', { verification: 'certificate' });
    await http('DELETE', `${stack.sandbox.url}/__sandbox/faults?notify`);
  });
  afterAll(() => stack?.close());

  /** A recharge paid at WeChat Pay whose notification was dropped: only what the test sends arrives. */
  async function paidSilently(member: Recharger, name = '充300送20') {
    await stack.wechat('/faults', { notify: 'drop' });
    const { orderNo } = await member.orderAndPay(name);
    const transaction = await stack.wechat(`/pay/orders/${orderNo}`);
    expect(transaction.trade_state).toBe('SUCCESS');
    return { orderNo, transaction };
  }

  /** Waits until WeChat Pay has `copies` deliveries of the order's notification answered 204; returns how many it has. */
  async function acknowledged(orderNo: string, copies: number): Promise<number> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const view = await stack.wechat(`/pay/orders/${orderNo}`);
      const n = (view.notifications[0]?.attempts ?? []).filter((a: { status: number }) => a.status === 204).length;
      if (n >= copies || Date.now() > deadline) return n;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function balanceOf(member: Recharger): Promise<number> {
    return (await member.card()).balanceFen;
  }

  it('credits once when the same notification arrives 10 times at once, and answers every copy 204', async () => {
    const member = await Recharger.join(stack);
    const { orderNo, transaction } = await paidSilently(member);
    const notification = signedNotification(merchant, 'TRANSACTION.SUCCESS', transaction);

    const answers = await Promise.all(Array.from({ length: 10 }, () => postNotification(stack, notification)));

    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(204));
    expect(await balanceOf(member)).toBe(32_000);
    expect(await ledgerEntries(stack, `recharge:${orderNo}`)).toHaveLength(2);
    const outcomes = await stack.db.query('SELECT outcome, COUNT(*) AS n FROM pay_notifications WHERE out_trade_no = ? GROUP BY outcome ORDER BY outcome', [orderNo]);
    expect(outcomes.map((o: { outcome: string; n: unknown }) => [o.outcome, Number(o.n)])).toEqual([
      ['credited', 1],
      ['duplicate', 9],
    ]);
  });

  it("credits once when WeChat Pay delivers three copies (the sandbox's duplicate fault)", async () => {
    const member = await Recharger.join(stack);
    await stack.wechat('/faults', { notify: 'duplicate' });

    const { orderNo } = await member.orderAndPay('充100元');
    await member.waitFor(orderNo, (o) => o.status === 'paid');

    expect(await acknowledged(orderNo, 3)).toBe(3);
    expect(await balanceOf(member)).toBe(10_000);
    expect(await ledgerEntries(stack, `recharge:${orderNo}`)).toHaveLength(1);
  });

  it('refuses forgeries — bad signature, tampered body, wrong serial, stale timestamp, amount, unknown order, SIGNTEST — and then credits the genuine one', async () => {
    const member = await Recharger.join(stack);
    const { orderNo, transaction } = await paidSilently(member);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const now = Math.floor(stack.clock.now() / 1000);
    const forgeries = {
      'signed by another key': signedNotification(merchant, 'TRANSACTION.SUCCESS', transaction, { key: other }),
      'body changed after signing': signedNotification(merchant, 'TRANSACTION.SUCCESS', transaction, { tamper: (b) => b.replace('"summary":"支付成功"', '"summary":"支付成功 "') }),
      'an unknown serial': signedNotification(merchant, 'TRANSACTION.SUCCESS', transaction, { serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' }),
      'a timestamp 6 minutes old': signedNotification(merchant, 'TRANSACTION.SUCCESS', transaction, { timestamp: now - 360 }),
      'a SIGNTEST probe': signedNotification(merchant, 'TRANSACTION.SUCCESS', transaction, { signature: 'WECHATPAY/SIGNTEST/' + 'A'.repeat(40) }),
      'another amount': signedNotification(merchant, 'TRANSACTION.SUCCESS', { ...transaction, amount: { ...transaction.amount, total: 1 } }),
      'an unknown order': signedNotification(merchant, 'TRANSACTION.SUCCESS', { ...transaction, out_trade_no: 'R20990101FFFFFFFFFFFFFFFF' }),
      'another merchant': signedNotification(merchant, 'TRANSACTION.SUCCESS', { ...transaction, mchid: '1900000109' }),
      'another app': signedNotification(merchant, 'TRANSACTION.SUCCESS', { ...transaction, appid: 'wx0000000000000000' }),
      'an unpaid state': signedNotification(merchant, 'TRANSACTION.SUCCESS', { ...transaction, trade_state: 'NOTPAY' }),
    };

    for (const [what, forged] of Object.entries(forgeries)) {
      const answer = await postNotification(stack, forged);
      expect({ what, status: answer.status >= 400 && answer.status < 600 }).toEqual({ what, status: true });
    }
    const garbage = await postNotification(stack, { headers: { 'content-type': 'application/json' }, body: '{"id":1}' });
    expect(garbage.status).toBe(401);

    expect(await balanceOf(member)).toBe(0);
    // (Read here rather than through GET /recharge/orders/:no, which would ask WeChat Pay and credit.)
    expect((await stack.db.query('SELECT status FROM recharge_orders WHERE order_no = ?', [orderNo]))[0].status).toBe('paying');
    const genuine = await postNotification(stack, signedNotification(merchant, 'TRANSACTION.SUCCESS', transaction));
    expect(genuine.status).toBe(204);
    expect(await balanceOf(member)).toBe(32_000);
    const rejected = await stack.db.query("SELECT outcome FROM pay_notifications WHERE out_trade_no = ? AND outcome LIKE 'rejected:%'", [orderNo]);
    expect(rejected.length).toBeGreaterThanOrEqual(4);
  });

  it("answers the sandbox's SIGNTEST probe with 401 and credits with the genuine notification after it", async () => {
    const member = await Recharger.join(stack);
    await stack.wechat('/faults', { notify: 'signtest' });

    const { orderNo } = await member.orderAndPay('充100元');
    await acknowledged(orderNo, 1);

    const attempts = (await stack.wechat(`/pay/orders/${orderNo}`)).notifications.flatMap((n: { attempts: unknown[] }) => n.attempts);
    expect(attempts).toEqual(expect.arrayContaining([expect.objectContaining({ signature: 'signtest', status: 401 }), expect.objectContaining({ signature: 'genuine', status: 204 })]));
    expect(await balanceOf(member)).toBe(10_000);
  });

  it('verifies in WeChat Pay public key mode (PUB_KEY_ID_…) too', async () => {
    await stack.wechat('/merchant', { verification: 'public_key' });
    const member = await Recharger.join(stack);

    const { orderNo } = await member.orderAndPay('充100元');
    await acknowledged(orderNo, 1);

    const [notification] = (await stack.wechat(`/pay/orders/${orderNo}`)).notifications;
    expect(notification.attempts[0]).toMatchObject({ status: 204 });
    expect(await stack.db.query('SELECT outcome FROM pay_notifications WHERE out_trade_no = ?', [orderNo])).toEqual([{ outcome: 'credited' }]);
    expect(await balanceOf(member)).toBe(10_000);
    // And a notification signed by the platform certificate's key but naming the public key is refused.
    const { transaction } = await paidSilently(member, '充100元');
    const mixed = signedNotification(merchant, 'TRANSACTION.SUCCESS', transaction, { serial: merchant.publicKeyId });
    expect((await postNotification(stack, mixed)).status).toBe(401);
    const right = signedNotification(merchant, 'TRANSACTION.SUCCESS', transaction, { serial: merchant.publicKeyId, key: merchant.publicKeyPrivateKeyPem });
    expect((await postNotification(stack, right)).status).toBe(204);
    expect(await balanceOf(member)).toBe(20_000);
  });

  it("reports in the day's reconciliation a payment WeChat Pay has and we have not credited, until it is", async () => {
    const admin = await stack.staffToken('admin');
    const member = await Recharger.join(stack);
    const { orderNo, transaction } = await paidSilently(member, '充100元');
    const today = chinaDate(new Date(stack.clock.now()));

    const before = await stack.api<WalletReconciliation>('GET', `/staff/wallet/reconciliation?date=${today}`, { token: admin });

    expect(before.status).toBe(200);
    expect(before.body.mismatches).toContainEqual({ orderNo, problem: '微信支付已支付，本地未入账', localStatus: 'paying', remoteState: 'SUCCESS' });
    expect((await postNotification(stack, signedNotification(merchant, 'TRANSACTION.SUCCESS', transaction))).status).toBe(204);
    const after = (await stack.api<WalletReconciliation>('GET', `/staff/wallet/reconciliation?date=${today}`, { token: admin })).body;
    expect(after.mismatches).toEqual([]);
    expect(after.localPaidCount).toBe(after.remotePaidCount);
    expect(after.localPaidFen).toBe(after.remotePaidFen);
    const [stored] = await stack.db.query('SELECT mismatches FROM wallet_reconciliations WHERE brand_id = ? AND business_date = ?', [stack.chain.brand.id, today]);
    expect(Number(stored.mismatches)).toBe(0);
    const future = await stack.api('GET', '/staff/wallet/reconciliation?date=2099-01-01', { token: admin });
    expect(future.status).toBe(400);
    expect(future.body.issues).toEqual([{ field: 'date', message: '对账日期不能晚于今天' }]);
  });
});
