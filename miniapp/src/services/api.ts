import type { API_ROUTES, RouteBody, RouteParams, RouteQuery, RouteResponse } from '@wemember/shared'
import { apiRequest, type Method } from './request'

/*
 * Typed calls of the API. Each call's parameters, query, body and answer are typed by the route's
 * schemas in API_ROUTES (RouteBody, RouteResponse… of @wemember/shared, imported as types only).
 * Methods and paths are written out here ("METHOD /path", short in the bundle) so that zod and the
 * schemas stay out of the bundle; the `satisfies` below makes the compiler reject any drift from
 * API_ROUTES.
 */
type Routes = typeof API_ROUTES
const ROUTES = {
  platformConfig: 'GET /platform/config',
  storeScene: 'GET /stores/scene/:scene',
  memberLogin: 'POST /auth/login',
  memberJoin: 'POST /auth/phone',
  memberCard: 'GET /member/card',
  memberCode: 'GET /member/code',
  memberPoints: 'GET /member/points',
  memberSetBirthday: 'PUT /member/birthday',
  memberAgreements: 'GET /member/agreements',
  memberProfile: 'GET /member/profile',
  memberUpdateProfile: 'PUT /member/profile',
  memberSetAvatar: 'PUT /member/avatar',
  memberClose: 'POST /member/close',
  memberOrders: 'GET /member/orders',
  memberTiers: 'GET /member/tiers',
  memberHomeStore: 'GET /member/store',
  memberCoupons: 'GET /member/coupons',
  memberCoupon: 'GET /member/coupons/:id',
  couponCenter: 'GET /coupons/center',
  couponClaim: 'POST /coupons/:templateId/claim',
  pointsMall: 'GET /points-mall',
  pointsMallExchange: 'POST /points-mall/:templateId/exchange',
  memberExchanges: 'GET /member/exchanges',
  welcomeGift: 'GET /member/welcome-gift',
  memberWallet: 'GET /member/wallet',
  memberCheckIn: 'POST /member/checkins',
  memberCheckins: 'GET /member/checkins',
  memberCheckinMakeUp: 'POST /member/checkins/makeup',
  memberDay: 'GET /member/member-day',
  memberDayClaim: 'POST /member/member-day/claim',
  memberMessageSettings: 'GET /member/messages/settings',
  memberUpdateMessageSettings: 'PUT /member/messages/settings',
  memberSubscribeResults: 'POST /member/messages/subscriptions',
  rechargePackages: 'GET /recharge/packages',
  rechargeCreateOrder: 'POST /recharge/orders',
  rechargeGetOrder: 'GET /recharge/orders/:no',
  memberRechargeOrders: 'GET /member/recharge-orders',
  rechargeRequestRefund: 'POST /recharge/orders/:no/refund-request',
  staffLogin: 'POST /staff/auth/login',
  staffMe: 'GET /staff/me',
  staffResolveMember: 'POST /staff/members/resolve',
  staffStores: 'GET /staff/stores',
  staffQuoteOrder: 'POST /staff/orders/quote',
  staffCreateOrder: 'POST /staff/orders',
  staffListOrders: 'GET /staff/orders',
  staffGetOrder: 'GET /staff/orders/:id',
  staffQuoteRefund: 'POST /staff/orders/:id/refund/quote',
  staffRefundOrder: 'POST /staff/orders/:id/refund',
  staffLookupCoupon: 'POST /staff/coupons/lookup',
  staffRedeemCoupon: 'POST /staff/coupons/redeem',
  staffListRechargeRefunds: 'GET /staff/recharge-refunds',
  staffDecideRechargeRefund: 'POST /staff/recharge-refunds/:id/decision',
  staffListCouponTemplates: 'GET /staff/coupon-templates',
  staffMessageSettings: 'GET /staff/settings/messages',
  staffPreviewSegment: 'POST /staff/segments/preview',
  staffCreateSegment: 'POST /staff/segments',
  staffListSegments: 'GET /staff/segments',
  staffGetSegment: 'GET /staff/segments/:id',
  staffUpdateSegment: 'PUT /staff/segments/:id',
  staffCreateCampaign: 'POST /staff/campaigns',
  staffListCampaigns: 'GET /staff/campaigns',
  staffGetCampaign: 'GET /staff/campaigns/:id',
  staffUpdateCampaign: 'PUT /staff/campaigns/:id',
  staffLaunchCampaign: 'POST /staff/campaigns/:id/launch',
  staffPauseCampaign: 'POST /staff/campaigns/:id/pause',
  staffResumeCampaign: 'POST /staff/campaigns/:id/resume',
  staffCancelCampaign: 'POST /staff/campaigns/:id/cancel',
  staffCampaignProgress: 'GET /staff/campaigns/:id/progress',
  staffCampaignResults: 'GET /staff/campaigns/:id/results',
} as const satisfies { [N in keyof Routes]?: `${Routes[N]['method'] & Method} ${Routes[N]['path']}` }

