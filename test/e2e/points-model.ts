import fc from 'fast-check';
import { DEFAULT_LOYALTY_RULES, earningMultiplier, MEMBER_CODE_ROTATE_SECONDS } from '@wemember/shared';
import { PointsMaintenance } from '../../server/src/points/points-maintenance';
import type { HttpResult } from '../support/http';
import { TestStack } from '../support/stack';
import { POINT_ENTRIES, TestTill, type TestMember } from '../support/till';

/** Earned in 2026, these lots last until 2027-12-31; the model then runs on 1 January 2028. */
const EARNED_BEFORE = '2026-06-02T02:00:00Z';
const NOW = '2028-01-01T02:00:00Z';
const EXPIRY_DAY = '2028-01-01';

type Command =
  | { kind: 'earn'; member: number; amountFen: number }
  | { kind: 'spend'; member: number; amountFen: number; points: number }
  | { kind: 'refund'; order: number; share: number }
  | { kind: 'adjust'; member: number; delta: number }
  | { kind: 'expire' };

const MEMBERS = 2;

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('earn' as const), member: fc.nat(MEMBERS - 1), amountFen: fc.integer({ min: 1, max: 50_000 }) }),
  fc.record({ kind: fc.constant('spend' as const), member: fc.nat(MEMBERS - 1), amountFen: fc.integer({ min: 100, max: 50_000 }), points: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ kind: fc.constant('refund' as const), order: fc.nat(30), share: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('adjust' as const), member: fc.nat(MEMBERS - 1), delta: fc.integer({ min: -300, max: 300 }).filter((d) => d !== 0) }),
  fc.constant({ kind: 'expire' as const }),
);

/** What the server answered, summed per kind of movement: the model the ledger must match. */
interface Observed {
  earned: number;
  redeemed: number;
  returned: number;
  reversed: number;
  adjusted: number;
}

/**
 * Model-based property test: random sequences of earn / spend / refund / adjust / expire, run in
 * concurrent batches against the real server. Whatever the interleaving, at the end every ledger
 * adds up (ledger = balance = lots), every lot is conserved (amount = remaining + expired + drawn),
 * the ledger's movements equal what the API answered, no balance was ever negative, no order was
 * refunded beyond its amount, and the expiry left nothing overdue.
 */
