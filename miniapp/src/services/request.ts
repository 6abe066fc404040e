import Taro from '@tarojs/taro'
import type { ApiError, ApiErrorCode, FieldIssue } from '@wemember/shared'
import { memberNotice, memberSession, staffSession, type SessionStore } from './session'

/**
 * Failures that carry no code of the API: `NETWORK` when no answer arrived, `UNEXPECTED_ANSWER` for
 * one that is not the API's error shape (a gateway's error page, an English message) or a success
 * whose body cannot be read.
 */
export type ClientErrorCode = 'NETWORK' | 'UNEXPECTED_ANSWER'

/** The code of a RequestError: one of the API's error codes, or one of the app's own. */
export type RequestErrorCode = ApiErrorCode | ClientErrorCode

/** Every failed call rejects with this: `message` is Chinese and meant for the person using the app. */
export class RequestError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or 0 when no answer arrived. */
    readonly statusCode: number,
    /**
     * The API's stable error code (API_ERRORS in @wemember/shared), or the app's own. A newer server
     * may answer with a code this build does not list yet: compare with known codes only.
     */
    readonly code: RequestErrorCode,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message)
    this.name = 'RequestError'
  }

  /** The token was refused: the caller must log in again. */
  get unauthorized(): boolean {
    return this.statusCode === 401
  }

  /** The shopper is signed out: the token was refused, or the card behind it has been closed. */
  get signedOut(): boolean {
    return this.unauthorized || this.code === 'MEMBER_CLOSED'
  }

  /**
   * No answer, or the server failed while answering: the request may or may not have taken
   * effect. Only a 4xx answer says for certain that nothing was recorded.
   */
  get outcomeUnknown(): boolean {
    return !(this.statusCode >= 400 && this.statusCode < 500)
  }
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

interface RequestOptions {
  method: Method
  url: string
  data?: object
  header?: Record<string, string>
}

/** The first segments of the member's routes (the coupon centre, the points mall and recharging as well as /member/…). */
const MEMBER_GROUPS = ['/member', '/coupons', '/points-mall', '/recharge']

/** Which stored token a path of our API carries; mirrors the server's route groups. */
function sessionFor(path: string): SessionStore | null {
  const [group] = path.match(/^\/[^/?]+/) ?? ['']
  if (MEMBER_GROUPS.includes(group)) return memberSession
  if (path.startsWith('/staff/') && !path.startsWith('/staff/auth/')) return staffSession
  return null
}

/** The path below API_BASE, or null for a URL of another service (the WeChat sandbox in H5). */
function apiPath(url: string): string | null {
  return url.startsWith(`${API_BASE}/`) ? url.slice(API_BASE.length) : null
}

function hasAuthorization(header: Record<string, string> | undefined): boolean {
  return !!header && Object.keys(header).some((name) => name.toLowerCase() === 'authorization')
}

/**
 * An answer in the API's error shape: a code of the form API_ERRORS uses and a Chinese message (a
 * proxy's "Bad Gateway" is not shown to people). Only the form is checked, not the list of codes,
 * which would bring the whole table into the bundle.
 */
function isApiError(body: unknown): body is ApiError {
  const { code, message } = (body ?? {}) as Partial<Record<keyof ApiError, unknown>>
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) && typeof message === 'string' && /[\u4e00-\u9fff]/.test(message)
}

function errorFromResponse(statusCode: number, body: unknown): RequestError {
  if (isApiError(body)) {
    return new RequestError(body.message, statusCode, body.code, Array.isArray(body.issues) ? body.issues : [])
  }
  // Not the API's answer, or not one that can be read: a sentence by status.
  const message = statusCode < 400 || statusCode >= 500 ? '服务暂时不可用，请稍后再试' : `请求失败（${statusCode}），请稍后再试`
  return new RequestError(message, statusCode, 'UNEXPECTED_ANSWER')
}

/**
 * The one interceptor every request goes through: it adds the right bearer token to calls of our
 * API, turns any non-2xx answer or network failure into a RequestError, and forgets a token the
 * server refused (401) so the next page load asks for a fresh login.
 */
Taro.addInterceptor((chain: Taro.Chain) => {
  const params = chain.requestParams
  const path = apiPath(params.url)
  const session = path ? sessionFor(path) : null
  const token = session?.get()?.token
  if (token && !hasAuthorization(params.header)) {
    params.header = { ...params.header, Authorization: `Bearer ${token}` }
  }
  return chain.proceed(params).then(
    (res: Taro.request.SuccessCallbackResult) => {
      if (res.statusCode >= 200 && res.statusCode < 300) return res
      const error = errorFromResponse(res.statusCode, res.data)
      if (res.statusCode === 401 && session) session.clear()
      if (session === memberSession && token && error.signedOut) {
        // Whichever page asked next sends the shopper to the join page, which says why.
        session.clear()
        memberNotice.save(error.code === 'MEMBER_CLOSED' ? SIGNED_OUT_CLOSED : SIGNED_OUT)
      }
      throw error
    },
    (failure: unknown) => {
      if (failure instanceof RequestError) throw failure
      throw new RequestError('网络不太顺畅，请检查网络后重试', 0, 'NETWORK')
    },
  )
})

/** Why a shopper's login stopped working: it expired, or the phone number was verified on another WeChat. */
const SIGNED_OUT = '登录已失效（会员卡可能已在其他微信上登录），请重新授权手机号'
const SIGNED_OUT_CLOSED = '这张会员卡已注销，欢迎重新入会'

function send<T>({ method, url, data, header }: RequestOptions) {
  return Taro.request<T>({
    method,
    url,
    data,
    header: data ? { 'Content-Type': 'application/json', ...header } : header,
    dataType: 'json',
    timeout: 15000,
  })
}

/** Calls a URL and resolves with its JSON body; rejects with a RequestError. */
export async function request<T>(options: RequestOptions): Promise<T> {
  return (await send<T>(options)).data
}

/**
 * Calls a path of our API (below API_BASE). Every route answers with a JSON object or list: a
 * success with anything else (a captive portal's page, a cut-off body) rejects too, with its
 * outcome unknown.
 */
export async function apiRequest<T>(method: Method, path: string, data?: object, header?: Record<string, string>): Promise<T> {
  const res = await send<T>({ method, url: `${API_BASE}${path}`, data, header })
  if (!res.data || typeof res.data !== 'object') throw errorFromResponse(res.statusCode, res.data)
  return res.data
}
