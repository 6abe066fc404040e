/**
 * What the app needs from WeChat, as one interface with two implementations chosen by Taro's
 * file-suffix rule: index.weapp.ts (the real WeChat APIs) and index.h5.ts (the local WeChat
 * sandbox, so that every page can be driven in a browser). Pages import `platform` from
 * `src/platform` and never call `wx` or `Taro.login` themselves.
 */

/** Detail of the `onGetPhoneNumber` event of `<Button openType='getPhoneNumber'>`. */
export interface PhoneButtonDetail {
  code?: string
  errMsg: string
}

/**
 * How the shopper authorised a phone number: WeChat's own button in the mini-program; in H5, a
 * number typed into the page's stand-in form (the sandbox plays WeChat's consent dialog).
 */
export type PhoneGrant =
  | { via: 'wechat-button'; detail: PhoneButtonDetail }
  | { via: 'typed-number'; phone: string }

/** The parameters of wx.requestPayment, as the server's JSAPI order returns them (WeChat Pay v3). */
export interface PaymentParams {
  timeStamp: string
  nonceStr: string
  package: string
  signType: 'RSA'
  paySign: string
}

/** The shopper's answer for one subscribe-message template. */
export const SUBSCRIBE_DECISIONS = ['accept', 'reject', 'ban', 'filter'] as const
export type SubscribeDecision = (typeof SUBSCRIBE_DECISIONS)[number]

/** wx.requestSubscribeMessage shows at most this many templates in one dialog (docs/wechat.md §E). */
export const MAX_TEMPLATES = 3

/** A platform call that did not give what was asked for. `message` is Chinese, for the user. */
export class PlatformError extends Error {
  constructor(
    message: string,
    /** The user backed out (closed the scanner, refused a dialog): usually not worth a message. */
    readonly cancelled = false,
  ) {
    super(message)
    this.name = 'PlatformError'
  }
}

export interface Platform {
  /** A one-time login code (wx.login) for POST /auth/login. */
  login(): Promise<string>
  /** A one-time phone-number code for POST /auth/phone. */
  getPhoneCode(grant: PhoneGrant): Promise<string>
  /**
   * The content of a scanned code. The mini-program opens the camera; H5 has no scanner and
   * resolves with `typed`, what the clerk entered in the page's input.
   */
  scanCode(typed?: string): Promise<string>
  /** Pays a JSAPI order; resolves once the shopper has paid. */
  requestPayment(params: PaymentParams): Promise<void>
  /**
   * Asks the shopper to accept subscribe messages (at most MAX_TEMPLATES; WeChat opens the dialog
   * only right after a tap or a payment); resolves with the answer per template id.
   */
  requestSubscribeMessage(templateIds: string[]): Promise<Record<string, SubscribeDecision>>
}
