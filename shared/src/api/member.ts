import { z } from 'zod';
import { MEMBER_STATUSES } from '../domain/member-status';
import { TIER_CODES } from '../domain/tiers';
import { MEMBER_CODE } from '../member-code';
import { tierProgressSchema } from './points';

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
