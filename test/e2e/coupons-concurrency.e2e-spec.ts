import type { ExchangeResult } from '@wemember/shared';
import { bulkMembers } from '../support/bulk-members';
import { createTemplate } from '../support/coupons';
import { TestStack } from '../support/stack';
import { aReceiptNo, TestTill } from '../support/till';

/**
 * Stock, per-member limits and points under concurrency, on MariaDB: what the conditional updates
 * and the member's lock promise when many requests arrive at once.
 */
describe('coupons under concurrency (mysql)', () => {
  let stack: TestStack;
  let till: TestTill;
  let marketer: string;

  beforeAll(async () => {
    stack = await TestStack.start();
    till = await TestTill.open(stack);
    marketer = await stack.staffToken('marketer');
  });
  afterEach(async () => expect((await till.reconcile()).mismatches).toEqual([]));
  afterAll(() => stack?.close());

  it('stock 100, 1,000 members claim at once: exactly 100 coupons', async () => {
    const template = await createTemplate(stack, marketer, { name: '限量100张', stock: 100, perMemberLimit: 1 });
    const members = await bulkMembers(stack, 1_000);
    const results = await Promise.all(members.map((m) => stack.api('POST', `/coupons/${template.id}/claim`, { token: m.token })));

    const statuses = results.map((r) => (r.status === 201 ? 'claimed' : `${r.status} ${r.body.code}`));
    expect(statuses.filter((s) => s === 'claimed')).toHaveLength(100);
    expect(statuses.filter((s) => s !== 'claimed')).toEqual(Array(900).fill('409 COUPON_SOLD_OUT'));
    const [{ n }] = await stack.db.query('SELECT COUNT(*) AS n FROM coupons WHERE template_id = ?', [template.id]);
    expect(Number(n)).toBe(100);
    const [{ holders }] = await stack.db.query('SELECT COUNT(DISTINCT member_id) AS holders FROM coupons WHERE template_id = ?', [template.id]);
    expect(Number(holders)).toBe(100);
    const after = await stack.api('GET', `/staff/coupon-templates/${template.id}`, { token: marketer });
    expect(after.body).toMatchObject({ stock: 100, issued: 100, stockLeft: 0 });
  }, 180_000);

  it('limit 1, one member claims 20 times at once: one coupon', async () => {
    const template = await createTemplate(stack, marketer, { name: '每人一张', stock: 1_000, perMemberLimit: 1 });
    const member = await till.newMember();
    const results = await Promise.all(Array.from({ length: 20 }, () => stack.api('POST', `/coupons/${template.id}/claim`, { token: member.token })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body.code}`)).toEqual(Array(19).fill('409 COUPON_LIMIT_REACHED'));
    const list = await stack.api('GET', '/member/coupons', { token: member.token });
    expect(list.body.counts.usable).toBe(1);
    const after = await stack.api('GET', `/staff/coupon-templates/${template.id}`, { token: marketer });
    expect(after.body.issued).toBe(1);
  });

  it('points-mall exchanges racing the member’s own purchase that spends points never overdraw', async () => {
    const template = await createTemplate(stack, marketer, { name: '积分换券', claimable: false, pointsPrice: 300, stock: 1_000, perMemberLimit: 10 });
    const member = await till.newMember();
    await till.bought(member, { amountFen: 100_000 });
    const before = await till.points(member);
    expect(before).toBe(1_000);

    const code = await till.code(member.token);
    const [purchase, ...exchanges] = await Promise.all([
      stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode: code, amountFen: 2_000, pointsToRedeem: 600, externalNo: aReceiptNo() } }),
      ...Array.from({ length: 4 }, (_, i) => stack.api('POST', `/points-mall/${template.id}/exchange`, { token: member.token, body: { requestId: `race-${i}-${aReceiptNo()}` } })),
    ]);

    const exchanged = exchanges.filter((r) => r.status === 201);
    for (const refused of exchanges.filter((r) => r.status !== 201)) expect(`${refused.status} ${refused.body.code}`).toBe('422 POINTS_INSUFFICIENT');
    if (purchase.status !== 201) expect(purchase.body.code).toBe('POINTS_INSUFFICIENT');
    const spentAtTill = purchase.status === 201 ? purchase.body.pointsRedeemed : 0;
    const earnedAtTill = purchase.status === 201 ? purchase.body.pointsEarned : 0;
    const after = await till.points(member);
    expect(after).toBe(before - 300 * exchanged.length - spentAtTill + earnedAtTill);
    expect(after).toBeGreaterThanOrEqual(0);
    // Without the purchase's own earnings nothing could be spent beyond the 1,000 points held.
    expect(300 * exchanged.length + spentAtTill).toBeLessThanOrEqual(before + earnedAtTill);
    const mine = await stack.api('GET', '/member/exchanges', { token: member.token });
    expect(mine.body.exchanges).toHaveLength(exchanged.length);
  });

  it('the same exchange requestId sent 10 times at once: one exchange, the rest replay it', async () => {
    const template = await createTemplate(stack, marketer, { name: '重复兑换', claimable: false, pointsPrice: 100, stock: 1_000, perMemberLimit: 10 });
    const member = await till.newMember();
    await till.bought(member, { amountFen: 50_000 });
    const requestId = aReceiptNo('EX');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => stack.api<ExchangeResult>('POST', `/points-mall/${template.id}/exchange`, { token: member.token, body: { requestId } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.coupon.id)).size).toBe(1);
    expect(results.filter((r) => r.body.replayed)).toHaveLength(9);
    expect(await till.points(member)).toBe(400);
  });
});
