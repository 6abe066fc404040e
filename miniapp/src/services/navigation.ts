import Taro from '@tarojs/taro'
import { RequestError } from './request'
import { memberSession } from './session'

/** The pages of the tab bar (app.config.ts): opened with switchTab, never navigateTo. */
export const TAB_PAGES = {
  card: '/pages/card/index',
  points: '/pages/points/index',
  me: '/pages/me/index',
} as const

export function openTab(tab: keyof typeof TAB_PAGES) {
  Taro.switchTab({ url: TAB_PAGES[tab] })
}

/** The coupon pages (the `coupons` subpackage), opened from the card, 积分 and 我的. */
export const COUPON_PAGES = {
  mine: '/coupons/mine/index',
  center: '/coupons/center/index',
  detail: '/coupons/detail/index',
  mall: '/coupons/mall/index',
  exchanges: '/coupons/exchanges/index',
} as const

export function openCouponPage(page: keyof typeof COUPON_PAGES, query = '') {
  Taro.navigateTo({ url: query ? `${COUPON_PAGES[page]}?${query}` : COUPON_PAGES[page] })
}

/** One coupon with its QR code. */
export function openCoupon(id: string) {
  openCouponPage('detail', `id=${encodeURIComponent(id)}`)
}

/** The stored-value pages (the `wallet` subpackage), opened from the card's 余额 and from 我的. */
export const WALLET_PAGES = {
  balance: '/wallet/balance/index',
  recharge: '/wallet/recharge/index',
  result: '/wallet/result/index',
} as const

export function openWalletPage(page: keyof typeof WALLET_PAGES, query = '') {
  Taro.navigateTo({ url: query ? `${WALLET_PAGES[page]}?${query}` : WALLET_PAGES[page] })
}

/** The check-in calendar (the `checkin` subpackage), opened from the card and 我的. */
export function openCheckin() {
  Taro.navigateTo({ url: '/checkin/calendar/index' })
}

/** 消息设置 (the `messages` subpackage), opened from 我的. */
export function openMessageSettings() {
  Taro.navigateTo({ url: '/messages/settings/index' })
}

/** Back to the join page, closing every page (the tab pages too: they need a member). */
export function goJoin() {
  Taro.reLaunch({ url: '/pages/join/index' })
}

/** True when a member is signed in; otherwise sends the shopper to the join page. */
export function requireMember(): boolean {
  if (memberSession.get()) return true
  goJoin()
  return false
}

/** A refused token or a closed card: the shopper must join or sign in again, which the join page does. */
export function leaveIfSignedOut(error: unknown): boolean {
  if (!(error instanceof RequestError && error.signedOut)) return false
  goJoin()
  return true
}
