import { z } from 'zod';
import { loyaltyRulesSchema } from '../domain/loyalty-rules';
import { TIER_CODES } from '../domain/tiers';

/** Why a ledger row exists. Rows are never changed: a correction is a new row. */
export const POINT_ENTRY_KINDS = ['earn', 'redeem', 'refund_reverse', 'refund_return', 'expire', 'adjust', 'welcome', 'exchange', 'checkin', 'checkin_makeup', 'campaign'] as const;
export type PointEntryKind = (typeof POINT_ENTRY_KINDS)[number];

export const POINT_ENTRY_NAMES: Record<PointEntryKind, string> = {
  earn: '消费积分',
  redeem: '积分抵现',
  refund_reverse: '退货扣回',
  refund_return: '退货退还',
  expire: '积分过期',
  adjust: '人工调整',
  welcome: '入会赠送',
  exchange: '积分兑换',
  checkin: '签到',
  checkin_makeup: '补签',
  campaign: '活动赠送',
};

export const pointEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(POINT_ENTRY_KINDS),
  kindName: z.string(),
  /** Signed: + earned / returned, − spent / taken back / expired. */
  delta: z.number().int(),
  balanceAfter: z.number().int(),
  /** What a shopper reads: "杭州西湖店 消费 ¥128.00". */
  reason: z.string(),
  storeName: z.string().nullable(),
  createdAt: z.string(),
});
export type PointEntry = z.infer<typeof pointEntrySchema>;

export const pointsOverviewSchema = z.object({
  balance: z.number().int(),
  /** The soonest expiry date among the member's points and how many expire then. */
  expiring: z.object({ points: z.number().int(), date: z.string() }).nullable(),
  /** True when `expiring` falls within the reminder window (30 days by default). */
  expiringSoon: z.boolean(),
  /** "100 积分抵 1 元，每单最多抵 50%（部分商品除外）" */
  redeemRule: z.string(),
  entries: z.array(pointEntrySchema),
  /** Pass as `before` to read older entries; null at the first entry. */
  nextBefore: z.number().int().nullable(),
});
export type PointsOverview = z.infer<typeof pointsOverviewSchema>;

export const pointsPageQuerySchema = z
  .object({
    before: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type PointsPageQuery = z.infer<typeof pointsPageQuerySchema>;

export const tierProgressSchema = z
  .object({
    nextTier: z.enum(TIER_CODES),
    nextTierName: z.string(),
    nextMinGrowth: z.number().int(),
    growthNeeded: z.number().int(),
  })
  .nullable();
export type TierProgress = z.infer<typeof tierProgressSchema>;

export const pointsAdjustmentRequestSchema = z
  .object({
    delta: z
      .number({ error: '调整积分应为整数' })
      .int('调整积分应为整数')
      .min(-10_000_000, '单次调整不能超过 10,000,000 积分')
      .max(10_000_000, '单次调整不能超过 10,000,000 积分')
      .refine((n) => n !== 0, '调整积分不能为 0'),
    reason: z.string({ error: '请填写调整原因' }).trim().min(2, '请填写调整原因（至少 2 个字）').max(200, '调整原因不能超过 200 字'),
    /** Idempotency key chosen by the console, so a double click adjusts once. */
    requestId: z
      .string({ error: '请提供 requestId' })
      .trim()
      .regex(/^[A-Za-z0-9_.:-]{8,64}$/, 'requestId 应为 8–64 位字母、数字或 _ . : -'),
  })
  .strict();
export type PointsAdjustmentRequest = z.infer<typeof pointsAdjustmentRequestSchema>;

export const pointsAdjustmentSchema = z.object({
  id: z.string(),
  memberNo: z.string(),
  delta: z.number().int(),
  balanceAfter: z.number().int(),
  reason: z.string(),
  replayed: z.boolean(),
});
export type PointsAdjustment = z.infer<typeof pointsAdjustmentSchema>;

export const loyaltySettingsSchema = z.object({
  rules: loyaltyRulesSchema,
  version: z.number().int(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type LoyaltySettings = z.infer<typeof loyaltySettingsSchema>;

export const updateLoyaltySettingsRequestSchema = z
  .object({
    rules: loyaltyRulesSchema,
    /** The version read; a concurrent edit makes this a 409 instead of a silent overwrite. */
    version: z.number().int().min(0),
  })
  .strict();
export type UpdateLoyaltySettingsRequest = z.infer<typeof updateLoyaltySettingsRequestSchema>;

export const reconciliationSchema = z.object({
  checkedMembers: z.number().int(),
  mismatches: z.array(
    z.object({
      memberId: z.string(),
      memberNo: z.string(),
      /** Which of the member's accounts does not add up: points, or stored value's principal or bonus. */
      account: z.enum(['points', 'stored_value_principal', 'stored_value_bonus']),
      cachedBalance: z.number().int(),
      ledgerSum: z.number().int(),
      lotsRemaining: z.number().int(),
      lastBalanceAfter: z.number().int().nullable(),
    }),
  ),
  checkedAt: z.string(),
});
export type Reconciliation = z.infer<typeof reconciliationSchema>;

export const createApiKeyRequestSchema = z
  .object({ label: z.string({ error: '请填写用途' }).trim().min(1, '请填写用途').max(64, '用途不能超过 64 个字') })
  .strict();
export type CreateApiKeyRequest = z.infer<typeof createApiKeyRequestSchema>;

export const apiKeySchema = z.object({
  id: z.string(),
  storeId: z.string(),
  label: z.string(),
  /** Shown once, at creation; only its hash is kept. */
  key: z.string().optional(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

export const birthdaySchema = z
  .string({ error: '请选择生日' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, '生日格式应为 YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && s >= '1900-01-01';
  }, '生日不是有效日期');

export const setBirthdayRequestSchema = z.object({ birthday: birthdaySchema }).strict();
export type SetBirthdayRequest = z.infer<typeof setBirthdayRequestSchema>;
