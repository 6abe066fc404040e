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
