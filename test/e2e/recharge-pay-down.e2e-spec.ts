import { TestStack } from '../support/stack';
import { Recharger } from '../support/recharge';

/**
 * WeChat Pay unreachable (WECHAT_PAY_BASE on a port nobody listens on; the merchant's keys still come
 * from the sandbox): ordering is a 503 the member can retry, the order is closed and the package's
 * per-member time given back, and nothing is credited.
 */
describe('recharging while WeChat Pay is unreachable', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { WECHAT_PAY_BASE: 'http://127.0.0.1:9' } });
  });
  afterAll(() => stack?.close());

  it('answers 503 WECHAT_PAY_UNAVAILABLE, closes the order and gives the package time back', async () => {
    const member = await Recharger.join(stack);

    const answers = [await member.order('充500送50'), await member.order('充500送50'), await member.order('充500送50')];

    expect(answers.map((a) => [a.status, (a.body as unknown as { code: string }).code])).toEqual(Array(3).fill([503, 'WECHAT_PAY_UNAVAILABLE']));
    const orders = await stack.db.query('SELECT o.status FROM recharge_orders o JOIN members m ON m.id = o.member_id WHERE m.brand_id = ?', [stack.chain.brand.id]);
    expect(orders.map((o: { status: string }) => o.status)).toEqual(['closed', 'closed', 'closed']);
    const [holding] = await stack.db.query('SELECT taken FROM recharge_holdings WHERE package_id = ?', [member.packageId('充500送50')]);
    expect(Number(holding.taken)).toBe(0);
    expect((await member.card()).balanceFen).toBe(0);
    expect((await stack.api('GET', '/member/recharge-orders', { token: member.token })).body.orders.every((o: { status: string }) => o.status === 'closed')).toBe(true);
  });
});
