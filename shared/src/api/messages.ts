import { z } from 'zod';
import {
  MAX_TEMPLATES_PER_REQUEST,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  NOTIFICATION_STATUSES,
  SUBSCRIBE_DECISIONS,
} from '../domain/notifications';

/*
 * Telling members what happened on their card (消息通知): the brand's templates, quiet hours and
 * daily cap; each member's choices and subscribe-message credits; the record of every send.
 */

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const templateId = z.string().trim().min(1, '模板 ID 不能为空').max(64, '模板 ID 不能超过 64 个字符');

/** The WeChat templates one kind goes out with; null = that channel is not used for it. */
export const messageTemplateSchema = z
  .object({
    kind: z.enum(NOTIFICATION_KINDS),
    /** The official account's template (模板消息) id. */
    officialTemplateId: templateId.nullable(),
    /** The mini-program's subscribe-message (订阅消息) template id. */
    subscribeTemplateId: templateId.nullable(),
  })
  .strict();
export type MessageTemplate = z.infer<typeof messageTemplateSchema>;

export const messageSettingsBodySchema = z
  .object({
    /** One entry per kind at most; a kind left out is not sent. */
    templates: z
      .array(messageTemplateSchema)
      .max(NOTIFICATION_KINDS.length)
      .refine((list) => new Set(list.map((t) => t.kind)).size === list.length, '每种消息只能设置一次'),
    /** Asia/Shanghai; nothing is sent from `start` until `end` (which may be the next morning); null = none. */
    quietHours: z
      .object({
        start: z.string().regex(HHMM, '时间格式应为 HH:mm'),
        end: z.string().regex(HHMM, '时间格式应为 HH:mm'),
      })
      .strict()
      .refine((q) => q.start !== q.end, '免打扰开始与结束时间不能相同')
      .nullable(),
    /** At most this many messages per member per Shanghai day; later ones wait for the next day. */
    dailyCapPerMember: z.number({ error: '每日上限应为整数' }).int('每日上限应为整数').min(1, '每日上限至少为 1').max(50, '每日上限不能超过 50'),
  })
  .strict();
export type MessageSettingsBody = z.infer<typeof messageSettingsBodySchema>;

export const updateMessageSettingsRequestSchema = messageSettingsBodySchema.extend({ version: z.number().int().min(0) }).strict();
export type UpdateMessageSettingsRequest = z.infer<typeof updateMessageSettingsRequestSchema>;

export const messageSettingsSchema = messageSettingsBodySchema.extend({
  version: z.number().int(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type MessageSettings = z.infer<typeof messageSettingsSchema>;

// The member's side -------------------------------------------------------------------------------

/** One kind as the member's message settings page shows it. */
export const memberMessageKindSchema = z.object({
  kind: z.enum(NOTIFICATION_KINDS),
  label: z.string(),
  /** The member wants it (default on). */
  enabled: z.boolean(),
  /** How it would reach them now: following the account wins, else a subscribe credit; null = it would not. */
  channel: z.enum(NOTIFICATION_CHANNELS).nullable(),
  /** The template to ask for with wx.requestSubscribeMessage; null when the brand has none for this kind. */
  subscribeTemplateId: z.string().nullable(),
  /** Subscribe sends left (one per accept). */
  credits: z.number().int(),
});
export type MemberMessageKind = z.infer<typeof memberMessageKindSchema>;

export const memberMessageSettingsSchema = z.object({
  kinds: z.array(memberMessageKindSchema),
  /** Whether the member follows the brand's official account (so template messages reach them). */
  followsOfficialAccount: z.boolean(),
  quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
  /** At most this many templates per wx.requestSubscribeMessage call. */
  maxTemplatesPerRequest: z.number().int(),
});
export type MemberMessageSettings = z.infer<typeof memberMessageSettingsSchema>;

export const updateMemberMessageSettingsRequestSchema = z
  .object({
    /** Kinds to turn on (true) or off (false); kinds left out keep their setting. */
    kinds: z.partialRecord(z.enum(NOTIFICATION_KINDS), z.boolean({ error: '应为 true 或 false' })),
  })
  .strict();
export type UpdateMemberMessageSettingsRequest = z.infer<typeof updateMemberMessageSettingsRequestSchema>;

/** What wx.requestSubscribeMessage answered, as the miniapp reports it. */
export const subscribeResultsRequestSchema = z
  .object({
    results: z
      .record(templateId, z.enum(SUBSCRIBE_DECISIONS, { error: '应为 accept、reject、ban 或 filter' }))
      .refine((r) => Object.keys(r).length >= 1, '至少包含一个模板的结果')
      .refine((r) => Object.keys(r).length <= 5, '一次最多 5 个模板'),
  })
  .strict();
export type SubscribeResultsRequest = z.infer<typeof subscribeResultsRequestSchema>;

export const MAX_SUBSCRIBE_TEMPLATES = MAX_TEMPLATES_PER_REQUEST;

// The record of sends --------------------------------------------------------------------------------

export const notificationViewSchema = z.object({
  id: z.string(),
  memberId: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  status: z.enum(NOTIFICATION_STATUSES),
  channel: z.enum(NOTIFICATION_CHANNELS).nullable(),
  templateId: z.string().nullable(),
  /** The template data as sent (or as it will be). */
  data: z.record(z.string(), z.object({ value: z.string() })).nullable(),
  attempts: z.number().int(),
  /** WeChat's errcode of the last attempt that failed. */
  lastErrcode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  /** Not sent before this (quiet hours, the daily cap, a retry). */
  notBefore: z.string(),
  /** The official account's TEMPLATESENDJOBFINISH status (`success`, `failed:user block`, `failed: system failed`). */
  finishStatus: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type NotificationView = z.infer<typeof notificationViewSchema>;

export const staffNotificationsQuerySchema = z
  .object({
    memberId: z.string().min(1).max(36).optional(),
    status: z.enum(NOTIFICATION_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type StaffNotificationsQuery = z.infer<typeof staffNotificationsQuerySchema>;

export const staffNotificationsSchema = z.object({ notifications: z.array(notificationViewSchema) });
export type StaffNotifications = z.infer<typeof staffNotificationsSchema>;

/**
 * Tencent Cloud SMS's 短信回复 callback (user replies, e.g. TD to opt out): its JSON as the provider
 * posts it. The provider signs nothing, so the callback URL carries a secret `token` query.
 */
export const smsReplyCallbackSchema = z.object({
  mobile: z.string().regex(/^\d{5,15}$/, 'mobile 须为手机号'),
  nationcode: z.string().regex(/^\d{1,4}$/, 'nationcode 须为国家码'),
  text: z.string().max(500, 'text 过长'),
  sign: z.string().max(40, 'sign 过长').optional(),
  // Seconds; bounded so the instant fits a DATETIME column.
  time: z.number().int('time 须为秒级时间戳').min(0, 'time 须为秒级时间戳').max(4_102_444_800, 'time 须为秒级时间戳'),
  extend: z.string().max(20, 'extend 过长').optional(),
});

export const smsReplyCallbackQuerySchema = z.object({ token: z.string().max(200).optional() });

/** What Tencent Cloud SMS expects back: result 0 acknowledges. */
export const smsReplyCallbackAnswerSchema = z.object({ result: z.number().int(), errmsg: z.string() });
