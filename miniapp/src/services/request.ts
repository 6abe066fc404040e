import Taro from '@tarojs/taro'
import type { ApiError, FieldIssue } from '@wemember/shared'
import { memberSession, staffSession, type SessionStore } from './session'

/** Every failed call rejects with this: `message` is Chinese and meant for the person using the app. */
export class RequestError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or 0 when no answer arrived. */
    readonly statusCode: number,
    /** The API's stable error code (`NETWORK` when no answer arrived). */
    readonly code: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message)
    this.name = 'RequestError'
  }

  /** The token was refused: the caller must log in again. */
  get unauthorized(): boolean {
    return this.statusCode === 401
  }

  /**
   * No answer, or the server failed while answering: the request may or may not have taken
   * effect. Only a 4xx answer says for certain that nothing was recorded.
   */
  get outcomeUnknown(): boolean {
    return this.statusCode === 0 || this.statusCode >= 500
  }
}

export type Method = 'GET' | 'POST' | 'PUT'

interface RequestOptions {
  method: Method
  url: string
  data?: object
  header?: Record<string, string>
}

/** Which stored token a path of our API carries; mirrors the server's route groups. */
function sessionFor(path: string): SessionStore | null {
  if (path.startsWith('/member/')) return memberSession
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

function isApiError(body: unknown): body is ApiError {
  return !!body && typeof body === 'object' && typeof (body as ApiError).message === 'string'
}

function errorFromResponse(statusCode: number, body: unknown): RequestError {
  if (isApiError(body)) {
    return new RequestError(body.message, statusCode, body.code ?? `HTTP_${statusCode}`, body.issues ?? [])
  }
  const message = statusCode >= 500 ? '服务暂时不可用，请稍后再试' : `请求失败（${statusCode}），请稍后再试`
  return new RequestError(message, statusCode, `HTTP_${statusCode}`)
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
      if (res.statusCode === 401 && session) session.clear()
      throw errorFromResponse(res.statusCode, res.data)
    },
    (failure: unknown) => {
      if (failure instanceof RequestError) throw failure
      throw new RequestError('网络不太顺畅，请检查网络后重试', 0, 'NETWORK')
    },
  )
})

/** Calls a URL and resolves with its JSON body; rejects with a RequestError. */
export async function request<T>({ method, url, data, header }: RequestOptions): Promise<T> {
  const res = await Taro.request<T>({
    method,
    url,
    data,
    header: data ? { 'Content-Type': 'application/json', ...header } : header,
    dataType: 'json',
    timeout: 15000,
  })
  return res.data
}

/** Calls a path of our API (below API_BASE). */
export function apiRequest<T>(method: Method, path: string, data?: object, header?: Record<string, string>): Promise<T> {
  return request<T>({ method, url: `${API_BASE}${path}`, data, header })
}
