import { z } from 'zod';
import { LIFECYCLE_STAGES, RFM_CLASSES } from '../domain/rfm';
import { TIER_CODES } from '../domain/tiers';

/**
 * Audiences (issue 13): a segment is a saved filter over the brand's members, not a frozen list —
 * a campaign materialises it when it runs. Every criterion is optional and they all hold together
 * (AND); within a list any value matches (OR). Always implied: active cards only, and by default
 * only members marketing may reach (consent given, no SMS opt-out). An empty list is the same as
 * leaving the criterion out. docs/domain.md, "Audiences".
 */

const MAX_DAYS = 3650;
const MAX_POINTS = 1_000_000_000;

const days = (what: string, min = 0) =>
  z
    .number({ error: `${what}应为整数天` })
    .int(`${what}应为整数天`)
    .min(min, `${what}不能小于 ${min} 天`)
    .max(MAX_DAYS, `${what}不能超过 ${MAX_DAYS} 天`);

const list = <T extends z.ZodType>(what: string, item: T, max: number) =>
  z.array(item, { error: `${what}应为列表` }).max(max, `${what}最多 ${max} 项`).optional();

const oneOf = <const V extends readonly [string, ...string[]]>(what: string, values: V) =>
  z.enum(values, { error: `${what}只能是 ${values.join('、')}` });

const score = z
  .number({ error: 'RFM 分值应为 1 到 5 的整数' })
  .int('RFM 分值应为 1 到 5 的整数')
  .min(1, 'RFM 分值应为 1 到 5 的整数')
  .max(5, 'RFM 分值应为 1 到 5 的整数');

const id = (what: string) => z.string({ error: `${what}应为编号` }).min(1, `${what}不能为空`).max(36, `${what}不存在`);

