import { z } from 'zod';
import { CAMPAIGN_ARMS, CAMPAIGN_MERGE_FIELDS, LONGEST_MERGE_VALUES, resolveMergeFields, smsParamProblem, templateValueProblem, unknownMergeFields } from '../domain/campaigns';
import { CAMPAIGN_STATUSES } from '../domain/state-machines';

/*
 * Campaigns (issue 13, docs/campaigns.md): a saved segment, the actions each treated member gets
 * (coupons, points, one message), when it runs, the holdout share that gets nothing (the control
 * group) and the coupon budget. A campaign is edited as a draft, then launched; its runs are
 * recorded per member, so progress and results are counts over what happened.
 */

const id = (what: string) => z.string({ error: `${what}应为编号` }).trim().min(1, `请选择${what}`).max(36, `${what}不存在`);

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export const CAMPAIGN_CHANNELS = ['official_account', 'subscribe'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];

export const campaignCouponActionSchema = z
  .object({
    type: z.literal('coupon'),
    templateId: id('优惠券'),
    /** Coupons of the template each treated member gets. */
    quantity: z.number({ error: '张数应为 1 到 10 的整数' }).int('张数应为 1 到 10 的整数').min(1, '张数应为 1 到 10 的整数').max(10, '张数应为 1 到 10 的整数').default(1),
  })
  .strict();

export const campaignPointsActionSchema = z
  .object({
    type: z.literal('points'),
    points: z.number({ error: '积分应为 1 到 100000 的整数' }).int('积分应为 1 到 100000 的整数').min(1, '积分应为 1 到 100000 的整数').max(100_000, '积分应为 1 到 100000 的整数'),
    /** What the member's points history says. */
    reason: z.string({ error: '请填写赠送原因' }).trim().min(1, '请填写赠送原因').max(40, '赠送原因不能超过 40 个字'),
  })
  .strict();

/**
 * One template message. `data` maps the template's keys to values that may hold merge fields
 * (`{memberNo}`, `{points}`, `{tierName}`); each value must fit its key's type (thing ≤ 20 字, number…)
 * with the fields at their longest, so WeChat never refuses it for the data (47003).
 */
export const campaignMessageActionSchema = z
  .object({
    type: z.literal('message'),
    channel: z.enum(CAMPAIGN_CHANNELS, { error: '消息渠道只能是 official_account 或 subscribe' }),
    templateId: z.string({ error: '请填写模板 ID' }).trim().min(1, '请填写模板 ID').max(64, '模板 ID 不能超过 64 个字符'),
    data: z
      .record(z.string().max(32, '模板键名过长'), z.string({ error: '模板内容应为文字' }).max(200, '模板内容过长'), { error: '模板内容应为键值对' })
      .superRefine((data, ctx) => {
        const keys = Object.keys(data);
        if (keys.length === 0 || keys.length > 10) ctx.addIssue({ code: 'custom', message: '模板内容应有 1 到 10 项' });
        for (const key of keys) {
          const unknown = unknownMergeFields(data[key]);
          if (unknown.length > 0) {
            ctx.addIssue({ code: 'custom', path: [key], message: `不认识的字段 {${unknown[0]}}，可用 ${CAMPAIGN_MERGE_FIELDS.map((f) => `{${f}}`).join('、')}` });
            continue;
          }
          const problem = templateValueProblem(key, resolveMergeFields(data[key], LONGEST_MERGE_VALUES));
          if (problem) ctx.addIssue({ code: 'custom', path: [key], message: `${key} ${problem}` });
        }
      }),
  })
  .strict();

/**
 * One SMS (docs/sms.md) with an approved template of the brand's SMS account: `params` fill its
 * {1}…{n} in order and may hold merge fields; each must stay within the provider's variable length
 * (1–20 字) with the fields at their longest. SMS is the last resort: with `fallbackOnly` (the
 * default) it goes only to treated members the campaign's WeChat message cannot reach — not
 * following the official account, or holding no subscribe credit for its template — and to every
 * treated member when the campaign has no WeChat message.
 */
