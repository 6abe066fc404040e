import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DEFAULT_RFM_SETTINGS, scoreBrand, type Order } from '@wemember/shared';
import { PointsJobs } from '../../server/src/jobs/points-jobs';
import { RfmScoring, type RfmRun } from '../../server/src/loyalty/rfm-scoring';
import { rebuildRfm } from '../../server/src/loyalty/rfm-rebuild';
import { TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';

/** 10:00 in Shanghai on a date. */
const at = (date: string) => `${date}T02:00:00Z`;

interface RfmRow {
  member_id: string;
  window_start_month: string;
  purchases_12m: number;
  spend_12m_fen: number;
  last_purchase_on: string | null;
  r_score: number | null;
  f_score: number | null;
  m_score: number | null;
  rfm_class: string | null;
  stage: string | null;
  stage_since: string | null;
}

const COLUMNS = 'member_id, window_start_month, purchases_12m, spend_12m_fen, last_purchase_on, r_score, f_score, m_score, rfm_class, stage, stage_since';

/** The fixture's members, in the order the hand-computed table below lists them. */
const NAMES = ['b1', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9', 'b10', 'n1', 'z'] as const;
type Name = (typeof NAMES)[number];

/**
 * Scored on 2027-03-10 by hand (docs in shared/src/domain/rfm.ts): score = 1 + floor(5 × worse / 10)
 * among the 10 members who ever bought (z never did). R ranks the last purchase date, F the
 * purchases since 2026-04, M their spend net of refunds.
 *
 *          last        F  M (yuan)  R F M  class  stage
 *   b1   2027-03-09   3    300      5 5 4  A      active
 *   b3   2027-03-01   2   1000      4 4 5  A      active
 *   b4   2027-02-01   1    100      3 1 1  D      recently_lapsed (37 days)
 *   b5   2027-01-05   1    100      2 1 1  D      recently_lapsed (64 days)
 *   b6   2026-11-01   1    100      2 1 1  D      lapsed (129 days)
 *   b7   2026-06-01   2    400      1 4 4  B      dormant (282 days)
 *   b8   2025-12-01   0      0      1 1 1  D      dormant (the purchase left the 12 months)
 *   b9   2027-03-09   1    100      5 1 1  C      active (a second purchase refunded in full)
 *   b10  2027-02-01   1    500      3 1 5  C      recently_lapsed (800 bought, 300 refunded)
 *   n1   2027-03-06   1    100      4 1 1  C      new (joined 2027-03-05)
 *   z    never        0      0      - - -  D      dormant
 */
const FIXTURE: Record<Name, Pick<RfmRow, 'last_purchase_on' | 'purchases_12m' | 'spend_12m_fen' | 'r_score' | 'f_score' | 'm_score' | 'rfm_class' | 'stage'>> = {
  b1: { last_purchase_on: '2027-03-09', purchases_12m: 3, spend_12m_fen: 30_000, r_score: 5, f_score: 5, m_score: 4, rfm_class: 'A', stage: 'active' },
  b3: { last_purchase_on: '2027-03-01', purchases_12m: 2, spend_12m_fen: 100_000, r_score: 4, f_score: 4, m_score: 5, rfm_class: 'A', stage: 'active' },
  b4: { last_purchase_on: '2027-02-01', purchases_12m: 1, spend_12m_fen: 10_000, r_score: 3, f_score: 1, m_score: 1, rfm_class: 'D', stage: 'recently_lapsed' },
  b5: { last_purchase_on: '2027-01-05', purchases_12m: 1, spend_12m_fen: 10_000, r_score: 2, f_score: 1, m_score: 1, rfm_class: 'D', stage: 'recently_lapsed' },
  b6: { last_purchase_on: '2026-11-01', purchases_12m: 1, spend_12m_fen: 10_000, r_score: 2, f_score: 1, m_score: 1, rfm_class: 'D', stage: 'lapsed' },
  b7: { last_purchase_on: '2026-06-01', purchases_12m: 2, spend_12m_fen: 40_000, r_score: 1, f_score: 4, m_score: 4, rfm_class: 'B', stage: 'dormant' },
  b8: { last_purchase_on: '2025-12-01', purchases_12m: 0, spend_12m_fen: 0, r_score: 1, f_score: 1, m_score: 1, rfm_class: 'D', stage: 'dormant' },
  b9: { last_purchase_on: '2027-03-09', purchases_12m: 1, spend_12m_fen: 10_000, r_score: 5, f_score: 1, m_score: 1, rfm_class: 'C', stage: 'active' },
  b10: { last_purchase_on: '2027-02-01', purchases_12m: 1, spend_12m_fen: 50_000, r_score: 3, f_score: 1, m_score: 5, rfm_class: 'C', stage: 'recently_lapsed' },
  n1: { last_purchase_on: '2027-03-06', purchases_12m: 1, spend_12m_fen: 10_000, r_score: 4, f_score: 1, m_score: 1, rfm_class: 'C', stage: 'new' },
  z: { last_purchase_on: null, purchases_12m: 0, spend_12m_fen: 0, r_score: null, f_score: null, m_score: null, rfm_class: 'D', stage: 'dormant' },
};

/**
 * RFM over HTTP purchases and refunds: the member's row moved in their transactions, the nightly
 * job's scores against a hand-computed fixture (and against the pure rule in shared), the stage
 * history, the month shift run twice, and the rebuild from orders agreeing with the incremental
 * rows. Shared by the MariaDB run (two server instances) and the SQLite run (its portable path).
 */
export function describeRfmJourney(database: 'mysql' | 'sqlite'): void {
  describe(`RFM scoring (${database})`, () => {
    let stack: TestStack;
    let twin: NestFastifyApplication | undefined;
    let till: TestTill;
    const members = {} as Record<Name, TestMember>;

    const row = async (member: TestMember): Promise<RfmRow | undefined> => {
      const [found] = (await stack.db.query(`SELECT ${COLUMNS} FROM member_rfm WHERE member_id = ?`, [member.memberId])) as RfmRow[];
      return found && normalise(found);
    };
    const pending = async (member: TestMember) => {
      const [found] = (await stack.db.query('SELECT purchases_12m, spend_12m_fen, pending_month, pending_purchases, pending_spend_fen FROM member_rfm WHERE member_id = ?', [
        member.memberId,
      ])) as Record<string, unknown>[];
      const n = (v: unknown) => Number(v);
      return {
        purchases_12m: n(found.purchases_12m),
        spend_12m_fen: n(found.spend_12m_fen),
        pending_month: found.pending_month,
        pending_purchases: n(found.pending_purchases),
        pending_spend_fen: n(found.pending_spend_fen),
      };
    };
    const rows = async (): Promise<RfmRow[]> =>
      ((await stack.db.query(`SELECT ${COLUMNS} FROM member_rfm WHERE brand_id = ? ORDER BY member_id`, [stack.chain.brand.id])) as RfmRow[]).map(normalise);
    const runRfm = async (date: string, app: NestFastifyApplication = stack.app): Promise<RfmRun> => {
      const job = await app.get(PointsJobs).runFor('rfm', date, stack.chain.brand.id);
      return (await job.finished()) as RfmRun;
    };
    const buy = async (name: Name, date: string, amountFen: number): Promise<Order> => {
      stack.clock.travelTo(at(date));
      const order = await till.bought(members[name], { amountFen });
      // No discount in the demo brand's rules for these: what the fixture's M adds up is what was paid.
      expect(order.payableFen).toBe(amountFen);
      return order;
    };

    /** Every row's scores, class and stage are what the pure rule in shared gives for the rows' inputs on `date`: as if every row were scored. */
    const expectAsReference = async (date: string) => {
      const all = await rows();
      const joined = new Map(
        ((await stack.db.query('SELECT id, joined_at FROM members WHERE brand_id = ?', [stack.chain.brand.id])) as { id: string; joined_at: Date | string }[]).map((m) => [
          m.id,
          shanghaiDate(m.joined_at),
        ]),
      );
      const reference = scoreBrand(
        DEFAULT_RFM_SETTINGS,
        date,
        all.map((r) => ({ joinedOn: joined.get(r.member_id)!, lastPurchaseOn: r.last_purchase_on, purchases12m: r.purchases_12m, spend12mFen: r.spend_12m_fen })),
      );
      expect(all.map((r) => [nameOf(r.member_id), r.r_score, r.f_score, r.m_score, r.rfm_class, r.stage])).toEqual(
        reference.map((s, i) => [nameOf(all[i].member_id), s.r, s.f, s.m, s.rfmClass, s.stage]),
      );
    };

    beforeAll(async () => {
      stack = await TestStack.start({ database });
      if (database === 'mysql') twin = await stack.twin();
      till = await TestTill.open(stack);
      stack.clock.travelTo(at('2025-11-01'));
      for (const name of NAMES) if (name !== 'n1') members[name] = await till.newMember();
    });
    afterAll(() => stack?.close());

    it('purchases and refunds move the member’s row in their own transactions', async () => {
      await buy('b8', '2025-12-01', 10_000);
      expect(await row(members.b8)).toMatchObject({ window_start_month: '2025-01', purchases_12m: 1, spend_12m_fen: 10_000, last_purchase_on: '2025-12-01' });
      await buy('b7', '2026-06-01', 20_000);
      await buy('b7', '2026-06-01', 20_000);
      await buy('b6', '2026-11-01', 10_000);
      await buy('b5', '2027-01-05', 10_000);
      await buy('b4', '2027-02-01', 10_000);
      const big = await buy('b10', '2027-02-01', 80_000);
      await buy('b3', '2027-03-01', 50_000);
      await buy('b3', '2027-03-01', 50_000);
      stack.clock.travelTo(at('2027-03-05'));
      members.n1 = await till.newMember();
      await buy('n1', '2027-03-06', 10_000);
      const kept = await buy('b9', '2027-03-08', 10_000);
      const returned = await buy('b9', '2027-03-09', 10_000);
      expect(await row(members.b9)).toMatchObject({ purchases_12m: 2, spend_12m_fen: 20_000, last_purchase_on: '2027-03-09' });

      // A partial refund takes its share out of M and leaves F; the refund that completes it takes the purchase out too.
      const partial = { amountFen: 4_000, refundNo: aReceiptNo('F') };
      expect((await till.refund(returned.id, partial)).status).toBe(201);
      expect(await row(members.b9)).toMatchObject({ purchases_12m: 2, spend_12m_fen: 16_000, last_purchase_on: '2027-03-09' });
      // The same refund replayed moves nothing again.
      expect((await till.refund(returned.id, partial)).body.replayed).toBe(true);
      expect((await till.refund(returned.id, { amountFen: 6_000 })).status).toBe(201);
      // The last purchase falls back to the one kept (the 8th).
      expect(await row(members.b9)).toMatchObject({ purchases_12m: 1, spend_12m_fen: 10_000, last_purchase_on: '2027-03-08' });
      // Another purchase on the 9th, then the one of the 8th returned in full at once: the fixture's b9.
      await buy('b9', '2027-03-09', 10_000);
      expect((await till.refund(kept.id, { amountFen: 10_000 })).status).toBe(201);
      expect(await row(members.b9)).toMatchObject({ purchases_12m: 1, spend_12m_fen: 10_000, last_purchase_on: '2027-03-09' });

      for (let i = 0; i < 3; i++) await buy('b1', '2027-03-09', 10_000);
      expect((await till.refund(big.id, { amountFen: 30_000 })).status).toBe(201);
      expect(await row(members.b10)).toMatchObject({ purchases_12m: 1, spend_12m_fen: 50_000, last_purchase_on: '2027-02-01' });
      // A member who never bought has no row until the nightly job.
      expect(await row(members.z)).toBeUndefined();
    });

    it('the nightly job scores every member once, as the hand-computed fixture says', async () => {
      stack.clock.travelTo(at('2027-03-10'));
      const date = '2027-03-10';
      const runs = await Promise.all([runRfm(date), runRfm(date, twin ?? stack.app)]);
      // One Bull job for the date (the same job answered twice), whichever instance asked.
      expect(runs[0]).toEqual(runs[1]);
      expect(runs[0]).toMatchObject({ date, scored: 11, alreadyRun: 0 });
      const scored = new Map((await rows()).map((r) => [r.member_id, r]));
      for (const name of NAMES) {
        expect({ name, ...scored.get(members[name].memberId) }).toMatchObject({ name, ...FIXTURE[name], stage_since: date });
      }
      // The database's quintiles are the pure rule's.
      await expectAsReference(date);

      // Asked again for the same date, directly: recorded, nothing done again.
      expect(await stack.app.get(RfmScoring).run(date, stack.chain.brand.id)).toMatchObject({ scored: 0, alreadyRun: 1 });
      const [count] = (await stack.db.query('SELECT COUNT(*) AS n FROM rfm_runs WHERE brand_id = ?', [stack.chain.brand.id])) as { n: unknown }[];
      expect(Number(count.n)).toBe(1);
      // The first scoring is no change of stage: nothing in the history yet.
      expect(await stageChanges()).toEqual([]);
    });

    const stageChanges = async () =>
      (
        (await stack.db.query('SELECT member_id, changed_on, from_stage, to_stage FROM member_stage_changes WHERE brand_id = ? ORDER BY changed_on, member_id', [
          stack.chain.brand.id,
        ])) as { member_id: string; changed_on: string; from_stage: string; to_stage: string }[]
      ).map((c) => [nameOf(c.member_id), c.changed_on, c.from_stage, c.to_stage]);
    const nameOf = (memberId: string) => NAMES.find((n) => members[n].memberId === memberId);

    it('keeps a history of stage changes, so "moved from active to recently lapsed this week" is a query', async () => {
      stack.clock.travelTo(at('2027-04-12'));
      const run = await runRfm('2027-04-12');
      // Nobody bought since the last night: the night writes the five rows whose last purchase (or
      // join) date a stage's cutoff passed since, and b10, refunded the day before the last night
      // (refunds are looked at from the day before, to be sure) — and every row is still what scoring all would give.
      expect(run).toMatchObject({ scored: 6, stageChanges: 5 });
      await expectAsReference('2027-04-12');
      // 2027-04-12: active since 03-13, recently lapsed since 01-12, lapsed since 2026-10-14.
      expect((await stageChanges()).sort()).toEqual([
        ['b1', '2027-04-12', 'active', 'recently_lapsed'],
        ['b3', '2027-04-12', 'active', 'recently_lapsed'],
        ['b5', '2027-04-12', 'recently_lapsed', 'lapsed'],
        ['b9', '2027-04-12', 'active', 'recently_lapsed'],
        ['n1', '2027-04-12', 'new', 'recently_lapsed'],
      ]);
      const [b1] = (await stack.db.query(
        "SELECT r.stage, r.stage_since FROM member_stage_changes c JOIN member_rfm r ON r.member_id = c.member_id WHERE c.brand_id = ? AND c.from_stage = 'active' AND c.to_stage = 'recently_lapsed' AND c.changed_on >= ? AND c.member_id = ?",
        [stack.chain.brand.id, '2027-04-06', members.b1.memberId],
      )) as { stage: string; stage_since: string }[];
      expect(b1).toEqual({ stage: 'recently_lapsed', stage_since: '2027-04-12' });
      // b6 stayed lapsed: its stage_since is still the first night's.
      expect(await row(members.b6)).toMatchObject({ stage: 'lapsed', stage_since: '2027-03-10' });
    });

    it('shows staff a member’s scores, class, stage and its changes', async () => {
      const marketer = await stack.staffToken('marketer');
      const view = await stack.api('GET', `/staff/members/${members.b1.memberId}/rfm`, { token: marketer });
      expect(view.status).toBe(200);
      expect(view.body).toEqual({
        memberId: members.b1.memberId,
        scoredOn: '2027-04-12',
        lastPurchaseOn: '2027-03-09',
        purchases12m: 3,
        spend12mFen: 30_000,
        // Nobody bought since March: the ranks, and so the scores, are March's.
        scores: { r: 5, f: 5, m: 4 },
        rfmClass: 'A',
        stage: 'recently_lapsed',
        stageName: '近期流失会员',
        stageSince: '2027-04-12',
        stageChanges: [{ changedOn: '2027-04-12', from: 'active', fromName: '活跃会员', to: 'recently_lapsed', toName: '近期流失会员' }],
      });
      // A member who never bought: no scores, class D, dormant.
      expect((await stack.api('GET', `/staff/members/${members.z.memberId}/rfm`, { token: marketer })).body).toMatchObject({
        lastPurchaseOn: null,
        scores: { r: null, f: null, m: null },
        rfmClass: 'D',
        stage: 'dormant',
        stageChanges: [],
      });
      // Clerks do not read it; no such member is a 404.
      expect((await stack.api('GET', `/staff/members/${members.b1.memberId}/rfm`, { token: till.clerkToken })).status).toBe(403);
      const missing = await stack.api('GET', '/staff/members/00000000-0000-0000-0000-000000000000/rfm', { token: marketer });
      expect([missing.status, missing.body.code]).toEqual([404, 'MEMBER_NOT_FOUND']);
    });

    it('scores the rows the till moved since the last night, even where no cut point or stage date passes them', async () => {
      // b10 (recently lapsed, last bought 2027-02-01) comes back on the 13th for ¥1. Its new date,
      // count and spend are past every cut point and stage cutoff that moves tonight (R's move
      // between 02-01 and 03-09, F's and M's not at all): only the row's dirty mark brings it to the night.
      await buy('b10', '2027-04-13', 100);
      stack.clock.travelTo(at('2027-04-14'));
      const run = await runRfm('2027-04-14');
      expect(await row(members.b10)).toMatchObject({ last_purchase_on: '2027-04-13', r_score: 5, f_score: 4, stage: 'active', stage_since: '2027-04-14' });
      expect(run.scored).toBeLessThan(11);
      await expectAsReference('2027-04-14');
      expect((await stageChanges()).filter(([, on]) => on === '2027-04-14')).toEqual([['b10', '2027-04-14', 'recently_lapsed', 'active']]);

      // That day the ¥1 is returned in full: the last purchase falls back to 02-01, no cut point's
      // band holds that date, and only order_refunds brings the row to the next night.
      const [small] = (await stack.db.query("SELECT id FROM orders WHERE member_id = ? AND business_date = '2027-04-13'", [members.b10.memberId])) as { id: string }[];
      expect((await till.refund(small.id, { amountFen: 100 })).status).toBe(201);
      stack.clock.travelTo(at('2027-04-15'));
      await runRfm('2027-04-15');
      expect(await row(members.b10)).toMatchObject({ last_purchase_on: '2027-02-01', r_score: 3, f_score: 1, stage: 'recently_lapsed', stage_since: '2027-04-15' });
      await expectAsReference('2027-04-15');
    });

    it('scores every row the night after one that began and did not finish', async () => {
      // A night began on the 16th and died part-way: it may have written rows with cut points no finished night recorded.
      await stack.db.query('UPDATE rfm_started SET run_on = ? WHERE brand_id = ?', ['2027-04-16', stack.chain.brand.id]);
      stack.clock.travelTo(at('2027-04-17'));
      expect(await runRfm('2027-04-17')).toMatchObject({ scored: 11 });
      await expectAsReference('2027-04-17');
      // The night after that one compares with it again.
      stack.clock.travelTo(at('2027-04-18'));
      expect((await runRfm('2027-04-18')).scored).toBeLessThan(11);
    });

    it('shifts the 12-month window at month boundaries once, however often the job runs', async () => {
      // 2027-07-01: the window starts 2026-08, so b7's June 2026 purchases leave it.
      stack.clock.travelTo(at('2027-07-01'));
      const scoring = stack.app.get(RfmScoring);
      expect(await row(members.b7)).toMatchObject({ purchases_12m: 2, spend_12m_fen: 40_000 });
      // May, June and July 2026 leave (the last night was in April); only b7 bought in one of them,
      // so only its row is staged — its sums unchanged until the night's scoring subtracts them.
      expect(await scoring.shift(stack.chain.brand.id, '2027-07-01', '2027-04-12')).toBe(1);
      expect(await scoring.shift(stack.chain.brand.id, '2027-07-01', '2027-04-12')).toBe(0);
      expect(await pending(members.b7)).toEqual({ purchases_12m: 2, spend_12m_fen: 40_000, pending_month: '2026-06', pending_purchases: 2, pending_spend_fen: 40_000 });
      // The job subtracts what is staged in the same pass that scores, and moves the window.
      const shiftNight = await runRfm('2027-07-01');
      expect(shiftNight).toMatchObject({ shifted: 0 });
      expect(shiftNight.scored).toBeLessThan(11);
      await expectAsReference('2027-07-01');
      expect(await row(members.b7)).toMatchObject({ window_start_month: '2026-08', purchases_12m: 0, spend_12m_fen: 0, last_purchase_on: '2026-06-01', f_score: 1, m_score: 1 });
      expect(await pending(members.b7)).toMatchObject({ pending_month: null, pending_purchases: 0, pending_spend_fen: 0 });
      // b1 bought nothing from its window's start until March 2027: nothing to subtract, the row's window untouched.
      expect(await row(members.b1)).toMatchObject({ window_start_month: '2026-04', purchases_12m: 3, spend_12m_fen: 30_000 });
      // A late run for an earlier night changes nothing: the stages never go back in time.
      expect(await scoring.run('2027-06-30', stack.chain.brand.id)).toMatchObject({ scored: 0, alreadyRun: 1 });
    });

    it('a rebuild from orders and refunds agrees with the incremental rows', async () => {
      // A purchase after the shift, and a refund of an order from a month already out of the window.
      await buy('b7', '2027-07-01', 30_000);
      const [old] = (await stack.db.query("SELECT id FROM orders WHERE member_id = ? AND business_date = '2026-06-01' LIMIT 1", [members.b7.memberId])) as { id: string }[];
      expect((await till.refund(old.id, { amountFen: 5_000 })).status).toBe(201);
      expect(await row(members.b7)).toMatchObject({ purchases_12m: 1, spend_12m_fen: 30_000, last_purchase_on: '2027-07-01' });
      // The rebuild starts every window at 2026-08; an incremental row whose member bought nothing
      // between its older start and then sums the same: the inputs are what must agree.
      const inputs = async () => (await rows()).map(({ window_start_month: _, ...rest }) => rest);
      const incremental = await inputs();
      const rebuilt = await rebuildRfm(stack.uow, '2027-07-01', stack.chain.brand.id);
      expect(rebuilt).toBe(11);
      expect(await inputs()).toEqual(incremental);
      expect(new Set((await rows()).map((r) => r.window_start_month))).toEqual(new Set(['2026-08']));
    });

    it('stages the month that leaves on the nights before the 1st, so the 1st subtracts it in the scoring pass', async () => {
      // November 2026 leaves the window on 2027-11-01; b6 alone bought in it, so its row is the one staged.
      stack.clock.travelTo(at('2027-10-30'));
      // Two nights left in October, one member to stage: ceil(1 / 2) = 1, staged tonight.
      expect(await runRfm('2027-10-30')).toMatchObject({ shifted: 1 });
      await expectAsReference('2027-10-30');
      expect(await pending(members.b6)).toEqual({ purchases_12m: 1, spend_12m_fen: 10_000, pending_month: '2026-11', pending_purchases: 1, pending_spend_fen: 10_000 });
      // The rebuild stages the window's first month as the nights do: the rows agree, pending sums included.
      const withPending = async () =>
        Promise.all(NAMES.map(async (name) => ({ name, ...(await pending(members[name])), last: (await row(members[name]))?.last_purchase_on })));
      const staged = await withPending();
      await rebuildRfm(stack.uow, '2027-10-30', stack.chain.brand.id);
      expect(await withPending()).toEqual(staged);
      // A refund of November's order after it was staged takes its share out of the pending sums too.
      const [order] = (await stack.db.query("SELECT id FROM orders WHERE member_id = ? AND business_date = '2026-11-01'", [members.b6.memberId])) as { id: string }[];
      expect((await till.refund(order.id, { amountFen: 4_000 })).status).toBe(201);
      expect(await pending(members.b6)).toEqual({ purchases_12m: 1, spend_12m_fen: 6_000, pending_month: '2026-11', pending_purchases: 1, pending_spend_fen: 6_000 });
      // The last night of October: nothing left to stage.
      stack.clock.travelTo(at('2027-10-31'));
      expect(await runRfm('2027-10-31')).toMatchObject({ shifted: 0 });
      // The 1st: nothing to shift first; the scoring reads b6 without November and writes it so.
      stack.clock.travelTo(at('2027-11-01'));
      const first = await runRfm('2027-11-01');
      expect(first).toMatchObject({ shifted: 0 });
      expect(first.scored).toBeLessThan(11);
      await expectAsReference('2027-11-01');
      expect(await pending(members.b6)).toEqual({ purchases_12m: 0, spend_12m_fen: 0, pending_month: null, pending_purchases: 0, pending_spend_fen: 0 });
      expect(await row(members.b6)).toMatchObject({ window_start_month: '2026-12', f_score: 1, m_score: 1, last_purchase_on: '2026-11-01' });
      // And the rebuild from the orders agrees with the rows the nights left.
      const incremental = await withPending();
      await rebuildRfm(stack.uow, '2027-11-01', stack.chain.brand.id);
      expect(await withPending()).toEqual(incremental);
    });
  });
}

/** Rows as both drivers read them: numbers as numbers. */
function normalise(row: RfmRow): RfmRow {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    ...row,
    purchases_12m: Number(row.purchases_12m),
    spend_12m_fen: Number(row.spend_12m_fen),
    r_score: n(row.r_score),
    f_score: n(row.f_score),
    m_score: n(row.m_score),
  };
}

function shanghaiDate(value: Date | string): string {
  const instant = value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
