import type {
  API_ROUTES,
  CreateOrderRequest,
  MemberAuthResponse,
  MemberCard,
  MemberCode,
  MemberLoginRequest,
  MemberPhoneRequest,
  MemberSummary,
  Order,
  OrderQuote,
  OrderQuoteRequest,
  PlatformConfig,
  PointsOverview,
  Refund,
  RefundRequest,
  ResolveMemberRequest,
  SetBirthdayRequest,
  StaffLoginRequest,
  StaffLoginResponse,
  StaffProfile,
  StoreScene,
  StoreSummary,
} from '@wemember/shared'
import { apiRequest } from './request'

/*
 * Typed calls of the API. Paths and methods are written out here so that zod and the schemas stay
 * out of the bundle; the `satisfies` below makes the compiler reject any drift from API_ROUTES.
 */
type Routes = typeof API_ROUTES
const ROUTES = {
  platformConfig: { method: 'GET', path: '/platform/config' },
  storeScene: { method: 'GET', path: '/stores/scene/:scene' },
  memberLogin: { method: 'POST', path: '/auth/login' },
  memberJoin: { method: 'POST', path: '/auth/phone' },
  memberCard: { method: 'GET', path: '/member/card' },
  memberCode: { method: 'GET', path: '/member/code' },
  memberPoints: { method: 'GET', path: '/member/points' },
  memberSetBirthday: { method: 'PUT', path: '/member/birthday' },
  staffLogin: { method: 'POST', path: '/staff/auth/login' },
  staffMe: { method: 'GET', path: '/staff/me' },
  staffResolveMember: { method: 'POST', path: '/staff/members/resolve' },
  staffStores: { method: 'GET', path: '/staff/stores' },
  staffQuoteOrder: { method: 'POST', path: '/staff/orders/quote' },
  staffCreateOrder: { method: 'POST', path: '/staff/orders' },
  staffListOrders: { method: 'GET', path: '/staff/orders' },
  staffGetOrder: { method: 'GET', path: '/staff/orders/:id' },
  staffRefundOrder: { method: 'POST', path: '/staff/orders/:id/refund' },
} as const satisfies { [N in keyof Routes]?: Pick<Routes[N], 'method' | 'path'> }

type RouteName = keyof typeof ROUTES

interface CallOptions {
  /** Values of the path's `:params`. */
  params?: Record<string, string>
  /** Query-string entries; unset ones are left out. */
  query?: Record<string, string | number | undefined>
  body?: object
  header?: Record<string, string>
}

function call<T>(route: RouteName, { params = {}, query = {}, body, header }: CallOptions = {}): Promise<T> {
  const { method, path } = ROUTES[route]
  const filled = path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name]))
  const search = Object.entries(query)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
    .join('&')
  return apiRequest<T>(method, search ? `${filled}?${search}` : filled, body, header)
}

export function getPlatformConfig(): Promise<PlatformConfig> {
  return call('platformConfig')
}

/** The store behind a store code's `scene` (404 for an unknown code). */
export function getStoreByScene(scene: string): Promise<StoreScene> {
  return call('storeScene', { params: { scene } })
}

export function memberLogin(body: MemberLoginRequest): Promise<MemberAuthResponse> {
  return call('memberLogin', { body })
}

/** Joins with an authorised phone number; `loginToken` is the token memberLogin returned. */
export function memberJoin(body: MemberPhoneRequest, loginToken: string): Promise<MemberAuthResponse> {
  return call('memberJoin', { body, header: { Authorization: `Bearer ${loginToken}` } })
}

export function getMemberCard(): Promise<MemberCard> {
  return call('memberCard')
}

export function getMemberCode(): Promise<MemberCode> {
  return call('memberCode')
}

/** The balance, the soonest expiry and one page of the ledger, newest first; `before` is the previous page's `nextBefore`. */
export function getMemberPoints(page: { before?: number; limit?: number } = {}): Promise<PointsOverview> {
  return call('memberPoints', { query: page })
}

/** Sets the birthday (once); answers with the updated card. */
export function setMemberBirthday(body: SetBirthdayRequest): Promise<MemberCard> {
  return call('memberSetBirthday', { body })
}

export function staffLogin(body: StaffLoginRequest): Promise<StaffLoginResponse> {
  return call('staffLogin', { body })
}

export function getStaffProfile(): Promise<StaffProfile> {
  return call('staffMe')
}

export function resolveMember(body: ResolveMemberRequest): Promise<MemberSummary> {
  return call('staffResolveMember', { body })
}

/** The stores the signed-in staff member may record purchases for. */
export function getStaffStores(): Promise<StoreSummary[]> {
  return call('staffStores')
}

/** Prices a purchase (member discount, points, what the shopper pays) without recording it. */
export function quoteOrder(body: OrderQuoteRequest): Promise<OrderQuote> {
  return call('staffQuoteOrder', { body })
}

/** Records a purchase; sending the same `externalNo` again answers with the first result. */
export function createOrder(body: CreateOrderRequest): Promise<Order> {
  return call('staffCreateOrder', { body })
}

/** Recent purchases in the staff member's scope, or those with one receipt number. */
export function listOrders(query: { externalNo?: string; storeId?: string; limit?: number } = {}): Promise<Order[]> {
  return call('staffListOrders', { query })
}

export function getOrder(id: string): Promise<Order> {
  return call('staffGetOrder', { params: { id } })
}

/** Refunds part or all of a purchase; sending the same `refundNo` again answers with the first result. */
export function refundOrder(id: string, body: RefundRequest): Promise<Refund> {
  return call('staffRefundOrder', { params: { id }, body })
}
