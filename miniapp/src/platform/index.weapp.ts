import Taro from '@tarojs/taro'
import { MAX_TEMPLATES, PlatformError, SUBSCRIBE_DECISIONS, type Platform, type SubscribeDecision } from './types'

export * from './types'

function errMsgOf(failure: unknown): string {
  return (failure as { errMsg?: string } | null)?.errMsg ?? String(failure)
}

/** WeChat reports a user backing out as `…:fail cancel` or `…:fail user deny`. */
function isCancel(errMsg: string): boolean {
  return /cancel|deny/i.test(errMsg)
}

export const platform: Platform = {
  async login() {
    try {
      const { code } = await Taro.login()
      if (code) return code
    } catch (failure) {
      console.warn('wx.login failed', errMsgOf(failure))
    }
    throw new PlatformError('微信登录失败，请检查网络后重试')
  },

  async getPhoneCode(grant) {
    if (grant.via !== 'wechat-button') {
      throw new PlatformError('请点击「微信手机号一键入会」按钮授权手机号')
    }
    const { code, errMsg } = grant.detail
    if (code) return code
    if (isCancel(errMsg)) throw new PlatformError('授权手机号后即可入会，会员卡就是你的手机号', true)
    throw new PlatformError(`暂时无法获取手机号，请稍后重试（${errMsg}）`)
  },

  async scanCode() {
    try {
      const { result } = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode', 'barCode'] })
      return result
    } catch (failure) {
      const errMsg = errMsgOf(failure)
      if (isCancel(errMsg)) throw new PlatformError('已取消扫码', true)
      throw new PlatformError(`扫码失败，请重试（${errMsg}）`)
    }
  },

  async requestPayment(params) {
    try {
      await Taro.requestPayment(params)
    } catch (failure) {
      const errMsg = errMsgOf(failure)
      if (isCancel(errMsg)) throw new PlatformError('已取消支付', true)
      throw new PlatformError(`支付未完成，请稍后重试（${errMsg}）`)
    }
  },

  async requestSubscribeMessage(templateIds) {
    if (templateIds.length === 0) return {}
    // WeChat refuses a dialog of more than 3 templates (errCode 20003): callers ask in batches.
    if (templateIds.length > MAX_TEMPLATES) throw new PlatformError(`一次最多订阅 ${MAX_TEMPLATES} 种消息`)
    let answers: Record<string, unknown>
    try {
      // Resolves only on success, with one `templateId: decision` entry per template (and errMsg).
      answers = (await Taro.requestSubscribeMessage({ tmplIds: templateIds, entityIds: [] })) as Record<string, unknown>
    } catch (failure) {
      const errMsg = errMsgOf(failure)
      // 20004: the shopper switched off subscribe messages in WeChat's settings for this mini-program.
      if (/20004|switched off|main switch/i.test(errMsg)) {
        throw new PlatformError('你已在微信中关闭了本小程序的订阅消息，请在右上角「…」›「设置」›「订阅消息」中打开')
      }
      throw new PlatformError(`暂时无法订阅消息（${errMsg}）`)
    }
    // An answer WeChat may add later, or none at all, counts as not accepted.
    const decisions: Record<string, SubscribeDecision> = {}
    for (const id of templateIds) {
      const answer = answers[id]
      decisions[id] = typeof answer === 'string' && (SUBSCRIBE_DECISIONS as readonly string[]).includes(answer) ? (answer as SubscribeDecision) : 'reject'
    }
    return decisions
  },
}