type RouteName = keyof typeof ROUTES

/** An option a route takes, required (`params`, `body`) or optional (`query`); `never` when it takes none. */
type Option<K extends string, T, Required extends boolean> = [T] extends [undefined]
  ? { [P in K]?: never }
  : Required extends true
    ? { [P in K]: T }
    : { [P in K]?: T }

/** What a call of route `N` sends, each part typed by the route's schemas. */
type CallOptions<N extends RouteName> = Option<'params', RouteParams<N>, true> &
  Option<'query', RouteQuery<N>, false> &
  Option<'body', RouteBody<N>, true> & {
    header?: Record<string, string>
  }

/** The options argument, which may be left out when the route requires none of them. */
type CallArgs<N extends RouteName> = object extends CallOptions<N> ? [options?: CallOptions<N>] : [options: CallOptions<N>]

interface SentOptions {
  /** Values of the path's `:params`. */
  params?: Record<string, string>
  /** Query-string entries; unset ones are left out. */
  query?: Record<string, string | number | undefined>
  body?: object
  header?: Record<string, string>
}

/** Calls route `N`; resolves with its answer as the route's response schema types it. */
function call<N extends RouteName>(route: N, ...[options]: CallArgs<N>): Promise<RouteResponse<N>> {
  // Typed per route by the signature; read here as what goes on the wire.
  const { params = {}, query = {}, body, header } = (options ?? {}) as SentOptions
  const [method, path] = ROUTES[route].split(' ') as [Method, string]
  const filled = path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name]))
  const search = Object.entries(query)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
    .join('&')
  return apiRequest<RouteResponse<N>>(method, search ? `${filled}?${search}` : filled, body, header)
}

export function getPlatformConfig() {
  return call('platformConfig')
}

/** The store behind a store code's `scene` (404 for an unknown code). */
export function getStoreByScene(scene: string) {
  return call('storeScene', { params: { scene } })
}

export function memberLogin(body: RouteBody<'memberLogin'>) {
  return call('memberLogin', { body })
}

/** Joins with an authorised phone number; `loginToken` is the token memberLogin returned. */
export function memberJoin(body: RouteBody<'memberJoin'>, loginToken: string) {
  return call('memberJoin', { body, header: { Authorization: `Bearer ${loginToken}` } })
}

export function getMemberCard() {
  return call('memberCard')
}

export function getMemberCode() {
  return call('memberCode')
}

/** The balance, the soonest expiry and one page of the ledger, newest first; `before` is the previous page's `nextBefore`. */
export function getMemberPoints(page: RouteQuery<'memberPoints'> = {}) {
  return call('memberPoints', { query: page })
}

/** Sets the birthday (once); answers with the updated card. */
export function setMemberBirthday(body: RouteBody<'memberSetBirthday'>) {
  return call('memberSetBirthday', { body })
}

/** The 会员协议 and 隐私政策 in force, read before joining (no login needed). */
export function getAgreements() {
  return call('memberAgreements')
}

export function getMemberProfile() {
  return call('memberProfile')
}

/** Changes the nickname, gender or marketing consent; answers with the updated profile. */
export function updateMemberProfile(body: RouteBody<'memberUpdateProfile'>) {
  return call('memberUpdateProfile', { body })
}

/** Replaces the avatar (JPEG or PNG as base64); answers with the updated profile. */
export function setMemberAvatar(body: RouteBody<'memberSetAvatar'>) {
  return call('memberSetAvatar', { body })
}

/** Closes the card for good: personal data is anonymised, every login of it stops working. */
export function closeMembership(body: RouteBody<'memberClose'>) {
  return call('memberClose', { body })
}

/** One page of the member's e-receipts, newest first; `cursor` is the previous page's `nextCursor`. */
export function getMemberOrders(page: RouteQuery<'memberOrders'> = {}) {
  return call('memberOrders', { query: page })
}

export function getMemberTiers() {
  return call('memberTiers')
}

/** The store the member joined at, or `{ store: null }`. */
export function getHomeStore() {
  return call('memberHomeStore')
}

