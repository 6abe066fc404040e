import { z } from 'zod';
import { birthdaySchema } from './points';
import { giftLineViewSchema, memberCouponSchema } from './coupons';

/*
 * Member day (会员日) and birthdays: what the card and home page announce, the member-day coupons a
 * member takes once per member day, and a birthday corrected by staff.
 */

export const memberDayStatusSchema = z.object({
  /** Today in Asia/Shanghai. */
  today: z.string(),
  /** Whether today is a member day. */
  isMemberDay: z.boolean(),
  /** The next member day from today on (today when it is one); null when the brand has none. */
  nextDate: z.string().nullable(),
  /** How the brand's member days read: 「每周三」「每月 8 日、18 日」. Empty when there are none. */
  schedule: z.string(),
  /** Points multiplier on member day, in percent (200 = 双倍积分). */
  multiplierPercent: z.number().int(),
  /** Extra percent off on member day (0 = none). */
  discountOffPercent: z.number().int(),
  /** The member-day coupons on offer (only what can still be given). */
  coupons: z.array(giftLineViewSchema),
  /** Whether this member took today's member-day coupons already. */
  claimedToday: z.boolean(),
  /** The birthday bonus as it applies to this member now, for the card's banner; null outside it. */
  birthday: z
    .object({
      /** 「生日月消费积分 2 倍」 or the like. */
      text: z.string(),
      multiplierPercent: z.number().int(),
    })
    .nullable(),
});
export type MemberDayStatus = z.infer<typeof memberDayStatusSchema>;

/** Today's member-day coupons. 201 when taken now; 200 with `alreadyClaimed: true` (and the same coupons) on a repeat. */
export const memberDayClaimSchema = z.object({
  date: z.string(),
  coupons: z.array(memberCouponSchema),
  alreadyClaimed: z.boolean(),
});
export type MemberDayClaim = z.infer<typeof memberDayClaimSchema>;

/** Staff correct a birthday the member set wrong (the member sets it once); audited with the reason. */
export const correctBirthdayRequestSchema = z
  .object({
    birthday: birthdaySchema,
    reason: z.string({ error: '请填写修改原因' }).trim().min(2, '请填写修改原因（至少 2 个字）').max(200, '原因不能超过 200 个字'),
  })
  .strict();
export type CorrectBirthdayRequest = z.infer<typeof correctBirthdayRequestSchema>;

export const birthdayCorrectionSchema = z.object({
  memberId: z.string(),
  birthday: z.string(),
  previous: z.string().nullable(),
});
export type BirthdayCorrection = z.infer<typeof birthdayCorrectionSchema>;
