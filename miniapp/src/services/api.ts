import type {
  API_ROUTES,
  MemberAuthResponse,
  MemberCard,
  MemberCode,
  MemberLoginRequest,
  MemberPhoneRequest,
  MemberSummary,
  PlatformConfig,
  ResolveMemberRequest,
  StaffLoginRequest,
  StaffLoginResponse,
  StaffProfile,
  StoreScene,
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
  staffLogin: { method: 'POST', path: '/staff/auth/login' },
  staffMe: { method: 'GET', path: '/staff/me' },
  staffResolveMember: { method: 'POST', path: '/staff/members/resolve' },
} as const satisfies { [N in keyof Routes]?: Pick<Routes[N], 'method' | 'path'> }

function call<T>(route: keyof typeof ROUTES, body?: object, header?: Record<string, string>): Promise<T> {
  const { method, path } = ROUTES[route]
  return apiRequest<T>(method, path, body, header)
}

export function getPlatformConfig(): Promise<PlatformConfig> {
  return call('platformConfig')
}

/** The store behind a store code's `scene` (404 for an unknown code). */
export function getStoreByScene(scene: string): Promise<StoreScene> {
  return apiRequest('GET', ROUTES.storeScene.path.replace(':scene', encodeURIComponent(scene)))
}

export function memberLogin(body: MemberLoginRequest): Promise<MemberAuthResponse> {
  return call('memberLogin', body)
}

/** Joins with an authorised phone number; `loginToken` is the token memberLogin returned. */
export function memberJoin(body: MemberPhoneRequest, loginToken: string): Promise<MemberAuthResponse> {
  return call('memberJoin', body, { Authorization: `Bearer ${loginToken}` })
}

export function getMemberCard(): Promise<MemberCard> {
  return call('memberCard')
}

export function getMemberCode(): Promise<MemberCode> {
  return call('memberCode')
}

export function staffLogin(body: StaffLoginRequest): Promise<StaffLoginResponse> {
  return call('staffLogin', body)
}

export function getStaffProfile(): Promise<StaffProfile> {
  return call('staffMe')
}

export function resolveMember(body: ResolveMemberRequest): Promise<MemberSummary> {
  return call('staffResolveMember', body)
}
