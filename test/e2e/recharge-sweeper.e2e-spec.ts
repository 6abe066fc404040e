import { TestStack } from '../support/stack';
import { ledgerEntries, Recharger } from '../support/recharge';

/**
 * The sweeper (a Bull repeatable job, here every second for orders paying longer than a second):
 * a member whose notification never comes is still credited, a late notification after it changes
 * nothing, and an order never paid is closed at WeChat Pay and here, giving the package's time back.
 */
describe('the WeChat Pay sweeper', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { SCHEDULE_JOBS: 'true', WECHAT_PAY_SWEEP_SECONDS: '1', WECHAT_PAY_SWEEP_AFTER_SECONDS: '1' } });
  });
  afterAll(() => stack?.close());

  /** The order's status in the database (not through GET /recharge/orders/:no, which asks WeChat Pay itself). */
  async function statusOf(orderNo: string, want: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await stack.db.query('SELECT status FROM recharge_orders WHERE order_no = ?', [orderNo]);
      if (row.status === want || Date.now() > deadline) return row.status;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('credits a recharge whose notification WeChat Pay dropped', async () => {
    const member = await Recharger.join(stack);
    await stack.wechat('/faults', { notify: 'drop' });

    const { orderNo } = await member.orderAndPay('充300送20');

    expect(await statusOf(orderNo, 'paid')).toBe('paid');
    expect((await member.card()).balanceFen).toBe(32_000);
    expect(await stack.db.query('SELECT outcome FROM pay_notifications WHERE out_trade_no = ?', [orderNo])).toEqual([]);
  });

  it('credits once when the notification comes after the sweeper did', async () => {
    const member = await Recharger.join(stack);
    // 4000 s × the stack's time scale 0.001 = 4 s: well after the sweeper's first look.
    await stack.wechat('/faults', { notify: 'delay', delaySeconds: 4000 });

    const { orderNo } = await member.orderAndPay('充100元');
    expect(await statusOf(orderNo, 'paid')).toBe('paid');
    const deadline = Date.now() + 10_000;
    let outcomes: { outcome: string }[] = [];
    while (Date.now() < deadline && outcomes.length === 0) {
      outcomes = await stack.db.query('SELECT outcome FROM pay_notifications WHERE out_trade_no = ?', [orderNo]);
      await new Promise((r) => setTimeout(r, 100));
    }

    expect(outcomes).toEqual([{ outcome: 'duplicate' }]);
    expect(await ledgerEntries(stack, `recharge:${orderNo}`)).toHaveLength(1);
    expect((await member.card()).balanceFen).toBe(10_000);
  });

  it('closes an order left unpaid past its expiry, at WeChat Pay and here, and gives the package time back', async () => {
    const member = await Recharger.join(stack);
    const first = await member.order('充500送50');
    expect((await member.order('充500送50')).status).toBe(201);
    expect((await member.order('充500送50')).status).toBe(409);

    stack.clock.advance(31 * 60_000);
    try {
      expect(await statusOf(first.body.orderNo, 'closed')).toBe('closed');
      expect((await stack.wechat(`/pay/orders/${first.body.orderNo}`)).trade_state).toBe('CLOSED');
      expect((await member.order('充500送50')).status).toBe(201);
    } finally {
      stack.clock.advance(-31 * 60_000);
    }
  });
});