export const campaignSmsActionSchema = z
  .object({
    type: z.literal('sms'),
    templateId: z.string({ error: '请填写短信模板 ID' }).trim().regex(/^\d{1,20}$/, '短信模板 ID 应为数字'),
    params: z
      .array(z.string({ error: '短信变量应为文字' }).max(60, '短信变量过长'), { error: '短信变量应为列表' })
      .min(1, '至少填写一个短信变量')
      .max(10, '短信变量最多 10 个')
      .superRefine((params, ctx) => {
        for (const [index, value] of params.entries()) {
          const unknown = unknownMergeFields(value);
          if (unknown.length > 0) {
            ctx.addIssue({ code: 'custom', path: [index], message: `不认识的字段 {${unknown[0]}}，可用 ${CAMPAIGN_MERGE_FIELDS.map((f) => `{${f}}`).join('、')}` });
            continue;
          }
          const problem = smsParamProblem(resolveMergeFields(value, LONGEST_MERGE_VALUES));
          if (problem) ctx.addIssue({ code: 'custom', path: [index], message: `第 ${index + 1} 个短信变量${problem}` });
        }
      }),
    fallbackOnly: z.boolean({ error: 'fallbackOnly 应为 true 或 false' }).default(true),
  })
  .strict();

export const campaignActionSchema = z.discriminatedUnion('type', [campaignCouponActionSchema, campaignPointsActionSchema, campaignMessageActionSchema, campaignSmsActionSchema], {
  error: '动作类型只能是 coupon、points、message 或 sms',
});
export type CampaignAction = z.infer<typeof campaignActionSchema>;

export const campaignScheduleSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('now') }).strict(),
    z.object({ type: z.literal('at'), at: z.iso.datetime({ offset: true, error: '执行时间应为 ISO 时间，如 2026-12-01T10:00:00+08:00' }) }).strict(),
    /** The day of each month (1–28, so every month has it) at HH:mm Asia/Shanghai; each month is one run. */
    z
      .object({
        type: z.literal('monthly'),
        day: z.number({ error: '每月日期应为 1 到 28' }).int('每月日期应为 1 到 28').min(1, '每月日期应为 1 到 28').max(28, '每月日期应为 1 到 28'),
        time: z.string({ error: '时间格式应为 HH:mm' }).regex(HHMM, '时间格式应为 HH:mm'),
      })
      .strict(),
  ],
  { error: '执行方式只能是 now、at 或 monthly' },
);
export type CampaignSchedule = z.infer<typeof campaignScheduleSchema>;

const campaignFields = {
  name: z.string({ error: '请填写活动名称' }).trim().min(1, '请填写活动名称').max(40, '活动名称不能超过 40 个字'),
  segmentId: id('人群'),
  actions: z
    .array(campaignActionSchema, { error: '动作应为列表' })
    .min(1, '至少添加一个动作')
    .max(10, '最多 10 个动作')
    .refine((actions) => actions.filter((a) => a.type === 'message').length <= 1, '每个活动最多发送一条微信消息')
    .refine((actions) => actions.filter((a) => a.type === 'sms').length <= 1, '每个活动最多发送一条短信'),
  schedule: campaignScheduleSchema,
  /** Share of the audience held out each run (gets nothing, measured as the control group). */
  holdoutPercent: z.number({ error: '对照组比例应为 0 到 50 的整数' }).int('对照组比例应为 0 到 50 的整数').min(0, '对照组比例应为 0 到 50 的整数').max(50, '对照组比例应为 0 到 50 的整数'),
  /** At most this many coupons over the campaign's life; null = no limit. */
  maxCoupons: z.number({ error: '发券上限应为正整数' }).int('发券上限应为正整数').min(1, '发券上限应为正整数').max(100_000_000, '发券上限过大').nullable().default(null),
  /**
   * Frequency cap across campaigns: a member whom another campaign treated within this many days
   * is left out of this run (in either arm, so the comparison stays fair); null = no cap.
   */
  frequencyCapDays: z.number({ error: '频次限制应为 1 到 90 天' }).int('频次限制应为 1 到 90 天').min(1, '频次限制应为 1 到 90 天').max(90, '频次限制应为 1 到 90 天').nullable().default(null),
};

