import type { MemberMessageKind, NotificationKind } from '@wemember/shared'

/*
 * Which subscribe-message templates to ask for in one wx.requestSubscribeMessage. WeChat shows at
 * most 3 in one dialog (docs/wechat.md §E), and every call must follow its own tap, so a member
 * with more kinds to turn on is asked for the most useful ones first and offered 「继续开启」.
 */

/** WeChat's limit per call; the server says the same in `maxTemplatesPerRequest`. */
export const WECHAT_MAX_TEMPLATES = 3

/**
 * Most useful first: what moves the member's money and points comes before reminders and
 * greetings.
 */
export const SUBSCRIBE_PRIORITY: readonly NotificationKind[] = [
  'points_changed',
  'balance_changed',
  'coupon_received',
  'points_expiring',
  'coupon_expiring',
  'tier_changed',
  'birthday',
]

function rank(kind: NotificationKind): number {
  const at = SUBSCRIBE_PRIORITY.indexOf(kind)
  return at < 0 ? SUBSCRIBE_PRIORITY.length : at
}

/**
 * The templates a subscribe request could ask for, most useful first and each once (a brand may
 * use one template for two kinds): kinds the member wants, that have a subscribe template, and
 * that do not already reach them through the official account (which needs no credits). Kinds
 * with sends left come after those with none.
 */
export function subscribeCandidates(kinds: readonly MemberMessageKind[], only?: readonly NotificationKind[]): string[] {
  const wanted = kinds
    .filter((k) => k.enabled && k.subscribeTemplateId && k.channel !== 'official_account')
    .filter((k) => !only || only.includes(k.kind))
    .sort((a, b) => Number(a.credits > 0) - Number(b.credits > 0) || rank(a.kind) - rank(b.kind))
  const ids: string[] = []
  for (const kind of wanted) if (!ids.includes(kind.subscribeTemplateId!)) ids.push(kind.subscribeTemplateId!)
  return ids
}

export interface SubscribeBatch {
  /** What to ask for now: at most `max` (and never more than WeChat's 3). */
  templateIds: string[]
  /** How many templates are left for a later 「继续开启」. */
  remaining: number
}

/**
 * The next request: the candidates not yet asked for in this visit (`asked`), at most `max`. When
 * every one has been asked, it starts over: each accept is one more send, so asking again is
 * useful to a member who wants more.
 */
export function nextSubscribeBatch(candidates: readonly string[], asked: ReadonlySet<string>, max: number): SubscribeBatch {
  const size = Math.max(1, Math.min(max, WECHAT_MAX_TEMPLATES))
  const fresh = candidates.filter((id) => !asked.has(id))
  const pool = fresh.length > 0 ? fresh : [...candidates]
  const templateIds = pool.slice(0, size)
  return { templateIds, remaining: pool.length - templateIds.length }
}

/** How one kind reaches the member now, as the settings page says it. */
export function deliveryText(kind: Pick<MemberMessageKind, 'enabled' | 'channel' | 'credits'>): string {
  if (!kind.enabled) return '已关闭'
  if (kind.channel === 'official_account') return '公众号通知'
  if (kind.channel === 'subscribe') return `订阅消息 · 剩 ${kind.credits} 次`
  return '未开启提醒'
}
