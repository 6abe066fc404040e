import { z } from 'zod';
import { MEMBER_STATUSES } from '../domain/member-status';
import { STAFF_ROLES } from '../domain/staff-roles';
import { TIER_CODES } from '../domain/tiers';

export const staffLoginRequestSchema = z
  .object({
    username: z
      .string({ error: '请输入账号' })
      .trim()
      .min(1, '请输入账号')
      .max(64, '账号过长'),
    password: z.string({ error: '请输入密码' }).min(1, '请输入密码').max(128, '密码过长'),
  })
  .strict();
export type StaffLoginRequest = z.infer<typeof staffLoginRequestSchema>;

export const staffProfileSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(STAFF_ROLES),
  roleName: z.string(),
  storeId: z.string().nullable(),
  storeName: z.string().nullable(),
  regionId: z.string().nullable(),
  regionName: z.string().nullable(),
});
export type StaffProfile = z.infer<typeof staffProfileSchema>;

export const staffLoginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  staff: staffProfileSchema,
});
export type StaffLoginResponse = z.infer<typeof staffLoginResponseSchema>;

/**
 * What a clerk scans or types: the member's dynamic code (18 digits). Managers may also type a
 * phone number (11 digits) or a member number (10 digits) of a member within their scope.
 */
export const resolveMemberRequestSchema = z
  .object({
    code: z
      .string({ error: '请输入会员码' })
      .trim()
      .regex(/^\d{10,20}$/, '会员码应为 20 位数字（店长可输入手机号或 10 位会员号）'),
  })
  .strict();
export type ResolveMemberRequest = z.infer<typeof resolveMemberRequestSchema>;

export const memberSummarySchema = z.object({
  memberId: z.string(),
  memberNo: z.string(),
  /** Masked (138****1234) unless the staff role may see full numbers. */
  phone: z.string(),
  tier: z.enum(TIER_CODES),
  tierName: z.string(),
  points: z.number().int(),
  balanceFen: z.number().int(),
  growth: z.number().int(),
  status: z.enum(MEMBER_STATUSES),
  statusName: z.string(),
  homeStoreName: z.string().nullable(),
  joinedAt: z.string(),
  /** How the member was found: their dynamic code, or a manager's lookup. */
  resolvedBy: z.enum(['member_code', 'phone', 'member_no']),
});
export type MemberSummary = z.infer<typeof memberSummarySchema>;
