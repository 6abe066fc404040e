import { z } from 'zod';
import { addDays } from './points';

/**
 * RFM (seed 000's method): R = days since the last purchase, F = purchases in the rolling 12
 * months, M = spend in them (fen, net of refunds). Each is scored 5..1 by quintile within the
 * brand (均分五等份，各20%), among the members who have ever bought; a member who never bought has
 * no scores.
 *
 * The quintile of a value is taken from how many of the brand's values are worse than it:
 * score = 1 + floor(5 × worse / n). Equal values have the same count of worse values, so they
 * always share a score — the tie-break is stable, whatever order the rows come in (NTILE over
 * (value, member_id) would cut a run of equal values in two, by member id). With many ties a
 * quintile can be larger than 20 % and the next one empty; that is the honest reading of ties.
 * On MariaDB this is RANK() − 1 over the value, divided by COUNT(*) over the brand.
 */
export type RfmScore = 1 | 2 | 3 | 4 | 5;

/** The 5..1 score of each value, in the input's order; `higherIsBetter` false for R's days. */
export function quintileScores(values: readonly number[], higherIsBetter: boolean): RfmScore[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => (higherIsBetter ? a - b : b - a));
  // worse(v): the index of v's first occurrence in worst-to-best order.
  const firstIndex = new Map<number, number>();
  sorted.forEach((v, i) => {
    if (!firstIndex.has(v)) firstIndex.set(v, i);
  });
  return values.map((v) => (1 + Math.floor((5 * firstIndex.get(v)!) / n)) as RfmScore);
}

/**
 * The same scores as cut points, so the database can score a row with a CASE instead of a sort per
 * night: score(v) = 1 + the number of boundaries v is above (strictly). The boundary for "at least
 * k" is the p-th smallest value with p = ceil((k − 1) × n / 5): worse(v) ≥ p exactly when v is above
 * it. `sortedAscending` is every value, best last; n = 0 has no boundaries (nobody to score).
 */
export function quintileBoundaries<T>(sortedAscending: readonly T[]): T[] {
  const n = sortedAscending.length;
  if (n === 0) return [];
  return boundaryPositions(n).map((p) => sortedAscending[p - 1]);
}

/** The 1-based positions (in ascending order) of the four boundaries among n values. */
export function boundaryPositions(n: number): number[] {
  return [2, 3, 4, 5].map((k) => Math.ceil(((k - 1) * n) / 5));
}

/**
 * The values at 1-based `positions` of a sorted list given as its histogram ([value, count] in
 * ascending value order): how the cut points of a dimension with few distinct values (R's dates,
 * F's counts) are read from one GROUP BY instead of a sort of every member.
 */
export function valuesAtPositions<T>(histogram: readonly (readonly [T, number])[], positions: readonly number[]): T[] {
  return positions.map((p) => {
    let seen = 0;
    for (const [value, count] of histogram) {
      seen += count;
      if (seen >= p) return value;
    }
    throw new RangeError(`position ${p} past the ${seen} values`);
  });
}

export function scoreAgainst<T>(boundaries: readonly T[], value: T): RfmScore {
  return (1 + boundaries.filter((b) => value > b).length) as RfmScore;
}

/**
 * A/B/C/D classes (seed 004: A类客户……购买频率高、消费金额大): how many of R, F and M score 4 or 5 —
 * all three A, two B, one C, none (or never bought) D.
 */
export const RFM_CLASSES = ['A', 'B', 'C', 'D'] as const;
export type RfmClass = (typeof RFM_CLASSES)[number];

export function rfmClass(scores: { r: number | null; f: number | null; m: number | null }): RfmClass {
  if (scores.r === null || scores.f === null || scores.m === null) return 'D';
  const high = [scores.r, scores.f, scores.m].filter((s) => s >= 4).length;
  return RFM_CLASSES[3 - high];
}

/**
 * Lifecycle stages (活跃会员、近期流失会员、中期流失会员、休眠会员, and new members): from the days
 * since the last purchase, by the brand's thresholds. A member who joined within `newDays` and
 * bought at most once in 12 months is `new` whatever else; one who never bought and is no longer
 * new is `dormant`.
 */
