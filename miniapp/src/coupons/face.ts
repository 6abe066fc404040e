import type { CouponStatus, MemberCoupon, MemberCouponTab } from '@wemember/shared'
import { daysBetween } from '@wemember/shared/china-time'
import { formatYuan } from '@wemember/shared/money'

/** What a coupon's face shows, big on its left: "¥20", "8.5折" or "赠品", with the condition under it. */
export interface CouponFace {
  value: string
  condition: string
}

interface FaceTerms {
  type: MemberCoupon['type']
  valueFen: number | null
  percentOff: number | null
  thresholdFen: number
}

/** "¥20" for whole yuan, "¥9.90" otherwise. */
function yuan(fen: number): string {
  return formatYuan(fen).replace(/\.00$/, '')
}

export function couponFace(terms: FaceTerms): CouponFace {
  const condition = terms.thresholdFen > 0 ? `满${yuan(terms.thresholdFen).slice(1)}元可用` : '无门槛'
  if (terms.type === 'cash') return { value: yuan(terms.valueFen ?? 0), condition }
  if (terms.type === 'percent') {
    const rate = 100 - (terms.percentOff ?? 0)
    return { value: `${rate % 10 === 0 ? rate / 10 : (rate / 10).toFixed(1)}折`, condition }
  }
  return { value: '赠品', condition: '到店领取' }
}

/** The tabs of 我的券, in order (MEMBER_COUPON_TABS, without the schemas' module in the bundle). */
export const COUPON_TABS = ['usable', 'used', 'expired'] as const satisfies readonly MemberCouponTab[]

export const TAB_NAMES: Record<MemberCouponTab, string> = { usable: '可使用', used: '已使用', expired: '已过期' }

/** The state of a coupon in a shopper's words, for a record or a badge. */
export const STATUS_NAMES: Record<CouponStatus, string> = {
  issued: '可使用',
  locked: '使用中',
  redeemed: '已使用',
  expired: '已过期',
  revoked: '已作废',
}

/**
 * "今天到期", "明天到期", "3 天后过期" for a usable coupon the server flags as ending soon (within
 * 3 days); null for any other.
 */
export function expiryHint(coupon: Pick<MemberCoupon, 'expiringSoon' | 'validTo'>, today: string): string | null {
  if (!coupon.expiringSoon) return null
  const days = daysBetween(today, coupon.validTo)
  if (days <= 0) return '今天到期'
  if (days === 1) return '明天到期'
  return `${days} 天后过期`
}

/** "2026-12-01 至 2026-12-31", or one day: "仅 2026-12-01 当天". */
export function validDates(coupon: Pick<MemberCoupon, 'validFrom' | 'validTo'>): string {
  return coupon.validFrom === coupon.validTo ? `仅 ${coupon.validFrom} 当天` : `${coupon.validFrom} 至 ${coupon.validTo}`
}