export const createCampaignRequestSchema = z.object(campaignFields).strict();
export type CreateCampaignRequest = z.infer<typeof createCampaignRequestSchema>;

export const updateCampaignRequestSchema = z
  .object({ ...campaignFields, version: z.number({ error: '请带上读取时的版本号 version' }).int('版本号应为整数').min(1, '版本号应为正整数') })
  .strict();
export type UpdateCampaignRequest = z.infer<typeof updateCampaignRequestSchema>;

export const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  segmentId: z.string(),
  actions: z.array(campaignActionSchema),
  schedule: campaignScheduleSchema,
  holdoutPercent: z.number().int(),
  maxCoupons: z.number().int().nullable(),
  frequencyCapDays: z.number().int().nullable(),
  couponsSpent: z.number().int(),
  status: z.enum(CAMPAIGN_STATUSES),
  /** Why it is paused (a marketer, or WeChat's daily quota); null otherwise. */
  pausedReason: z.string().nullable(),
  /** When its next run is due (ISO); null when none is. */
  nextRunAt: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});
export type Campaign = z.infer<typeof campaignSchema>;

export const campaignRunProgressSchema = z.object({
  runNo: z.number().int(),
  /** running until every batch is done. */
  status: z.enum(['running', 'done']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Members materialised so far (both arms). */
  targeted: z.number().int(),
  holdout: z.number().int(),
  /** Members left out because another campaign treated them within frequencyCapDays. */
  capped: z.number().int(),
  couponsGranted: z.number().int(),
  pointsGranted: z.number().int(),
  messages: z.object({
    sent: z.number().int(),
    pending: z.number().int(),
    unreachable: z.number().int(),
    /** Failed sends by WeChat's errcode ("40003"), or "other". */
    failed: z.record(z.string(), z.number().int()),
  }),
  /** The SMS action's texts: sent, waiting (quiet hours, the provider's limits), failed by the provider's code. */
  sms: z.object({
    sent: z.number().int(),
    pending: z.number().int(),
    failed: z.record(z.string(), z.number().int()),
  }),
});
export type CampaignRunProgress = z.infer<typeof campaignRunProgressSchema>;

export const campaignProgressSchema = z.object({
  campaignId: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  pausedReason: z.string().nullable(),
  /** Coupons the budget still allows; null = no limit. */
  budgetLeft: z.number().int().nullable(),
  runs: z.array(campaignRunProgressSchema),
});
export type CampaignProgress = z.infer<typeof campaignProgressSchema>;

export const campaignResultsQuerySchema = z
  .object({
    /** A purchase counts when it came within this many days after the member's run. */
    days: z.coerce.number({ error: '天数应为 1 到 90 的整数' }).int('天数应为 1 到 90 的整数').min(1, '天数应为 1 到 90 的整数').max(90, '天数应为 1 到 90 的整数').default(14),
  })
  .strict();
export type CampaignResultsQuery = z.infer<typeof campaignResultsQuerySchema>;

export const campaignArmResultSchema = z.object({
  arm: z.enum(CAMPAIGN_ARMS),
  members: z.number().int(),
  /** Members a message reached (a WeChat message or an SMS sent). */
  reached: z.number().int(),
  couponsRedeemed: z.number().int(),
  /** Members who purchased within `days` of their run. */
  purchasers: z.number().int(),
  revenueFen: z.number().int(),
});

export const campaignResultsSchema = z.object({
  campaignId: z.string(),
  days: z.number().int(),
  arms: z.array(campaignArmResultSchema),
  /** Treated purchase rate − holdout purchase rate, with its 95% interval (null when an arm is empty). */
  lift: z.object({ treatedRate: z.number(), holdoutRate: z.number(), lift: z.number(), low: z.number().nullable(), high: z.number().nullable() }),
});
export type CampaignResults = z.infer<typeof campaignResultsSchema>;
