import { MEMBER_CODE_ROTATE_SECONDS } from '@wemember/shared';
import { TestStack } from '../support/stack';
import { aReceiptNo, POINT_ENTRIES, TestTill } from '../support/till';

const TUESDAY = '2026-06-02T02:00:00Z';

/**
 * What other membership systems get wrong under load: lost points, overspent balances, double
 * purchases, over-refunds. Each test fires real concurrent HTTP requests at one server and checks
 * the exact figures and that every ledger adds up. Shared by MariaDB and SQLite.
 */
export function describeTillConcurrency(database: 'mysql' | 'sqlite'): void {
  describe(`the till under concurrency (${database})`, () => {
    let stack: TestStack;
    let till: TestTill;

    beforeAll(async () => {
      // Hundreds of purchases a minute from one clerk: beyond the per-account code check limit, which is not what this tests.
      stack = await TestStack.start({ database, env: { RATE_LIMIT_CODE_CHECKS_PER_MINUTE: '100000' } });
      till = await TestTill.open(stack);
      stack.clock.travelTo(TUESDAY);
    });
    afterEach(async () => {
      expect((await till.reconcile()).mismatches).toEqual([]);
    });
    afterAll(() => stack?.close());

    it('200 concurrent purchases for one member: every point and every ledger row is there', async () => {
      const member = await till.newMember();
      const code = await till.code(member.token);
      const amounts = Array.from({ length: 200 }, (_, i) => ((i % 7) + 1) * 100);
      const results = await Promise.all(
        amounts.map((amountFen) =>
          stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode: code, amountFen, externalNo: aReceiptNo() } }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(amounts.map(() => 201));
      const expected = amounts.reduce((sum, a) => sum + a / 100, 0);
      expect(expected).toBe(794);
      expect(results.reduce((sum, r) => sum + r.body.pointsEarned, 0)).toBe(expected);

      const page = await stack.api('GET', '/member/points?limit=100', { token: member.token });
      expect(page.body.balance).toBe(expected);
      const [ledger] = await stack.db.query(`SELECT COUNT(*) AS n, SUM(delta) AS total, MAX(seq) AS last FROM ${POINT_ENTRIES} l WHERE l.member_id = ?`, [member.memberId]);
      expect([Number(ledger.n), Number(ledger.total), Number(ledger.last)]).toEqual([200, expected, 200]);
      const card = await stack.api('GET', '/member/card', { token: member.token });
      expect(card.body).toMatchObject({ points: expected, growth: expected });
    });

    it('concurrent spends beyond the balance: exactly the affordable ones succeed and the balance never goes negative', async () => {
      const member = await till.newMember();
      expect((await till.adjust(member, 1_000, '开业活动赠送积分')).status).toBe(201);
      // A member code pays once, so the till's spends come with two live codes (this minute's and
      // the next's); HQ deductions from the same balance race them.
      const codes = [await till.code(member.token)];
      stack.clock.advance(MEMBER_CODE_ROTATE_SECONDS * 1000);
      codes.push(await till.code(member.token));
      expect(codes[1]).not.toBe(codes[0]);
      // ¥1.98 with 99 points (the 50 % cap) leaves 99 fen paid, which earns nothing; 99 points a
      // spend: 1000 points pay for exactly ten of the thirty.
      const attempts = await Promise.all([
        ...codes.map((code) =>
          stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode: code, amountFen: 198, pointsToRedeem: 99, externalNo: aReceiptNo() } }),
        ),
        ...Array.from({ length: 28 }, () => till.adjust(member, -99, '积分兑换礼品')),
      ]);
      const statuses = attempts.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(10);
      expect(statuses.filter((s) => s === 422)).toHaveLength(20);
      expect(attempts.filter((r) => r.status === 422).every((r) => r.body.code === 'POINTS_INSUFFICIENT')).toBe(true);
      expect(attempts.slice(0, 2).filter((r) => r.status === 201).every((r) => r.body.pointsEarned === 0)).toBe(true);
      expect(await till.points(member)).toBe(10);
      const [negative] = await stack.db.query(`SELECT COUNT(*) AS n FROM ${POINT_ENTRIES} l WHERE l.member_id = ? AND l.balance_after < 0`, [member.memberId]);
      expect(Number(negative.n)).toBe(0);
    });

    it('one member code, ten different purchases paying with points at once: exactly one pays', async () => {
      const member = await till.newMember();
      expect((await till.adjust(member, 1_000, '开业活动赠送积分')).status).toBe(201);
      const code = await till.code(member.token);
      const attempts = await Promise.all(
        Array.from({ length: 10 }, () =>
          stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode: code, amountFen: 1_000, pointsToRedeem: 100, externalNo: aReceiptNo() } }),
        ),
      );
      expect(attempts.filter((r) => r.status === 201)).toHaveLength(1);
      const refused = attempts.filter((r) => r.status !== 201);
      expect(refused.map((r) => [r.status, r.body.code, r.body.issues?.[0]?.field])).toEqual(refused.map(() => [409, 'MEMBER_CODE_USED', 'memberCode']));
      expect(await till.points(member)).toBe(1_000 - 100 + 9);
      const [orders] = await stack.db.query('SELECT COUNT(*) AS n FROM orders WHERE member_id = ?', [member.memberId]);
      expect(Number(orders.n)).toBe(1);
    });

    it('one purchase paying with points sent 10 times at once: one recorded, the others are its replay', async () => {
      const member = await till.newMember();
      expect((await till.adjust(member, 1_000, '开业活动赠送积分')).status).toBe(201);
      const body = { memberCode: await till.code(member.token), amountFen: 1_000, pointsToRedeem: 100, externalNo: aReceiptNo() };
      const results = await Promise.all(Array.from({ length: 10 }, () => stack.api('POST', '/staff/orders', { token: till.clerkToken, body })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(await till.points(member)).toBe(1_000 - 100 + 9);
    });

    it('the same receipt number sent 20 times at once records one purchase', async () => {
      const member = await till.newMember();
      const code = await till.code(member.token);
      const externalNo = aReceiptNo();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode: code, amountFen: 8_800, externalNo } })),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 200)).toHaveLength(19);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      const [orders] = await stack.db.query('SELECT COUNT(*) AS n FROM orders WHERE member_id = ?', [member.memberId]);
      expect(Number(orders.n)).toBe(1);
      expect(await till.points(member)).toBe(88);
    });

    it('concurrent partial refunds never refund more than the order', async () => {
      const member = await till.newMember();
      const order = await till.bought(member, { amountFen: 10_000 });
      const results = await Promise.all(Array.from({ length: 10 }, () => till.refund(order.id, { amountFen: 2_000 })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(5);
      expect(results.filter((r) => r.status === 422)).toHaveLength(5);
      const refunded = results.filter((r) => r.status === 201);
      expect(refunded.reduce((sum, r) => sum + r.body.refundFen, 0)).toBe(10_000);
      expect(refunded.reduce((sum, r) => sum + r.body.pointsReversed, 0)).toBe(100);
      expect(await till.points(member)).toBe(0);
      const view = await stack.api('GET', `/staff/orders/${order.id}`, { token: till.clerkToken });
      expect(view.body).toMatchObject({ refundedFen: 10_000, refundableFen: 0, status: 'refunded' });
    });
  });
}