const date = (what: string) =>
  z
    .string({ error: `${what}应为日期` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${what}格式应为 YYYY-MM-DD`)
    .refine((value) => {
      const at = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === value && value >= '1900-01-01' && value <= '2099-12-31';
    }, `${what}不是有效日期`);

const flag = (what: string) => z.boolean({ error: `${what}应为 true 或 false` });

export const segmentFilterSchema = z
  .object({
    /** Last night's lifecycle stage. */
    stages: list('生命周期阶段', oneOf('生命周期阶段', LIFECYCLE_STAGES), LIFECYCLE_STAGES.length),
    /** A stage change (member_stage_changes) from / to these stages, on or after today − N days. */
    stageChangedFrom: oneOf('阶段变化前', LIFECYCLE_STAGES).optional(),
    stageChangedTo: oneOf('阶段变化后', LIFECYCLE_STAGES).optional(),
    stageChangedWithinDays: days('阶段变化天数', 1).optional(),
    rScores: list('R 分值', score, 5),
    fScores: list('F 分值', score, 5),
    mScores: list('M 分值', score, 5),
    classes: list('客户分类', oneOf('客户分类', RFM_CLASSES), RFM_CLASSES.length),
    tiers: list('会员等级', oneOf('会员等级', TIER_CODES), TIER_CODES.length),
    /** Home store: the store the member joined at. */
    storeIds: list('门店', id('门店'), 200),
    /** The home store's region. */
    regionIds: list('区域', id('区域'), 50),
    /** Days since the last purchase not refunded in full (members who never bought do not match). */
    lastPurchaseDaysMin: days('距上次消费最少天数').optional(),
    lastPurchaseDaysMax: days('距上次消费最多天数').optional(),
    /** The Shanghai dates the member joined between, inclusive. */
    joinedFrom: date('入会开始日期').optional(),
    joinedTo: date('入会结束日期').optional(),
    birthdayMonths: list(
      '生日月份',
      z.number({ error: '生日月份应为 1 到 12' }).int('生日月份应为 1 到 12').min(1, '生日月份应为 1 到 12').max(12, '生日月份应为 1 到 12'),
      12,
    ),
    pointsMin: z.number({ error: '最少积分应为整数' }).int('最少积分应为整数').min(0, '最少积分不能为负数').max(MAX_POINTS, '最少积分过大').optional(),
    pointsMax: z.number({ error: '最多积分应为整数' }).int('最多积分应为整数').min(0, '最多积分不能为负数').max(MAX_POINTS, '最多积分过大').optional(),
    /** Redeemed a coupon (true) or none (false), within the last N days when `couponsUsedWithinDays` is set, else ever. */
    usedCoupon: flag('是否用过券').optional(),
    couponsUsedWithinDays: days('用券天数', 1).optional(),
    /** Holds a coupon usable today (issued, within its dates). */
    hasUsableCoupon: flag('是否有可用券').optional(),
    /** Follows the brand's official account (linked by unionid). */
    followsOfficialAccount: flag('是否关注公众号').optional(),
    /** Has at least one mini-program subscribe message credit. */
    hasSubscribeCredits: flag('是否有订阅消息次数').optional(),
    /** true (the default): only members who accepted offers and never opted out of SMS; false: every active card. */
    marketingAllowed: flag('仅限接收营销消息的会员').optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    const order = (min: number | string | undefined, max: number | string | undefined, path: string, message: string) => {
      if (min !== undefined && max !== undefined && min > max) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    order(f.lastPurchaseDaysMin, f.lastPurchaseDaysMax, 'lastPurchaseDaysMax', '距上次消费最多天数不能小于最少天数');
    order(f.joinedFrom, f.joinedTo, 'joinedTo', '入会结束日期不能早于开始日期');
    order(f.pointsMin, f.pointsMax, 'pointsMax', '最多积分不能小于最少积分');
    if (f.couponsUsedWithinDays !== undefined && f.usedCoupon === undefined) {
      ctx.addIssue({ code: 'custom', path: ['usedCoupon'], message: '填写了用券天数时，请选择是否用过券' });
    }
    if (f.stageChangedFrom !== undefined && f.stageChangedFrom === f.stageChangedTo) {
      ctx.addIssue({ code: 'custom', path: ['stageChangedTo'], message: '阶段变化前后不能相同' });
    }
  });
export type SegmentFilter = z.infer<typeof segmentFilterSchema>;

const filterField = segmentFilterSchema.default({});

export const segmentPreviewRequestSchema = z.object({ filter: filterField }).strict();
export type SegmentPreviewRequest = z.infer<typeof segmentPreviewRequestSchema>;

export const segmentSampleMemberSchema = z.object({
  memberNo: z.string(),
  phoneMasked: z.string(),
  tier: z.enum(TIER_CODES),
  /** Last night's stage; null before the member's first scoring. */
  stage: z.enum(LIFECYCLE_STAGES).nullable(),
});
export type SegmentSampleMember = z.infer<typeof segmentSampleMemberSchema>;

export const segmentPreviewSchema = z.object({
  /** Members matching now. */
  count: z.number().int(),
  /** Up to 10 of them (the first in the index's order, a sample rather than a ranking). */
  sample: z.array(segmentSampleMemberSchema),
});
export type SegmentPreview = z.infer<typeof segmentPreviewSchema>;

const name = z
  .string({ error: '请填写人群名称' })
  .trim()
  .min(1, '请填写人群名称')
  .max(40, '人群名称不能超过 40 个字');

export const createSegmentRequestSchema = z.object({ name, filter: filterField }).strict();
export type CreateSegmentRequest = z.infer<typeof createSegmentRequestSchema>;

export const updateSegmentRequestSchema = z
  .object({
    name,
    filter: filterField,
    /** The version the editor read: a save over another's change is a 409. */
    version: z.number({ error: '请带上读取时的版本号 version' }).int('版本号应为整数').min(1, '版本号应为正整数'),
  })
  .strict();
export type UpdateSegmentRequest = z.infer<typeof updateSegmentRequestSchema>;

export const segmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  filter: segmentFilterSchema,
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});
export type Segment = z.infer<typeof segmentSchema>;

/** A segment with how many members match it now (the single segment's read). */
export const segmentWithCountSchema = segmentSchema.extend({ count: z.number().int() });
export type SegmentWithCount = z.infer<typeof segmentWithCountSchema>;
