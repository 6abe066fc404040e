import { beforeEach, describe, expect, it, jest } from '@jest/globals'

/*
 * The request layer without a device: Taro is replaced by a stand-in whose request() runs the
 * interceptor the module registers against a canned answer, as Taro's chain would.
 */
type Answer = { statusCode: number; data: unknown } | Error
const taro = {
  interceptor: undefined as undefined | ((chain: unknown) => Promise<unknown>),
  answer: { statusCode: 200, data: {} } as Answer,
  sent: [] as { url: string; header?: Record<string, string> }[],
  storage: new Map<string, unknown>(),
}

jest.mock('@tarojs/taro', () => ({
  __esModule: true,
  default: {
    addInterceptor: (interceptor: (chain: unknown) => Promise<unknown>) => {
      taro.interceptor = interceptor
    },
    request: (params: { url: string; header?: Record<string, string> }) =>
      taro.interceptor!({
        requestParams: params,
        proceed: (sent: { url: string; header?: Record<string, string> }) => {
          taro.sent.push(sent)
          return taro.answer instanceof Error ? Promise.reject(taro.answer) : Promise.resolve(taro.answer)
        },
      }),
    getStorageSync: (key: string) => taro.storage.get(key) ?? '',
    setStorageSync: (key: string, value: unknown) => taro.storage.set(key, value),
    removeStorageSync: (key: string) => taro.storage.delete(key),
  },
}))

;(globalThis as { API_BASE?: string }).API_BASE = 'https://api.example.test/api'

// Loaded after the stand-in and API_BASE are in place.
const { apiRequest, RequestError } = require('./request') as typeof import('./request')
const { errorMessage, formError } = require('./error-message') as typeof import('./error-message')
const { memberNotice, memberSession, staffSession } = require('./session') as typeof import('./session')

async function failure(call: Promise<unknown>): Promise<InstanceType<typeof RequestError>> {
  try {
    await call
  } catch (error) {
    if (error instanceof RequestError) return error
    throw error
  }
  throw new Error('expected a RequestError, the call succeeded')
}

beforeEach(() => {
  taro.sent = []
  taro.storage.clear()
})

describe('answers of the API', () => {
  it('resolves with the JSON of a success, carrying the stored token', async () => {
    staffSession.save({ token: 'staff-token', expiresAt: '2999-01-01T00:00:00Z' })
    taro.answer = { statusCode: 200, data: [{ id: 's1' }] }
    await expect(apiRequest('GET', '/staff/stores')).resolves.toEqual([{ id: 's1' }])
    expect(taro.sent[0]).toMatchObject({ url: 'https://api.example.test/api/staff/stores', header: { Authorization: 'Bearer staff-token' } })
  })

  it('carries the member token to the coupon centre and the points mall too, and neither token elsewhere', async () => {
    memberSession.save({ token: 'member-token', expiresAt: '2999-01-01T00:00:00Z' })
    staffSession.save({ token: 'staff-token', expiresAt: '2999-01-01T00:00:00Z' })
    taro.answer = { statusCode: 200, data: {} }
    for (const path of ['/member/coupons?status=used', '/coupons/center', '/coupons/t1/claim', '/points-mall', '/points-mall/t1/exchange', '/stores/scene/x', '/couponsx', '/staff/coupons/lookup']) {
      await apiRequest('GET', path)
    }
    expect(taro.sent.map((sent) => sent.header?.Authorization)).toEqual([
      ...Array(5).fill('Bearer member-token'),
      undefined,
      undefined,
      'Bearer staff-token',
    ])
  })

  it('turns an error answer into its code, sentence and field issues; a 4xx changed nothing', async () => {
    taro.answer = {
      statusCode: 422,
      data: { statusCode: 422, code: 'REFUND_EXCEEDS_ORDER', message: '退款金额超过可退金额', issues: [{ field: 'amountFen', message: '本单还可退 100 分' }] },
    }
    const error = await failure(apiRequest('POST', '/staff/orders/o1/refund', {}))
    expect(error).toMatchObject({ statusCode: 422, code: 'REFUND_EXCEEDS_ORDER', message: '退款金额超过可退金额', outcomeUnknown: false })
    expect(error.issues).toEqual([{ field: 'amountFen', message: '本单还可退 100 分' }])
    expect(formError(error, ['amountFen'], { REFUND_EXCEEDS_ORDER: 'amountFen' })).toEqual({ fields: { amountFen: '本单还可退 100 分' }, message: '' })
  })

  it('places an error without issues beside the field its code is about', async () => {
    taro.answer = { statusCode: 400, data: { statusCode: 400, code: 'MEMBER_CODE_EXPIRED', message: '会员码已过期，请让顾客刷新会员码' } }
    const error = await failure(apiRequest('POST', '/staff/orders', {}))
    expect(formError(error, ['memberCode'], { MEMBER_CODE_EXPIRED: 'memberCode' })).toEqual({
      fields: { memberCode: '会员码已过期，请让顾客刷新会员码' },
      message: '',
    })
  })

  it('forgets a refused token', async () => {
    staffSession.save({ token: 'old', expiresAt: '2999-01-01T00:00:00Z' })
    taro.answer = { statusCode: 401, data: { statusCode: 401, code: 'TOKEN_INVALID', message: '登录已失效，请重新登录' } }
    const error = await failure(apiRequest('GET', '/staff/me'))
    expect(error.unauthorized).toBe(true)
    expect(staffSession.get()).toBeNull()
  })
})