/** The member's coupons on one tab (可使用 / 已使用 / 已过期), with every tab's count. */
export function getMemberCoupons(query: RouteQuery<'memberCoupons'> = {}) {
  return call('memberCoupons', { query })
}

/** One of the member's coupons, with its code. */
export function getMemberCoupon(id: string) {
  return call('memberCoupon', { params: { id } })
}

/** The coupons the member may claim now, with what is left and how many they hold. */
export function getCouponCenter() {
  return call('couponCenter')
}

/** Claims one coupon of a template; answers with the coupon. */
export function claimCoupon(templateId: string) {
  return call('couponClaim', { params: { templateId } })
}

/** The coupons and gifts priced in points, and the member's balance. */
export function getPointsMall() {
  return call('pointsMall')
}

/** Exchanges points for one coupon; the same `requestId` again answers with the first exchange. */
export function exchangeCoupon(templateId: string, body: RouteBody<'pointsMallExchange'>) {
  return call('pointsMallExchange', { params: { templateId }, body })
}

/** The member's points-mall exchanges, newest first. */
export function getMemberExchanges() {
  return call('memberExchanges')
}

/** What joining gives (points and coupons), asked with the login token before the shopper joins. */
export function getWelcomeGift(loginToken: string) {
  return call('welcomeGift', { header: { Authorization: `Bearer ${loginToken}` } })
}

/** The stored-value balance (本金 + 赠送), the rules and one page of its movements, newest first; `before` is the previous page's `nextBefore`. */
export function checkIn() {
  return call('memberCheckIn')
}

/** 补签: a missed day paid in points. */
export function makeUpCheckin(date: string) {
  return call('memberCheckinMakeUp', { body: { date } })
}

export function getCheckins(query: RouteQuery<'memberCheckins'> = {}) {
  return call('memberCheckins', { query })
}

/** Whether today is member day (会员日), what it gives and the birthday bonus when it applies now. */
export function getMemberDay() {
  return call('memberDay')
}

/** Today's member-day coupons: once per member day; a repeat answers with the same coupons (alreadyClaimed). */
export function claimMemberDayCoupons() {
  return call('memberDayClaim')
}

/** Each kind of message with whether the member wants it, how it would reach them now and the subscribe sends left. */
export function getMessageSettings() {
  return call('memberMessageSettings')
}

/** Turns kinds on or off (kinds left out keep their setting); answers with the settings as they now are. */
export function updateMessageSettings(body: RouteBody<'memberUpdateMessageSettings'>) {
  return call('memberUpdateMessageSettings', { body })
}

/** Reports what wx.requestSubscribeMessage answered: each accept is one more send of that template. */
export function reportSubscribeResults(body: RouteBody<'memberSubscribeResults'>) {
  return call('memberSubscribeResults', { body })
}

export function getWallet(page: RouteQuery<'memberWallet'> = {}) {
  return call('memberWallet', { query: page })
}

/** Today's recharge packages as offered to this member (times left, why one is unavailable) and the balance. */
export function getRechargePackages() {
  return call('rechargePackages')
}

/** Orders a recharge: answers with the order number and what wx.requestPayment takes. */
export function createRechargeOrder(body: RouteBody<'rechargeCreateOrder'>) {
  return call('rechargeCreateOrder', { body })
}

/** One of the member's recharges; while unpaid here the server asks WeChat Pay. */
export function getRechargeOrder(no: string) {
  return call('rechargeGetOrder', { params: { no } })
}

/** The member's recharges, newest first, each with the principal a refund could still give back. */
export function getRechargeOrders() {
  return call('memberRechargeOrders')
}

/** Asks for the unused principal of a recharge back (the bonus goes pro rata); a manager decides. */
export function requestRechargeRefund(no: string, body: RouteBody<'rechargeRequestRefund'>) {
  return call('rechargeRequestRefund', { params: { no }, body })
}

export function staffLogin(body: RouteBody<'staffLogin'>) {
  return call('staffLogin', { body })
}

export function getStaffProfile() {
  return call('staffMe')
}

export function resolveMember(body: RouteBody<'staffResolveMember'>) {
  return call('staffResolveMember', { body })
}

/** The stores the signed-in staff member may record purchases for. */
export function getStaffStores() {
  return call('staffStores')
}

/** Prices a purchase (member discount, points, what the shopper pays) without recording it. */
export function quoteOrder(body: RouteBody<'staffQuoteOrder'>) {
  return call('staffQuoteOrder', { body })
}

