import Taro from '@tarojs/taro'
import type { WelcomeGift } from '@wemember/shared'

/** A bearer token and the ISO instant it stops working. */
export interface Session {
  token: string
  expiresAt: string
}

export interface SessionStore {
  /** The stored session, or null when there is none or it has expired. */
  get(): Session | null
  save(session: Session): void
  clear(): void
}

function sessionStore(key: string): SessionStore {
  return {
    get() {
      const stored: Session | '' = Taro.getStorageSync(key)
      if (!stored || !stored.token) return null
      if (Date.parse(stored.expiresAt) <= Date.now()) {
        Taro.removeStorageSync(key)
        return null
      }
      return stored
    },
    save({ token, expiresAt }) {
      Taro.setStorageSync(key, { token, expiresAt })
    },
    clear() {
      Taro.removeStorageSync(key)
    },
  }
}

/** The shopper's token once they have joined (a token from login without a member is never stored). */
export const memberSession = sessionStore('wemember.member-session')

/** A store clerk's or manager's token: kept apart so a shared till phone never mixes the two. */
export const staffSession = sessionStore('wemember.staff-session')

const NOTICE_KEY = 'wemember.member-notice'

/**
 * A sentence for the next page the shopper sees, kept across a page change (`reLaunch` carries no
 * state): why they were signed out, or 入会成功 / 欢迎回来 after joining.
 */
export const memberNotice = {
  save(message: string) {
    Taro.setStorageSync(NOTICE_KEY, message)
  },
  /** The saved sentence, kept (the join page shows it until the shopper is back in). */
  peek(): string {
    const message: unknown = Taro.getStorageSync(NOTICE_KEY)
    return typeof message === 'string' ? message : ''
  },
  /** The saved sentence, once: it is forgotten as it is read. */
  take(): string {
    const message: unknown = Taro.getStorageSync(NOTICE_KEY)
    if (message) Taro.removeStorageSync(NOTICE_KEY)
    return typeof message === 'string' ? message : ''
  },
}

const WELCOME_GIFT_KEY = 'wemember.welcome-gift'

/** What joining gave (points and coupons), kept across the reLaunch to the card, which shows it once. */
export const welcomeGiftNotice = {
  save(gift: NonNullable<WelcomeGift>) {
    Taro.setStorageSync(WELCOME_GIFT_KEY, gift)
  },
  take(): NonNullable<WelcomeGift> | null {
    const gift: NonNullable<WelcomeGift> | '' = Taro.getStorageSync(WELCOME_GIFT_KEY)
    if (!gift) return null
    Taro.removeStorageSync(WELCOME_GIFT_KEY)
    return gift
  },
}

const JOIN_PROMPT_KEY = 'wemember.join-subscribe-prompt'

/**
 * The card's 「开启积分变动提醒」 offer after joining: armed by the join page, shown on the card
 * until the shopper accepts or closes it, then never again.
 */
export const joinSubscribePrompt = {
  arm() {
    Taro.setStorageSync(JOIN_PROMPT_KEY, 'due')
  },
  due(): boolean {
    return Taro.getStorageSync(JOIN_PROMPT_KEY) === 'due'
  },
  settle() {
    Taro.removeStorageSync(JOIN_PROMPT_KEY)
  },
}