describe('unexpected answers still read as Chinese', () => {
  it('a gateway error page', async () => {
    taro.answer = { statusCode: 502, data: '<html><body>Bad Gateway</body></html>' }
    const error = await failure(apiRequest('GET', '/member/card'))
    expect(error).toMatchObject({ statusCode: 502, code: 'UNEXPECTED_ANSWER', message: '服务暂时不可用，请稍后再试', outcomeUnknown: true })
  })

  it('a JSON error in English, not the API’s shape', async () => {
    taro.answer = { statusCode: 404, data: { statusCode: 404, error: 'Not Found', message: 'Route GET:/api/x not found' } }
    const error = await failure(apiRequest('GET', '/member/card'))
    expect(error).toMatchObject({ code: 'UNEXPECTED_ANSWER', message: '请求失败（404），请稍后再试', outcomeUnknown: false })
    expect(errorMessage(error)).toBe('请求失败（404），请稍后再试')
  })

  it('a success whose body is not JSON: the outcome is unknown, so a retry keeps its key', async () => {
    taro.answer = { statusCode: 201, data: '<html>portal</html>' }
    const error = await failure(apiRequest('POST', '/staff/orders', {}))
    expect(error).toMatchObject({ statusCode: 201, code: 'UNEXPECTED_ANSWER', message: '服务暂时不可用，请稍后再试', outcomeUnknown: true })
  })

  it('no answer at all', async () => {
    taro.answer = new Error('request:fail timeout')
    const error = await failure(apiRequest('GET', '/member/card'))
    expect(error).toMatchObject({ statusCode: 0, code: 'NETWORK', message: '网络不太顺畅，请检查网络后重试', outcomeUnknown: true })
  })

  it('anything else that goes wrong in a page', () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined)
    expect(errorMessage(new TypeError('x is undefined'))).toBe('出了点问题，请稍后再试')
  })
})

describe('a shopper signed out by the server', () => {
  it('forgets the member token and leaves a Chinese reason for the join page when the token is refused', async () => {
    memberSession.save({ token: 'member-token', expiresAt: '2999-01-01T00:00:00Z' })
    taro.answer = { statusCode: 401, data: { code: 'TOKEN_INVALID', message: '登录已失效，请重新登录' } }
    const error = await failure(apiRequest('GET', '/member/profile'))
    expect(error.signedOut).toBe(true)
    expect(memberSession.get()).toBeNull()
    expect(memberNotice.take()).toContain('其他微信')
    // Read once.
    expect(memberNotice.take()).toBe('')
  })

  it('says the card is closed when it is', async () => {
    memberSession.save({ token: 'member-token', expiresAt: '2999-01-01T00:00:00Z' })
    taro.answer = { statusCode: 403, data: { code: 'MEMBER_CLOSED', message: '会员卡已注销' } }
    const error = await failure(apiRequest('GET', '/member/card'))
    expect(error.signedOut).toBe(true)
    expect(memberSession.get()).toBeNull()
    expect(memberNotice.peek()).toBe('这张会员卡已注销，欢迎重新入会')
  })

  it('leaves the session alone on any other refusal', async () => {
    memberSession.save({ token: 'member-token', expiresAt: '2999-01-01T00:00:00Z' })
    taro.answer = { statusCode: 409, data: { code: 'BIRTHDAY_ALREADY_SET', message: '生日已设置，如需修改请联系门店' } }
    const error = await failure(apiRequest('PUT', '/member/birthday', { birthday: '1990-01-01' }))
    expect(error.signedOut).toBe(false)
    expect(memberSession.get()?.token).toBe('member-token')
    expect(memberNotice.peek()).toBe('')
  })
})
