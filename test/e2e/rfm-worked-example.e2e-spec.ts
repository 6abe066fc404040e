import { PointsJobs } from '../../server/src/jobs/points-jobs';
import type { RfmRun } from '../../server/src/loyalty/rfm-scoring';
import { TestStack } from '../support/stack';
import { TestTill, type TestMember } from '../support/till';

/**
 * Seed 000's worked example (docs/domain.md, RFM: member A spends ¥10,000 a year, member B ¥1,000)
 * through the real nightly job on MariaDB: ten members' rows as their purchases would have left
 * them, scored by the job, every score, class and stage as the docs' table says.
 */
const TODAY = '2027-03-10';
const EXAMPLE = [
  { name: 'M1', lastOn: '2027-03-07', purchases: 24, spendYuan: 12_000, r: 5, f: 5, m: 5, rfmClass: 'A', stage: 'active' },
  { name: 'A', lastOn: '2027-02-28', purchases: 20, spendYuan: 10_000, r: 4, f: 5, m: 5, rfmClass: 'A', stage: 'active' },
  { name: 'M3', lastOn: '2027-01-24', purchases: 12, spendYuan: 8_000, r: 3, f: 4, m: 4, rfmClass: 'B', stage: 'recently_lapsed' },
  { name: 'M4', lastOn: '2027-03-08', purchases: 15, spendYuan: 6_000, r: 5, f: 4, m: 4, rfmClass: 'A', stage: 'active' },
  { name: 'M5', lastOn: '2027-01-09', purchases: 8, spendYuan: 5_000, r: 2, f: 3, m: 3, rfmClass: 'D', stage: 'recently_lapsed' },
  { name: 'M6', lastOn: '2027-02-18', purchases: 6, spendYuan: 3_000, r: 4, f: 2, m: 3, rfmClass: 'C', stage: 'active' },
  { name: 'M7', lastOn: '2026-11-10', purchases: 4, spendYuan: 2_000, r: 2, f: 2, m: 2, rfmClass: 'D', stage: 'lapsed' },
  { name: 'B', lastOn: '2027-02-08', purchases: 10, spendYuan: 1_000, r: 3, f: 3, m: 2, rfmClass: 'D', stage: 'active' },
  { name: 'M9', lastOn: '2026-08-22', purchases: 2, spendYuan: 500, r: 1, f: 1, m: 1, rfmClass: 'D', stage: 'dormant' },
  { name: 'M10', lastOn: '2026-05-14', purchases: 1, spendYuan: 200, r: 1, f: 1, m: 1, rfmClass: 'D', stage: 'dormant' },
] as const;

describe('RFM: seed 000’s worked example through the nightly job (mysql)', () => {
  let stack: TestStack;
  let till: TestTill;
  const members = new Map<string, TestMember>();

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'mysql' });
    till = await TestTill.open(stack);
    stack.clock.travelTo('2025-11-01T02:00:00Z');
    for (const { name } of EXAMPLE) members.set(name, await till.newMember());
  });
  afterAll(() => stack?.close());

  it('scores A 5 and B 2 on spend, two members a fifth, and every R, F, class and stage as the table says', async () => {
    // The rows as the members' purchases in the 12 months from April 2026 would have left them.
    for (const row of EXAMPLE) {
      await stack.db.query(
        `INSERT INTO member_rfm (member_id, brand_id, joined_at, window_start_month, purchases_12m, spend_12m_fen, last_purchase_on)
         SELECT id, brand_id, joined_at, '2026-04', ?, ?, ? FROM members WHERE id = ?`,
        [row.purchases, row.spendYuan * 100, row.lastOn, members.get(row.name)!.memberId],
      );
    }
    stack.clock.travelTo(`${TODAY}T02:00:00Z`);
    const job = await stack.app.get(PointsJobs).runFor('rfm', TODAY, stack.chain.brand.id);
    expect((await job.finished()) as RfmRun).toMatchObject({ date: TODAY, scored: EXAMPLE.length });

    const scored = (await stack.db.query('SELECT member_id, r_score, f_score, m_score, rfm_class, stage FROM member_rfm WHERE brand_id = ?', [stack.chain.brand.id])) as {
      member_id: string;
      r_score: number;
      f_score: number;
      m_score: number;
      rfm_class: string;
      stage: string;
    }[];
    const byMember = new Map(scored.map((s) => [s.member_id, s]));
    const actual = EXAMPLE.map(({ name }) => {
      const s = byMember.get(members.get(name)!.memberId)!;
      return { name, r: Number(s.r_score), f: Number(s.f_score), m: Number(s.m_score), rfmClass: s.rfm_class, stage: s.stage };
    });
    expect(actual).toEqual(EXAMPLE.map(({ name, r, f, m, rfmClass, stage }) => ({ name, r, f, m, rfmClass, stage })));
    // Sorted by spend from high to low, the M scores fall 5 5 4 4 3 3 2 2 1 1.
    const bySpend = [...EXAMPLE].sort((a, b) => b.spendYuan - a.spendYuan).map(({ name }) => actual.find((a) => a.name === name)!.m);
    expect(bySpend).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  });
});
