import { addDays } from './points';
import {
  boundaryPositions,
  DEFAULT_RFM_SETTINGS,
  lifecycleStage,
  quintileBoundaries,
  quintileScores,
  rfmClass,
  rfmSettingsSchema,
  scoreAgainst,
  scoreBrand,
  valuesAtPositions,
} from './rfm';

describe('RFM quintile scores', () => {
  it('splits ten distinct values into five scores of two each', () => {
    expect(quintileScores([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], true)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // Fewer days since the last purchase is better.
    expect(quintileScores([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], false)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  });

  it('gives equal values the same score, whatever their order (hand-computed)', () => {
    // Sorted: 0 | 1 1 1 1 1 1 | 2 2 | 3; worse counts 0, 1, 7, 9 of n = 10 → 1 + floor(w / 2).
    const f = [1, 2, 1, 1, 1, 2, 0, 1, 1, 3];
    expect(quintileScores(f, true)).toEqual([1, 4, 1, 1, 1, 4, 1, 1, 1, 5]);
    // The same multiset in another order: the same score for each value.
    const shuffled = [3, 1, 1, 0, 2, 1, 1, 2, 1, 1];
    expect(quintileScores(shuffled, true)).toEqual([5, 1, 1, 1, 4, 1, 1, 4, 1, 1]);
    // NTILE(5) over (value, id) would have cut the six 1s into scores 1, 2 and 3.
  });

  it('scores everyone 1 when all values are equal, and a single member 1', () => {
    expect(quintileScores([7, 7, 7, 7], true)).toEqual([1, 1, 1, 1]);
    expect(quintileScores([42], true)).toEqual([1]);
    expect(quintileScores([], true)).toEqual([]);
  });

  it('cut points give the same scores as counting worse values (what the database uses)', () => {
    const samples = [
      [1, 2, 1, 1, 1, 2, 0, 1, 1, 3],
      [5, 5, 5, 9, 9, 1],
      [3],
      [100, 0, 50, 50, 25, 75, 75, 75, 12, 99, 3, 3, 3],
      Array.from({ length: 37 }, (_, i) => (i * 7919) % 11),
    ];
    for (const values of samples) {
      const cuts = quintileBoundaries([...values].sort((a, b) => a - b));
      expect(values.map((v) => scoreAgainst(cuts, v))).toEqual(quintileScores(values, true));
    }
    // Dates compare as text the same way.
    const dates = ['2027-03-09', '2027-01-05', '2027-03-09', '2026-06-01', '2027-02-01'];
    const dateCuts = quintileBoundaries([...dates].sort());
    expect(dates.map((d) => scoreAgainst(dateCuts, d))).toEqual([4, 2, 4, 1, 3]);
  });

  it('reads the cut points from a histogram as from the sorted values', () => {
    const values = [1, 2, 1, 1, 1, 2, 0, 1, 1, 3];
    const histogram = [[0, 1], [1, 6], [2, 2], [3, 1]] as const;
    expect(valuesAtPositions(histogram, boundaryPositions(values.length))).toEqual(quintileBoundaries([...values].sort((a, b) => a - b)));
    expect(valuesAtPositions(histogram, boundaryPositions(10))).toEqual([1, 1, 1, 2]);
    expect(() => valuesAtPositions(histogram, [11])).toThrow(RangeError);
  });

  it('places the four cut points at ceil(k × n / 5)', () => {
    expect(boundaryPositions(10)).toEqual([2, 4, 6, 8]);
    expect(boundaryPositions(3)).toEqual([1, 2, 2, 3]);
    expect(boundaryPositions(1)).toEqual([1, 1, 1, 1]);
  });
});

describe('RFM classes', () => {
  it('counts the scores of 4 and 5: A all three, B two, C one, D none or never bought', () => {
    expect(rfmClass({ r: 5, f: 4, m: 4 })).toBe('A');
    expect(rfmClass({ r: 1, f: 4, m: 5 })).toBe('B');
    expect(rfmClass({ r: 3, f: 3, m: 4 })).toBe('C');
    expect(rfmClass({ r: 3, f: 3, m: 3 })).toBe('D');
    expect(rfmClass({ r: null, f: null, m: null })).toBe('D');
  });
});

describe('lifecycle stages', () => {
  const today = '2027-03-10';
  const stage = (lastPurchaseOn: string | null, purchases12m = 2, joinedOn = '2025-01-01') => lifecycleStage(DEFAULT_RFM_SETTINGS, today, { joinedOn, lastPurchaseOn, purchases12m });

  it('reads the days since the last purchase against the thresholds, each inclusive', () => {
    expect(stage('2027-03-10')).toBe('active');
    expect(stage('2027-02-08')).toBe('active'); // 30 days
    expect(stage('2027-02-07')).toBe('recently_lapsed'); // 31
    expect(stage('2026-12-10')).toBe('recently_lapsed'); // 90
    expect(stage('2026-12-09')).toBe('lapsed'); // 91
    expect(stage('2026-09-11')).toBe('lapsed'); // 180
    expect(stage('2026-09-10')).toBe('dormant'); // 181
    expect(stage(null, 0)).toBe('dormant');
  });

  it('calls a member new for the first days after joining while they have bought at most once', () => {
    expect(stage(null, 0, '2027-02-08')).toBe('new');
    expect(stage('2027-03-01', 1, '2027-02-08')).toBe('new');
    expect(stage('2027-03-01', 2, '2027-02-08')).toBe('active');
    expect(stage(null, 0, '2027-02-07')).toBe('dormant');
  });

  it('takes the brand’s thresholds, in order', () => {
    const custom = rfmSettingsSchema.parse({ newDays: 7, activeDays: 14, recentlyLapsedDays: 60, lapsedDays: 120 });
    expect(lifecycleStage(custom, today, { joinedOn: '2025-01-01', lastPurchaseOn: '2027-02-20', purchases12m: 3 })).toBe('recently_lapsed');
    const refused = rfmSettingsSchema.safeParse({ newDays: 7, activeDays: 90, recentlyLapsedDays: 60, lapsedDays: 120 });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({ path: ['recentlyLapsedDays'], message: '天数应依次递增：活跃 < 近期流失 < 中期流失' });
  });
});

describe('a brand scored (the reference the SQL is tested against)', () => {
  it('leaves members who never bought out of the quintiles', () => {
    const result = scoreBrand(DEFAULT_RFM_SETTINGS, '2027-03-10', [
      { joinedOn: '2025-01-01', lastPurchaseOn: '2027-03-09', purchases12m: 3, spend12mFen: 30_000 },
      { joinedOn: '2025-01-01', lastPurchaseOn: null, purchases12m: 0, spend12mFen: 0 },
      { joinedOn: '2025-01-01', lastPurchaseOn: '2026-06-01', purchases12m: 1, spend12mFen: 10_000 },
    ]);
    // n = 2: the better of two is above one value of two, 1 + floor(5 × 1 / 2) = 3.
    expect(result).toEqual([
      { r: 3, f: 3, m: 3, rfmClass: 'D', stage: 'active' },
      { r: null, f: null, m: null, rfmClass: 'D', stage: 'dormant' },
      { r: 1, f: 1, m: 1, rfmClass: 'D', stage: 'dormant' },
    ]);
  });
});

describe('the worked example (docs/domain.md, RFM): member A spends ¥10,000 a year, member B ¥1,000', () => {
  // Ten members scored on 2027-03-10, all joined long ago. Each column has ten distinct values, so
  // sorted from best to worst the five fifths hold two members each: 5 5 4 4 3 3 2 2 1 1.
  const today = '2027-03-10';
  const members = [
    { name: 'M1', daysSince: 3, purchases: 24, spendYuan: 12_000, r: 5, f: 5, m: 5, rfmClass: 'A', stage: 'active' },
    { name: 'A', daysSince: 10, purchases: 20, spendYuan: 10_000, r: 4, f: 5, m: 5, rfmClass: 'A', stage: 'active' },
    { name: 'M3', daysSince: 45, purchases: 12, spendYuan: 8_000, r: 3, f: 4, m: 4, rfmClass: 'B', stage: 'recently_lapsed' },
    { name: 'M4', daysSince: 2, purchases: 15, spendYuan: 6_000, r: 5, f: 4, m: 4, rfmClass: 'A', stage: 'active' },
    { name: 'M5', daysSince: 60, purchases: 8, spendYuan: 5_000, r: 2, f: 3, m: 3, rfmClass: 'D', stage: 'recently_lapsed' },
    { name: 'M6', daysSince: 20, purchases: 6, spendYuan: 3_000, r: 4, f: 2, m: 3, rfmClass: 'C', stage: 'active' },
    { name: 'M7', daysSince: 120, purchases: 4, spendYuan: 2_000, r: 2, f: 2, m: 2, rfmClass: 'D', stage: 'lapsed' },
    { name: 'B', daysSince: 30, purchases: 10, spendYuan: 1_000, r: 3, f: 3, m: 2, rfmClass: 'D', stage: 'active' },
    { name: 'M9', daysSince: 200, purchases: 2, spendYuan: 500, r: 1, f: 1, m: 1, rfmClass: 'D', stage: 'dormant' },
    { name: 'M10', daysSince: 300, purchases: 1, spendYuan: 200, r: 1, f: 1, m: 1, rfmClass: 'D', stage: 'dormant' },
  ] as const;
  const inputs = members.map((m) => ({
    joinedOn: '2024-01-01',
    lastPurchaseOn: addDays(today, -m.daysSince),
    purchases12m: m.purchases,
    spend12mFen: m.spendYuan * 100,
  }));

  it('scores M by spend sorted high to low, two members a fifth: A 5, B 2', () => {
    const bySpend = [...members].sort((a, b) => b.spendYuan - a.spendYuan);
    expect(bySpend.map((m) => m.name)).toEqual(['M1', 'A', 'M3', 'M4', 'M5', 'M6', 'M7', 'B', 'M9', 'M10']);
    const scores = quintileScores(
      inputs.map((i) => i.spend12mFen),
      true,
    );
    const byName = new Map(members.map((m, i) => [m.name, scores[i]]));
    expect(bySpend.map((m) => byName.get(m.name))).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect([byName.get('A'), byName.get('B')]).toEqual([5, 2]);
  });

  it('gives every member the hand-computed R, F, M, class and stage', () => {
    expect(scoreBrand(DEFAULT_RFM_SETTINGS, today, inputs)).toEqual(members.map(({ r, f, m, rfmClass, stage }) => ({ r, f, m, rfmClass, stage })));
  });

  it('reads the same scores from the four cut points the nightly job uses', () => {
    const spends = inputs.map((i) => i.spend12mFen);
    const cuts = quintileBoundaries([...spends].sort((a, b) => a - b));
    // The 2nd, 4th, 6th and 8th smallest: ¥500, ¥2,000, ¥5,000, ¥8,000.
    expect(cuts).toEqual([50_000, 200_000, 500_000, 800_000]);
    expect(spends.map((s) => scoreAgainst(cuts, s))).toEqual(members.map((m) => m.m));
  });
});
