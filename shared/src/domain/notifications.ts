/*
 * What a member is told about their card, and how: each kind of notification goes out as an
 * official-account template message when the member follows the account (linked by unionid), else
 * as a mini-program subscribe message when they hold a credit for its template, else not at all
 * (recorded as unreachable). docs/messages.md has the template layouts a brand registers.
 */

export const NOTIFICATION_KINDS = [
  'points_changed',
  'points_expiring',
  'coupon_received',
  'coupon_expiring',
  'balance_changed',
  'tier_changed',
  'birthday',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** What the member reads in the message settings page (消息设置). */
export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
  points_changed: '积分变动',
  points_expiring: '积分即将过期',
  coupon_received: '优惠券到账',
  coupon_expiring: '优惠券即将过期',
  balance_changed: '储值余额变动',
  tier_changed: '会员等级变更',
  birthday: '生日祝福',
};

/** How a notification went (or will go) out. */
export const NOTIFICATION_CHANNELS = ['official_account', 'subscribe'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * A notification's life: `pending` until the sender takes it (not before `notBefore`, which quiet
 * hours and the daily cap push back), then one of the final states: `sent` (WeChat took it; an
 * official-account send later gets its TEMPLATESENDJOBFINISH status), `unreachable` (no follow and
 * no credit), `disabled` (the member turned the kind off), `failed` (WeChat refused it for good, or
 * the retries ran out). `sending` is the sender's claim while WeChat is asked, so two workers never
 * send one notification; a claim left behind by a crash goes back to pending after a few minutes.
 */
export const NOTIFICATION_STATUSES = ['pending', 'sending', 'sent', 'unreachable', 'disabled', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** One subscribe-message answer of wx.requestSubscribeMessage, per template id. */
export const SUBSCRIBE_DECISIONS = ['accept', 'reject', 'ban', 'filter'] as const;
export type SubscribeDecision = (typeof SUBSCRIBE_DECISIONS)[number];

/** wx.requestSubscribeMessage takes at most 3 templates in one call on most clients (docs/wechat.md §E). */
export const MAX_TEMPLATES_PER_REQUEST = 3;

/**
 * What the event that causes a notification records, in the same unit of work as the event
 * (outbox): the sender later lays it out as template data (`templateData`), so a member reads what
 * was true when it happened. Times are ISO instants; dates are Asia/Shanghai YYYY-MM-DD.
 */
export type NotificationPayload =
  | { kind: 'points_changed'; change: number; balance: number; reason: string; at: string }
  | { kind: 'points_expiring'; points: number; expiresOn: string }
  | { kind: 'coupon_received'; couponName: string; count: number; source: string; validTo: string | null }
  | { kind: 'coupon_expiring'; couponName: string; count: number; validTo: string }
  | { kind: 'balance_changed'; changeFen: number; balanceFen: number; reason: string; at: string }
  | { kind: 'tier_changed'; from: string; to: string; at: string }
  | { kind: 'birthday'; gift: string | null; at: string };

/**
 * A campaign's message (docs/campaigns.md): not a notice of the member's card, so not one of
 * NOTIFICATION_KINDS (no member switch, no brand template per kind) — the campaign names the
 * channel and template, and the data is resolved per member when the run reaches them. It rides
 * the same outbox, so quiet hours and the per-member daily cap hold across campaigns and notices.
 */
export interface CampaignMessagePayload {
  kind: 'campaign';
  campaignId: string;
  runNo: number;
  channel: NotificationChannel;
  templateId: string;
  data: Record<string, { value: string }>;
}

/**
 * A campaign's SMS (docs/sms.md): the member's phone is read (decrypted) when it is sent, never kept
 * in the payload; `params` fill the approved template's {1}…{n}, resolved when the run reached the
 * member. Sent through the SMS provider with the notification's dedupe key as its sessionContext.
 */
export interface CampaignSmsPayload {
  kind: 'campaign';
  campaignId: string;
  runNo: number;
  channel: 'sms';
  templateId: string;
  params: string[];
}