export function describePointsModel(database: 'mysql' | 'sqlite', runs: number): void {
  describe(`points ledger model (${database})`, () => {
    let stack: TestStack;
    let till: TestTill;

    beforeAll(async () => {
      // Every run joins new members: more logins a minute than one shopper's phone would make.
      stack = await TestStack.start({ database, env: { RATE_LIMIT_MEMBER_LOGIN_PER_MINUTE: '100000', RATE_LIMIT_RESOLVE_PER_MINUTE: '100000', RATE_LIMIT_CODE_CHECKS_PER_MINUTE: '100000' } });
      till = await TestTill.open(stack);
    });
    afterAll(() => stack?.close());

    it('random concurrent earn / spend / refund / adjust / expire end with every ledger adding up', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(command, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }), async (batches) => {
          stack.clock.travelTo(EARNED_BEFORE);
          const members: TestMember[] = [];
          for (let i = 0; i < MEMBERS; i++) members.push(await till.newMember());
          // Points earned in 2026, so the expiry on 1 January 2028 has something to do.
          const orders: { id: string; member: number; amountFen: number }[] = [];
          const observed: Observed = { earned: 0, redeemed: 0, returned: 0, reversed: 0, adjusted: 0 };
          for (const [i, member] of members.entries()) {
            const order = await till.bought(member, { amountFen: 30_000 + i * 1_111 });
            orders.push({ id: order.id, member: i, amountFen: order.amountFen });
            observed.earned += order.pointsEarned;
          }
          stack.clock.travelTo(NOW);

          // A member code pays once: two spends of one member in one batch show the same code, and
          // one of them may be refused for it; the next batch is a minute later, with a new code.
          let spendsInBatch = new Map<number, number>();
          const run = async (c: Command): Promise<void> => {
            switch (c.kind) {
              case 'earn':
              case 'spend': {
                const result = await till.buy(members[c.member], { amountFen: c.amountFen, ...(c.kind === 'spend' && { pointsToRedeem: c.points }) });
                if (result.status === 201) {
                  const o = result.body;
                  // The pricing rules hold whatever else is going on.
                  expect(o.payableFen).toBe(o.amountFen - o.discountFen - o.pointsDeductFen);
                  expect(o.pointsDeductFen * 2).toBeLessThanOrEqual(o.amountFen - o.discountFen);
                  const multiplier = earningMultiplier(DEFAULT_LOYALTY_RULES, o.tierBefore, null, new Date(NOW)).percent;
                  expect(o.pointsEarned).toBe(Math.floor((o.payableFen * multiplier) / 10_000));
                  expect(o.growthEarned).toBe(Math.floor(o.payableFen / 100));
                  orders.push({ id: o.id, member: c.member, amountFen: o.amountFen });
                  observed.earned += result.body.pointsEarned;
                  observed.redeemed += result.body.pointsRedeemed;
                } else expectRefusal(result, ['POINTS_INSUFFICIENT', 'REDEEM_OVER_LIMIT', ...((spendsInBatch.get(c.member) ?? 0) > 1 ? ['MEMBER_CODE_USED'] : [])]);
                return;
              }
              case 'refund': {
                const order = orders[c.order % orders.length];
                const amountFen = Math.max(1, Math.floor((order.amountFen * c.share) / 100));
                const result = await till.refund(order.id, { amountFen });
                if (result.status === 201) {
                  observed.returned += result.body.pointsReturned;
                  observed.reversed += result.body.pointsReversed;
                } else expectRefusal(result, ['REFUND_EXCEEDS_ORDER']);
                return;
              }
              case 'adjust': {
                const result = await till.adjust(members[c.member], c.delta);
                if (result.status === 201) observed.adjusted += c.delta;
                else expectRefusal(result, ['POINTS_INSUFFICIENT']);
                return;
              }
              case 'expire':
                await stack.app.get(PointsMaintenance).expire(EXPIRY_DAY, stack.chain.brand.id);
            }
          };
          for (const batch of batches) {
            spendsInBatch = new Map();
            for (const c of batch) if (c.kind === 'spend') spendsInBatch.set(c.member, (spendsInBatch.get(c.member) ?? 0) + 1);
            await Promise.all(batch.map(run));
            stack.clock.advance(MEMBER_CODE_ROTATE_SECONDS * 1000);
          }
          await stack.app.get(PointsMaintenance).expire(EXPIRY_DAY, stack.chain.brand.id);

          expect((await till.reconcile()).mismatches).toEqual([]);
          const ids = members.map((m) => m.memberId);
          const marks = ids.map(() => '?').join(', ');
          const byKind = Object.fromEntries(
            ((await stack.db.query(`SELECT l.kind, SUM(l.delta) AS total FROM ${POINT_ENTRIES} l WHERE l.member_id IN (${marks}) GROUP BY l.kind`, ids)) as { kind: string; total: unknown }[]).map(
              (r) => [r.kind, Number(r.total)],
            ),
          );
          const [lots] = await stack.db.query(`SELECT SUM(expired) AS expired FROM point_lots WHERE member_id IN (${marks})`, ids);
          expect({
            earn: byKind.earn ?? 0,
            redeem: byKind.redeem ?? 0,
            refund_return: byKind.refund_return ?? 0,
            refund_reverse: byKind.refund_reverse ?? 0,
            adjust: byKind.adjust ?? 0,
            expire: byKind.expire ?? 0,
          }).toEqual({
            earn: observed.earned,
            redeem: -observed.redeemed || 0,
            refund_return: observed.returned,
            refund_reverse: -observed.reversed || 0,
            adjust: observed.adjusted,
            expire: -Number(lots.expired ?? 0) || 0,
          });

          const unbalanced = await stack.db.query(
            `SELECT p.id FROM point_lots p LEFT JOIN (SELECT lot_id, SUM(amount) AS drawn FROM point_lot_draws GROUP BY lot_id) d ON d.lot_id = p.id
             WHERE p.member_id IN (${marks}) AND p.amount <> p.remaining + p.expired + COALESCE(d.drawn, 0)`,
            ids,
          );
          expect(unbalanced).toEqual([]);
          const [negative] = await stack.db.query(`SELECT COUNT(*) AS n FROM ${POINT_ENTRIES} l WHERE l.member_id IN (${marks}) AND l.balance_after < 0`, ids);
          expect(Number(negative.n)).toBe(0);
          const [overdue] = await stack.db.query(`SELECT COUNT(*) AS n FROM point_lots WHERE member_id IN (${marks}) AND expires_on < ? AND remaining > 0`, [...ids, EXPIRY_DAY]);
          expect(Number(overdue.n)).toBe(0);
          const overRefunded = await stack.db.query(`SELECT id FROM orders WHERE member_id IN (${marks}) AND refunded_fen > amount_fen`, ids);
          expect(overRefunded).toEqual([]);
          const [sums] = await stack.db.query(
            `SELECT COALESCE(SUM(r.refund_fen + r.chargeback_fen - r.payable_share_fen), 0) AS drift FROM order_refunds r WHERE r.member_id IN (${marks})`,
            ids,
          );
          expect(Number(sums.drift)).toBe(0);
        }),
        { numRuns: runs },
      );
    });
  });
}

function expectRefusal(result: HttpResult, codes: string[]): void {
  if (!(result.status >= 400 && result.status < 500 && codes.includes(result.body.code))) {
    throw new Error(`unexpected answer ${result.status}: ${JSON.stringify(result.body)}`);
  }
}
