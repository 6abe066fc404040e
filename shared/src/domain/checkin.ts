import { z } from 'zod';
import { addDays } from './points';

/**
 * Daily check-in (签到): one per member per Shanghai business day. The streak is yesterday's
 * streak + 1, or 1 after a missed day; each check-in earns the base points, and the day the streak
 * reaches a ladder step earns that step's bonus points and coupons as well. With `cycle` the ladder
 * starts over after its last step (day 8 of a 7-day ladder counts as day 1 of the next round).
 */
export const checkinStepSchema = z
  .object({
    day: z.number({ error: '连续天数应为整数' }).int('连续天数应为整数').min(1, '连续天数至少为 1').max(366, '连续天数不能超过 366'),
    points: z.number({ error: '奖励积分应为整数' }).int('奖励积分应为整数').min(0, '奖励积分不能为负数').max(100_000, '奖励积分过大'),
    /** A coupon template given once on reaching this step (keyed per member, day and template). */
    templateId: z.string().trim().min(1, '请选择券模板').max(36).nullable().default(null),
  })
  .strict();
export type CheckinStep = z.infer<typeof checkinStepSchema>;

/**
 * Make-up check-in (补签): a missed day within the last `withinDays` days may be checked in later,
 * paid in points. It restores the streak (later days count on from it) but earns nothing itself:
 * no base points, no ladder step. At most `maxPerMonth` made-up days per calendar month.
 */
export const makeUpRulesSchema = z
  .object({
    enabled: z.boolean(),
    costPoints: z.number({ error: '补签积分应为整数' }).int('补签积分应为整数').min(1, '补签积分至少为 1').max(100_000, '补签积分过大'),
    withinDays: z.number({ error: '可补签天数应为整数' }).int('可补签天数应为整数').min(1, '可补签天数至少为 1').max(31, '可补签天数不能超过 31'),
    maxPerMonth: z.number({ error: '每月补签次数应为整数' }).int('每月补签次数应为整数').min(1, '每月补签次数至少为 1').max(31, '每月补签次数不能超过 31'),
  })
  .strict();
export type MakeUpRules = z.infer<typeof makeUpRulesSchema>;

export const DEFAULT_MAKE_UP_RULES: MakeUpRules = { enabled: false, costPoints: 20, withinDays: 7, maxPerMonth: 2 };

export const checkinRulesSchema = z
  .object({
    enabled: z.boolean(),
    basePoints: z.number({ error: '每日签到积分应为整数' }).int('每日签到积分应为整数').min(0, '每日签到积分不能为负数').max(100_000, '每日签到积分过大'),
    ladder: z
      .array(checkinStepSchema)
      .max(20, '连续签到奖励最多 20 档')
      .refine((steps) => new Set(steps.map((s) => s.day)).size === steps.length, '每个连续天数只能设置一档'),
    /** After the last step the streak's rewards start over from day 1. */
    cycle: z.boolean(),
    makeUp: makeUpRulesSchema.default(DEFAULT_MAKE_UP_RULES),
  })
  .strict();
export type CheckinRules = z.infer<typeof checkinRulesSchema>;

/** Until a brand saves its own: 5 points a day, +5 on day 3, +20 on day 7, starting over weekly. */
export const DEFAULT_CHECKIN_RULES: CheckinRules = {
  enabled: true,
  basePoints: 5,
  ladder: [
    { day: 3, points: 5, templateId: null },
    { day: 7, points: 20, templateId: null },
  ],
  cycle: true,
  makeUp: DEFAULT_MAKE_UP_RULES,
};

/** The streak of a check-in on `today`, given the member's last check-in before it (date and streak). */
export function nextStreak(today: string, last: { date: string; streak: number } | null): number {
  return last && addDays(last.date, 1) === today ? last.streak + 1 : 1;
}

/** Where a streak stands on the ladder: with `cycle`, day 8 of a 7-day ladder is day 1 again. */
export function ladderDay(rules: CheckinRules, streak: number): number {
  const last = Math.max(0, ...rules.ladder.map((s) => s.day));
  if (!rules.cycle || last === 0) return streak;
  return ((streak - 1) % last) + 1;
}

export interface CheckinReward {
  points: number;
  /** The ladder step reached today, if any. */
  step: CheckinStep | null;
}

/** What a check-in with this streak earns: the base points plus the step reached today. */
export function checkinReward(rules: CheckinRules, streak: number): CheckinReward {
  const step = rules.ladder.find((s) => s.day === ladderDay(rules, streak)) ?? null;
  return { points: rules.basePoints + (step?.points ?? 0), step };
}

/** The next step after `streak` and how many more days it takes; null when no step lies ahead. */
export function nextCheckinStep(rules: CheckinRules, streak: number): { step: CheckinStep; inDays: number } | null {
  const at = ladderDay(rules, streak);
  const ahead = [...rules.ladder].sort((a, b) => a.day - b.day).find((s) => s.day > at);
  if (ahead) return { step: ahead, inDays: ahead.day - at };
  if (!rules.cycle || rules.ladder.length === 0) return null;
  const first = [...rules.ladder].sort((a, b) => a.day - b.day)[0]!;
  const last = Math.max(...rules.ladder.map((s) => s.day));
  return { step: first, inDays: last - at + first.day };
}

/** Why a day cannot be made up, naming the rule; null when it can. */
export type MakeUpRefusal =
  | { code: 'CHECKIN_MAKEUP_DISABLED' }
  | { code: 'CHECKIN_MAKEUP_DATE'; message: string }
  | { code: 'CHECKIN_MAKEUP_LIMIT' };

/**
 * Whether `date` may be made up on `today`: the brand allows it, the day is before today and not
 * more than `withinDays` back, and the month of `date` has made-up days left. (A day already
 * checked in is the unique key's to refuse.)
 */
export function makeUpRefusal(rules: CheckinRules, today: string, date: string, madeUpInMonth: number): MakeUpRefusal | null {
  const { makeUp } = rules;
  if (!rules.enabled || !makeUp.enabled) return { code: 'CHECKIN_MAKEUP_DISABLED' };
  if (date >= today) return { code: 'CHECKIN_MAKEUP_DATE', message: '只能补签今天以前漏签的日子' };
  if (date < addDays(today, -makeUp.withinDays)) return { code: 'CHECKIN_MAKEUP_DATE', message: `只能补签最近 ${makeUp.withinDays} 天内漏签的日子` };
  if (madeUpInMonth >= makeUp.maxPerMonth) return { code: 'CHECKIN_MAKEUP_LIMIT' };
  return null;
}

/**
 * The streaks after `date` is made up: the made-up day counts on from the check-in before it, and
 * every check-in consecutive after it counts on from that. `following` are the member's check-ins
 * after `date`, ascending; answers the new streak of `date` and of each consecutive one that changes.
 */
export function streaksAfterMakeUp(
  date: string,
  before: { date: string; streak: number } | null,
  following: { date: string; streak: number }[],
): { date: string; streak: number }[] {
  const changed: { date: string; streak: number }[] = [];
  let last = { date, streak: nextStreak(date, before) };
  changed.push(last);
  for (const day of following) {
    if (day.date !== addDays(last.date, 1)) break;
    last = { date: day.date, streak: last.streak + 1 };
    if (last.streak !== day.streak) changed.push(last);
  }
  return changed;
}