/** Records a purchase; sending the same `externalNo` again answers with the first result. */
export function createOrder(body: RouteBody<'staffCreateOrder'>) {
  return call('staffCreateOrder', { body })
}

/** A day's purchases in the staff member's scope (today unless `date`), optionally searched by `q` or one `externalNo`. */
export function listOrders(query: RouteQuery<'staffListOrders'> = {}) {
  return call('staffListOrders', { query })
}

export function getOrder(id: string) {
  return call('staffGetOrder', { params: { id } })
}

/** What refunding that goods value would give back and take back, with nothing recorded. */
export function quoteRefund(id: string, body: RouteBody<'staffQuoteRefund'>) {
  return call('staffQuoteRefund', { params: { id }, body })
}

/** Refunds part or all of a purchase; sending the same `refundNo` again answers with the first result. */
export function refundOrder(id: string, body: RouteBody<'staffRefundOrder'>) {
  return call('staffRefundOrder', { params: { id }, body })
}

/** Whose coupon a scanned or typed code is, what it gives, and whether it can be used at this store now. */
export function lookupCoupon(body: RouteBody<'staffLookupCoupon'>) {
  return call('staffLookupCoupon', { body })
}

/** Redeems a coupon on its own; sending the same `externalNo` again answers with the first redemption. */
export function redeemCoupon(body: RouteBody<'staffRedeemCoupon'>) {
  return call('staffRedeemCoupon', { body })
}

/** Members' requests for recharge refunds in the staff member's scope, newest first. */
export function listRechargeRefunds(query: RouteQuery<'staffListRechargeRefunds'> = {}) {
  return call('staffListRechargeRefunds', { query })
}

/** Approves (the refund goes to WeChat Pay) or rejects (with a reason the member reads) a request. */
export function decideRechargeRefund(id: string, body: RouteBody<'staffDecideRechargeRefund'>) {
  return call('staffDecideRechargeRefund', { params: { id }, body })
}

/** The brand's coupon templates (the campaign editor's picker: active ones). */
export function listCouponTemplates(query: RouteQuery<'staffListCouponTemplates'> = {}) {
  return call('staffListCouponTemplates', { query })
}

/** The brand's notice templates (the campaign editor offers its registered subscribe templates). */
export function getStaffMessageSettings() {
  return call('staffMessageSettings')
}

/** How many members a filter matches now, with up to 10 of them; nothing is saved. */
export function previewSegment(body: RouteBody<'staffPreviewSegment'>) {
  return call('staffPreviewSegment', { body })
}

export function createSegment(body: RouteBody<'staffCreateSegment'>) {
  return call('staffCreateSegment', { body })
}

export function listSegments() {
  return call('staffListSegments')
}

/** A segment with how many members match it now. */
export function getSegment(id: string) {
  return call('staffGetSegment', { params: { id } })
}

/** Saves over the version read: 409 SEGMENT_CONFLICT when someone saved in between. */
export function updateSegment(id: string, body: RouteBody<'staffUpdateSegment'>) {
  return call('staffUpdateSegment', { params: { id }, body })
}

/** A new campaign, as a draft. */
export function createCampaign(body: RouteBody<'staffCreateCampaign'>) {
  return call('staffCreateCampaign', { body })
}

export function listCampaigns() {
  return call('staffListCampaigns')
}

export function getCampaign(id: string) {
  return call('staffGetCampaign', { params: { id } })
}

/** Saves a draft over the version read (409 when someone saved in between, or once launched). */
export function updateCampaign(id: string, body: RouteBody<'staffUpdateCampaign'>) {
  return call('staffUpdateCampaign', { params: { id }, body })
}

/** 启动, 暂停, 继续 or 取消: each answers with the campaign as it now is. */
export function changeCampaign(id: string, move: 'launch' | 'pause' | 'resume' | 'cancel') {
  const route = ({ launch: 'staffLaunchCampaign', pause: 'staffPauseCampaign', resume: 'staffResumeCampaign', cancel: 'staffCancelCampaign' } as const)[move]
  return call(route, { params: { id } })
}

/** Each run's counts so far and the coupon budget left. */
export function getCampaignProgress(id: string) {
  return call('staffCampaignProgress', { params: { id } })
}

/** Per arm over every run: members, reached, redeemed, purchasers within `days`, spend; and the lift. */
export function getCampaignResults(id: string, query: RouteQuery<'staffCampaignResults'> = {}) {
  return call('staffCampaignResults', { params: { id }, query })
}
