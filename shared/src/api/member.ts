import { z } from 'zod';
import { MEMBER_STATUSES } from '../domain/member-status';
import { TIER_CODES } from '../domain/tiers';
import { tierProgressSchema } from './points';

/** 10 digits, not starting with 0: what a member reads out at the till. */
export const MEMBER_NO = /^[1-9]\d{9}$/;
/** The dynamic member code: member number (10) + time window (2) + signature (6). */
export const MEMBER_CODE = /^\d{18}$/;
/** How long one dynamic code is shown before the card fetches a new one. */
export const MEMBER_CODE_ROTATE_SECONDS = 60;

export const memberCardSchema = z.object({
  memberNo: z.string(),
  phoneMasked: z.string(),
  tier: z.enum(TIER_CODES),
  tierName: z.string(),
  points: z.number().int(),
  balanceFen: z.number().int(),
  growth: z.number().int(),
  /** The next tier and the growth still needed; null at the top tier. */
  tierProgress: tierProgressSchema,
  /** "9.5折" or "无折扣": the member price of the current tier. */
  tierDiscount: z.string(),
  /** YYYY-MM-DD once set (it can be set only once). */
  birthday: z.string().nullable(),
  status: z.enum(MEMBER_STATUSES),
  joinedAt: z.string(),
  brandName: z.string(),
});
export type MemberCard = z.infer<typeof memberCardSchema>;

export const memberCodeSchema = z.object({
  code: z.string().regex(MEMBER_CODE),
  /** ISO instant after which the code is refused. */
  expiresAt: z.string(),
  /** ISO instant at which the card should show a new code. */
  refreshAt: z.string(),
});
export type MemberCode = z.infer<typeof memberCodeSchema>;
