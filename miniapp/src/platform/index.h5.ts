import { isChinaMobile } from '@wemember/shared/phone'
import { getPlatformConfig } from '../services/api'
import { request } from '../services/request'
import { MAX_TEMPLATES, PlatformError, type Platform, type SubscribeDecision } from './types'

export * from './types'

/*
 * H5 has no WeChat: the local WeChat sandbox plays it. Its URL comes from GET /api/platform/config
 * and its control API (/__sandbox/…) mints the same one-time codes the real client would get, so
 * the server exchanges them exactly as in production. Taro's own H5 versions of these APIs must
 * never be used: in a production build they "succeed" without a code.
 */

const OPENID_KEY = 'wemember.sandbox-openid'

/** Where the sandbox listens, and which of its mini-programs is ours. */
interface Sandbox {
  url: string
  appid: string
}

let sandboxLookup: Promise<Sandbox> | null = null

function sandbox(): Promise<Sandbox> {
  if (!sandboxLookup) {
    sandboxLookup = getPlatformConfig().then(({ sandboxUrl, appid }) => {
      if (!sandboxUrl) {
        throw new PlatformError('网页版仅用于演示和测试，请在微信中打开小程序')
      }
      return { url: sandboxUrl.replace(/\/+$/, ''), appid }
    })
    // A failed look-up is not kept: the next attempt asks the server again.
    sandboxLookup.catch(() => {
      sandboxLookup = null
    })
  }
  return sandboxLookup
}

/** This browser's WeChat user: an openid made up once and kept in localStorage. */
function sandboxOpenid(): string {
  const stored = localStorage.getItem(OPENID_KEY)
  if (stored) return stored
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const random = crypto.getRandomValues(new Uint8Array(27))
  const openid = 'o' + Array.from(random, (byte) => alphabet[byte % 64]).join('')
  localStorage.setItem(OPENID_KEY, openid)
  return openid
}

/** Asks the sandbox for a one-time code, as the WeChat client would get one from WeChat. */
async function sandboxCode(path: 'login-code' | 'phone-code', body: object): Promise<string> {
  const { url, appid } = await sandbox()
  const { code } = await request<{ code: string }>({ method: 'POST', url: `${url}/__sandbox/${path}`, data: { appid, ...body } })
  return code
}

export const platform: Platform = {
  login() {
    return sandboxCode('login-code', { openid: sandboxOpenid() })
  },

  async getPhoneCode(grant) {
    if (grant.via !== 'typed-number') throw new PlatformError('网页版请输入手机号后授权')
    const phone = grant.phone.trim()
    if (!isChinaMobile(phone)) throw new PlatformError('请输入 11 位中国大陆手机号')
    return sandboxCode('phone-code', { phone })
  },

  async scanCode(typed) {
    const code = typed?.trim()
    if (!code) throw new PlatformError('请输入会员码')
    return code
  },

  async requestPayment(params) {
    // The shopper confirms the payment: the sandbox's user pays the prepay_id, as WeChat does when
    // the shopper confirms wx.requestPayment, and WeChat Pay then notifies the server.
    const prepayId = params.package.replace(/^prepay_id=/, '')
    const { url } = await sandbox()
    try {
      await request({ method: 'POST', url: `${url}/__sandbox/pay`, data: { prepay_id: prepayId } })
    } catch (failure) {
      throw new PlatformError(`支付未完成，请稍后重试（${failure instanceof Error ? failure.message : String(failure)}）`)
    }
  },

  async requestSubscribeMessage(templateIds) {
    if (templateIds.length > MAX_TEMPLATES) throw new PlatformError(`一次最多订阅 ${MAX_TEMPLATES} 种消息`)
    // The sandbox's user taps 允许 for every template: each accept is one send of it to this
    // browser's openid, exactly what WeChat records when the shopper accepts in the dialog.
    const { url, appid } = await sandbox()
    const openid = sandboxOpenid()
    const decisions: Record<string, SubscribeDecision> = {}
    for (const templateId of templateIds) {
      try {
        await request({ method: 'POST', url: `${url}/__sandbox/subscribe-accept`, data: { appid, openid, templateId, times: 1 } })
      } catch (failure) {
        throw new PlatformError(`暂时无法订阅消息（${failure instanceof Error ? failure.message : String(failure)}）`)
      }
      decisions[templateId] = 'accept'
    }
    return decisions
  },
}
