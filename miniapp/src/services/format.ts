import type { OrderCoupon } from '@wemember/shared'
import { formatYuan } from '@wemember/shared/money'

/** Points as a shopper reads them on a receipt: "+1,234" earned, "−500" (a true minus) taken. */
export function signedCount(delta: number, format: (n: number) => string): string {
  return delta < 0 ? `−${format(-delta)}` : `+${format(delta)}`
}

/** "−¥12.30" for an amount taken off a bill (a true minus sign). */
export function minusYuan(fen: number): string {
  return `−${formatYuan(fen)}`
}

/** "¥500" for whole yuan, "¥12.50" otherwise: amounts inside a sentence ("本金 ¥500 + 赠送 ¥50"). */
export function shortYuan(fen: number): string {
  return fen % 100 === 0 ? formatYuan(fen).slice(0, -3) : formatYuan(fen)
}

/** A coupon's line on a bill or receipt: "−¥20.00" off, or for a gift the item handed over ("赠 抽纸一提"). */
export function couponLineValue(coupon: Pick<OrderCoupon, 'type' | 'giftName' | 'discountFen'>): string {
  return coupon.type === 'gift' ? `赠 ${coupon.giftName ?? '礼品'}` : minusYuan(coupon.discountFen)
}

/**
 * Where to load an avatar from: the profile gives a path below the API ("/member/avatars/…", or
 * with the "/api" prefix), which the mini-program must turn into a full URL.
 */
export function avatarSrc(avatarUrl: string | null, apiBase: string): string | null {
  if (!avatarUrl) return null
  if (/^https?:\/\//.test(avatarUrl)) return avatarUrl
  const base = apiBase.replace(/\/+$/, '')
  if (base.endsWith('/api') && avatarUrl.startsWith('/api/')) return base.slice(0, -4) + avatarUrl
  return base + (avatarUrl.startsWith('/') ? avatarUrl : `/${avatarUrl}`)
}

/** How far along from `from` to `to` a figure is, in whole percent (0–100). */
export function percentBetween(value: number, from: number, to: number): number {
  if (to <= from) return 100
  return Math.max(0, Math.min(100, Math.floor(((value - from) * 100) / (to - from))))
}

/** "2倍" for 200, "1.5倍" for 150: a multiplier as a banner says it. */
export function timesText(percent: number): string {
  const times = percent / 100
  return `${Number.isInteger(times) ? times : Number(times.toFixed(2))}倍`
}

/** "9.8折" for 2 % off, "9折" for 10 %. */
export function foldText(offPercent: number): string {
  const rate = (100 - offPercent) / 10
  return `${Number.isInteger(rate) ? rate : rate.toFixed(1)}折`
}

/** What a member day gives, in the banner's words: ["积分2倍", "额外9.8折"]; nothing for a ×1 day without discount. */
export function memberDayPerks(day: { multiplierPercent: number; discountOffPercent: number }): string[] {
  return [
    ...(day.multiplierPercent > 100 ? [`积分${timesText(day.multiplierPercent)}`] : []),
    ...(day.discountOffPercent > 0 ? [`额外${foldText(day.discountOffPercent)}`] : []),
  ]
}