export const LIFECYCLE_STAGES = ['new', 'active', 'recently_lapsed', 'lapsed', 'dormant'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const LIFECYCLE_STAGE_NAMES: Record<LifecycleStage, string> = {
  new: '新会员',
  active: '活跃会员',
  recently_lapsed: '近期流失会员',
  lapsed: '中期流失会员',
  dormant: '休眠会员',
};

const days = (what: string) =>
  z
    .number({ error: `${what}应为整数天` })
    .int(`${what}应为整数天`)
    .min(1, `${what}至少为 1 天`)
    .max(3650, `${what}不能超过 3650 天`);

/** The brand's stage thresholds in days (each an upper bound, inclusive). */
export const rfmSettingsSchema = z
  .object({
    newDays: days('新会员天数'),
    activeDays: days('活跃天数'),
    recentlyLapsedDays: days('近期流失天数'),
    lapsedDays: days('中期流失天数'),
  })
  .strict()
  .refine((s) => s.activeDays < s.recentlyLapsedDays && s.recentlyLapsedDays < s.lapsedDays, {
    message: '天数应依次递增：活跃 < 近期流失 < 中期流失',
    path: ['recentlyLapsedDays'],
  });
export type RfmSettings = z.infer<typeof rfmSettingsSchema>;

/** Active within a month, recently lapsed within a quarter, lapsed within half a year, dormant beyond. */
export const DEFAULT_RFM_SETTINGS: RfmSettings = { newDays: 30, activeDays: 30, recentlyLapsedDays: 90, lapsedDays: 180 };

export interface StageInput {
  /** The Shanghai date the member joined. */
  joinedOn: string;
  /** The Shanghai business date of the last purchase not refunded in full; null if none. */
  lastPurchaseOn: string | null;
  purchases12m: number;
}

/** The earliest dates (inclusive) that still count as new / active / recently lapsed / lapsed on `today`. */
export function stageCutoffs(settings: RfmSettings, today: string) {
  return {
    newSince: addDays(today, -settings.newDays),
    activeSince: addDays(today, -settings.activeDays),
    recentlyLapsedSince: addDays(today, -settings.recentlyLapsedDays),
    lapsedSince: addDays(today, -settings.lapsedDays),
  };
}

export function lifecycleStage(settings: RfmSettings, today: string, member: StageInput): LifecycleStage {
  const cut = stageCutoffs(settings, today);
  if (member.joinedOn >= cut.newSince && member.purchases12m <= 1) return 'new';
  const last = member.lastPurchaseOn;
  if (last === null) return 'dormant';
  if (last >= cut.activeSince) return 'active';
  if (last >= cut.recentlyLapsedSince) return 'recently_lapsed';
  if (last >= cut.lapsedSince) return 'lapsed';
  return 'dormant';
}

export interface RfmInput extends StageInput {
  /** Spend in the rolling 12 months, fen. */
  spend12mFen: number;
}

export interface RfmResult {
  r: RfmScore | null;
  f: RfmScore | null;
  m: RfmScore | null;
  rfmClass: RfmClass;
  stage: LifecycleStage;
}

/**
 * One brand's members scored on `today`: the reference the SQL paths are tested against. R ranks
 * the last purchase date (later is better; the same as fewer days since), among members who ever bought.
 */
export function scoreBrand(settings: RfmSettings, today: string, members: readonly RfmInput[]): RfmResult[] {
  const buyers = members.map((m, i) => ({ m, i })).filter(({ m }) => m.lastPurchaseOn !== null);
  const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
  const r = quintileScores(
    buyers.map(({ m }) => dayNumber(m.lastPurchaseOn!)),
    true,
  );
  const f = quintileScores(
    buyers.map(({ m }) => m.purchases12m),
    true,
  );
  const mScores = quintileScores(
    buyers.map(({ m }) => m.spend12mFen),
    true,
  );
  const scored = new Map(buyers.map(({ i }, k) => [i, { r: r[k], f: f[k], m: mScores[k] }]));
  return members.map((member, i) => {
    const s = scored.get(i) ?? { r: null, f: null, m: null };
    return { ...s, rfmClass: rfmClass(s), stage: lifecycleStage(settings, today, member) };
  });
}
