import Taro from '@tarojs/taro'
import { chinaDateTime } from '@wemember/shared/china-time'
import { TIER_NAMES } from '@wemember/shared/tiers'
import type { API_ROUTES, CampaignAction, CampaignChannel, CampaignMergeField, CampaignSchedule, CampaignStatus, LifecycleStage, RfmClass, SegmentFilter, StaffRole, TierCode } from '@wemember/shared'

/* The marketing console (issue 13): 人群 and 营销活动, for HQ admins and marketers. */

/** The roles the campaign routes take (the routes' own list): HQ admins and marketers. */
type MarketingRole = (typeof API_ROUTES)['staffListCampaigns']['roles'][number]
const MARKETING: Record<MarketingRole, true> = { hq_admin: true, marketer: true }

export function mayMarket(role: StaffRole): boolean {
  return Object.prototype.hasOwnProperty.call(MARKETING, role)
}

export const CONSOLE_PAGES = {
  campaigns: '/staff/campaigns/index',
  campaign: '/staff/campaign/index',
  campaignEdit: '/staff/campaign-edit/index',
  segments: '/staff/segments/index',
  segment: '/staff/segment/index',
} as const

/** Opens a console page above this one (back returns here). */
export function openConsole(page: keyof typeof CONSOLE_PAGES, query: Record<string, string> = {}) {
  const search = Object.entries(query)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&')
  Taro.navigateTo({ url: search ? `${CONSOLE_PAGES[page]}?${search}` : CONSOLE_PAGES[page] })
}

/** Switches to one of the console's sections (replacing this page, so the stack stays short). */
export function switchConsole(page: 'campaigns' | 'segments') {
  Taro.redirectTo({ url: CONSOLE_PAGES[page] })
}

/** Lifecycle stage names (LIFECYCLE_STAGE_NAMES of @wemember/shared, which would bring zod into the bundle). */
export const STAGE_NAMES: Record<LifecycleStage, string> = {
  new: '新会员',
  active: '活跃会员',
  recently_lapsed: '近期流失会员',
  lapsed: '中期流失会员',
  dormant: '休眠会员',
}

export const CLASS_NAMES: Record<RfmClass, string> = {
  A: 'A 类（R/F/M 都高）',
  B: 'B 类（两项高）',
  C: 'C 类（一项高）',
  D: 'D 类（都不高或未消费）',
}

export const STATUS_NAMES: Record<CampaignStatus, string> = {
  draft: '草稿',
  scheduled: '待执行',
  running: '执行中',
  paused: '已暂停',
  completed: '已完成',
  cancelled: '已取消',
}

/** The merge fields a message or SMS may hold (CAMPAIGN_MERGE_FIELDS), with what each becomes. */
export const MERGE_FIELDS: Record<CampaignMergeField, string> = {
  memberNo: '会员号',
  points: '积分余额',
  tierName: '等级名称',
}

export function tierLabel(tier: TierCode): string {
  return TIER_NAMES[tier]
}

const flagText = (value: boolean | undefined, yes: string, no: string) => (value === undefined ? [] : [value ? yes : no])

/** A segment's filter in a few words each, for the list and the campaign editor's picker. */
export function describeFilter(filter: SegmentFilter, storeName: (id: string) => string = (id) => id, regionName: (id: string) => string = (id) => id): string[] {
  const range = (min: number | string | undefined, max: number | string | undefined, unit: string) =>
    min !== undefined && max !== undefined ? `${min}–${max}${unit}` : min !== undefined ? `≥ ${min}${unit}` : `≤ ${max}${unit}`
  const parts: string[] = []
  if (filter.stages?.length) parts.push(filter.stages.map((s) => STAGE_NAMES[s]).join('/'))
  if (filter.stageChangedFrom || filter.stageChangedTo) {
    parts.push(`${filter.stageChangedWithinDays ? `近 ${filter.stageChangedWithinDays} 天` : ''}${filter.stageChangedFrom ? STAGE_NAMES[filter.stageChangedFrom] : '任意阶段'}→${filter.stageChangedTo ? STAGE_NAMES[filter.stageChangedTo] : '任意阶段'}`)
  }
  for (const [key, letter] of [
    ['rScores', 'R'],
    ['fScores', 'F'],
    ['mScores', 'M'],
  ] as const) {
    if (filter[key]?.length) parts.push(`${letter}=${filter[key]!.join('/')}`)
  }
  if (filter.classes?.length) parts.push(`${filter.classes.join('/')} 类`)
  if (filter.tiers?.length) parts.push(filter.tiers.map(tierLabel).join('/'))
  if (filter.storeIds?.length) parts.push(`开卡门店 ${filter.storeIds.map(storeName).join('、')}`)
  if (filter.regionIds?.length) parts.push(`区域 ${filter.regionIds.map(regionName).join('、')}`)
  if (filter.lastPurchaseDaysMin !== undefined || filter.lastPurchaseDaysMax !== undefined) {
    parts.push(`距上次消费 ${range(filter.lastPurchaseDaysMin, filter.lastPurchaseDaysMax, ' 天')}`)
  }
  if (filter.joinedFrom || filter.joinedTo) parts.push(`入会 ${filter.joinedFrom ?? '…'} 至 ${filter.joinedTo ?? '…'}`)
  if (filter.birthdayMonths?.length) parts.push(`${filter.birthdayMonths.join('、')} 月生日`)
  if (filter.pointsMin !== undefined || filter.pointsMax !== undefined) parts.push(`积分 ${range(filter.pointsMin, filter.pointsMax, '')}`)
  if (filter.usedCoupon !== undefined) {
    parts.push(`${filter.couponsUsedWithinDays ? `近 ${filter.couponsUsedWithinDays} 天` : ''}${filter.usedCoupon ? '用过券' : '没用过券'}`)
  }
  parts.push(...flagText(filter.hasUsableCoupon, '有可用券', '无可用券'))
  parts.push(...flagText(filter.followsOfficialAccount, '关注公众号', '未关注公众号'))
  parts.push(...flagText(filter.hasSubscribeCredits, '有订阅消息次数', '无订阅消息次数'))
  if (filter.marketingAllowed === false) parts.push('含未同意营销消息的会员')
  return parts.length ? parts : ['全部会员']
}

/** When a campaign runs, in words: 立即执行, 定时 2026-12-01 10:00, 每月 1 日 10:00. */
export function describeSchedule(schedule: CampaignSchedule): string {
  if (schedule.type === 'now') return '启动后立即执行'
  if (schedule.type === 'at') return `定时 ${chinaDateTime(new Date(schedule.at))}`
  return `每月 ${schedule.day} 日 ${schedule.time}`
}

export const CHANNEL_NAMES: Record<CampaignChannel, string> = {
  official_account: '公众号模板消息',
  subscribe: '小程序订阅消息',
}

/** What one action gives, in words; `couponName` names a template by its id. */
export function describeAction(action: CampaignAction, couponName: (id: string) => string = (id) => id): string {
  switch (action.type) {
    case 'coupon':
      return `发券：${couponName(action.templateId)} × ${action.quantity ?? 1}`
    case 'points':
      return `送 ${action.points} 积分（${action.reason}）`
    case 'message':
      return `${CHANNEL_NAMES[action.channel]}：模板 ${action.templateId}`
    case 'sms':
      return `短信：模板 ${action.templateId}${action.fallbackOnly === false ? '（发给全部实验组）' : '（只发给微信消息触达不到的会员）'}`
  }
}
