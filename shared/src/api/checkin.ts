import { z } from 'zod';
import { checkinRulesSchema } from '../domain/checkin';

/*
 * Daily check-in (签到): the member checks in once per Shanghai day and sees the month's calendar;
 * HQ sets the points and the streak ladder.
 */

/** A ladder step reached by today's check-in: its bonus points and, if configured, the coupon given. */
export const checkinRewardSchema = z.object({
  /** The ladder day reached (连续签到第 N 天). */
  day: z.number().int(),
  points: z.number().int(),
  coupon: z.object({ couponId: z.string(), name: z.string() }).nullable(),
});
export type CheckinRewardView = z.infer<typeof checkinRewardSchema>;

/**
 * The day's check-in. 201 for the check-in just made; a second one the same day answers 200 with
 * the same result and `alreadyCheckedIn: true` (nothing is given twice).
 */
export const checkinResultSchema = z.object({
  /** YYYY-MM-DD in Asia/Shanghai. */
  date: z.string(),
  streak: z.number().int(),
  /** Base points plus the ladder step's points. */
  pointsEarned: z.number().int(),
  rewards: z.array(checkinRewardSchema),
  alreadyCheckedIn: z.boolean(),
});
export type CheckinResult = z.infer<typeof checkinResultSchema>;

export const checkinMonthQuerySchema = z
  .object({
    /** YYYY-MM; the current Shanghai month when left out. */
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM')
      .optional(),
  })
  .strict();
export type CheckinMonthQuery = z.infer<typeof checkinMonthQuerySchema>;

export const checkinCalendarSchema = z.object({
  enabled: z.boolean(),
  month: z.string(),
  /** Today in Asia/Shanghai. */
  today: z.string(),
  /** The month's checked days, YYYY-MM-DD, ascending; `madeUp` for a day checked in later (补签). */
  days: z.array(z.object({ date: z.string(), streak: z.number().int(), points: z.number().int(), madeUp: z.boolean() })),
  checkedInToday: z.boolean(),
  /** The streak as it stands: today's or yesterday's, else 0. */
  streak: z.number().int(),
  /** What checking in today earns (or earned). */
  todayPoints: z.number().int(),
  /** The next ladder step: in how many more days and what it gives. */
  next: z.object({ inDays: z.number().int(), day: z.number().int(), points: z.number().int(), couponName: z.string().nullable() }).nullable(),
  /** Make-up check-in (补签) when the brand allows it: its price, the earliest day it reaches, what is left this month. */
  makeUp: z
    .object({
      costPoints: z.number().int(),
      /** The earliest day that may be made up (today − withinDays). */
      earliest: z.string(),
      /** Made-up days left in the current month. */
      remainingThisMonth: z.number().int(),
    })
    .nullable(),
});
export type CheckinCalendar = z.infer<typeof checkinCalendarSchema>;

export const updateCheckinSettingsRequestSchema = checkinRulesSchema
  .extend({
    /** The version read; 0 for a brand that never saved check-in settings. */
    version: z.number().int().min(0),
  })
  .strict();
export type UpdateCheckinSettingsRequest = z.infer<typeof updateCheckinSettingsRequestSchema>;

export const checkinSettingsSchema = checkinRulesSchema.extend({
  version: z.number().int(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type CheckinSettings = z.infer<typeof checkinSettingsSchema>;

export const makeUpRequestSchema = z
  .object({
    date: z
      .string({ error: '请选择要补签的日期' })
      .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
      .refine((d) => {
        const parsed = new Date(`${d}T00:00:00Z`);
        return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === d;
      }, '日期无效'),
  })
  .strict();
export type MakeUpRequest = z.infer<typeof makeUpRequestSchema>;

/** A made-up day: 201 when made up now, 200 for a repeat of the same make-up (nothing charged twice). */
export const makeUpResultSchema = z.object({
  date: z.string(),
  /** The points it cost. */
  pointsSpent: z.number().int(),
  /** The streak as it stands after the make-up (today's or yesterday's, else 0). */
  streak: z.number().int(),
  alreadyMadeUp: z.boolean(),
});
export type MakeUpResult = z.infer<typeof makeUpResultSchema>;
