import { z } from 'zod';
import { STAFF_ROLES, type StaffRole } from '../domain/staff-roles';
import { memberAuthResponseSchema, memberJoinResponseSchema, memberLoginRequestSchema, memberPhoneRequestSchema } from './auth';
import {
  agreementsSchema,
  closeMembershipRequestSchema,
  closeMembershipSchema,
  homeStoreSchema,
  memberOrdersQuerySchema,
  memberOrdersSchema,
  memberProfileSchema,
  memberTiersSchema,
  setAvatarRequestSchema,
  updateProfileRequestSchema,
} from './member-centre';
import { memberCardSchema, memberCodeSchema } from './member';
import {
  couponCenterSchema,
  couponRedemptionSchema,
  couponStatsQuerySchema,
  couponStatsSchema,
  couponTemplateSchema,
  createCouponTemplateRequestSchema,
  exchangeRequestSchema,
  exchangeResultSchema,
  giftSettingsSchema,
  grantCouponRequestSchema,
  listCouponTemplatesQuerySchema,
  lookupCouponRequestSchema,
  memberCouponSchema,
  memberCouponsQuerySchema,
  memberCouponsSchema,
  memberExchangesSchema,
  pointsMallSchema,
  redeemCouponRequestSchema,
  revokeCouponRequestSchema,
  staffCouponSchema,
  updateCouponTemplateRequestSchema,
  updateGiftSettingsRequestSchema,
  welcomeGiftPreviewSchema,
} from './coupons';
import {
  memberSummarySchema,
  resolveMemberRequestSchema,
  staffLoginRequestSchema,
  staffLoginResponseSchema,
  staffProfileSchema,
} from './staff';
import { platformConfigSchema, storeSceneSchema, storeSummarySchema } from './stores';
import { createOrderRequestSchema, listOrdersQuerySchema, orderQuoteRequestSchema, orderQuoteSchema, orderSchema, refundRequestSchema, refundSchema, refundQuoteRequestSchema, refundQuoteSchema } from './orders';
import {
  apiKeySchema,
  createApiKeyRequestSchema,
  loyaltySettingsSchema,
  pointsAdjustmentRequestSchema,
  pointsAdjustmentSchema,
  pointsOverviewSchema,
  pointsPageQuerySchema,
  reconciliationSchema,
  setBirthdayRequestSchema,
  updateLoyaltySettingsRequestSchema,
} from './points';

/**
 * Who may call a route: nobody in particular, a WeChat user before or after joining, staff, or
 * staff and a store's POS system (X-Api-Key).
 */
export type RouteAuth = 'public' | 'wechat' | 'member' | 'staff' | 'till';

interface RouteBase {
  /** What wx.request can send: it has no PATCH, so a partial update is a PUT. */
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below /api, with :params. */
  path: string;
  summary: string;
  body?: z.ZodType;
  /** Query-string schema, for GET routes that take one. */
  query?: z.ZodType;
  response: z.ZodType;
  /** A POST that records something new answers 201 (200 for its replay); every other POST answers 200. */
  creates?: true;
  /** Content type of a non-JSON answer (an image). */
  produces?: string;
}

/**
 * The access rule of a route, declared beside it. Member routes serve the member behind the token
 * only; staff and till routes name the roles that may call them, and the access policy then limits
 * each role to its stores, region or brand (and a POS key to its store) for the resources touched.
 */
export type ApiRoute = RouteBase &
  ({ auth: 'public' | 'wechat' | 'member' } | { auth: 'staff' | 'till'; roles: readonly StaffRole[] });

/** Every staff role. */
const ANY_STAFF = STAFF_ROLES;
/** Who works a till: everyone but marketers (who never record purchases). */
const TILL_ROLES = ['clerk', 'store_manager', 'region_manager', 'hq_admin'] as const satisfies readonly StaffRole[];
const HQ_ADMIN = ['hq_admin'] as const satisfies readonly StaffRole[];
/** Who designs and gives out coupons: HQ admins and marketers. */
const MARKETING = ['hq_admin', 'marketer'] as const satisfies readonly StaffRole[];
/** Who reads coupon templates and their figures: everyone but clerks (managers see their own stores' figures). */
const COUPON_READERS = ['hq_admin', 'marketer', 'region_manager', 'store_manager'] as const satisfies readonly StaffRole[];

/**
 * Every route of the API with its schemas: the server validates with them, the OpenAPI document
 * at /api/docs is generated from them, and the miniapp's client is typed by them.
 */
export const API_ROUTES = {
  memberLogin: {
    method: 'POST',
    path: '/auth/login',
    summary: '小程序登录：用 wx.login 的 code 换取令牌（未入会时 member 为 null）',
    auth: 'public',
    body: memberLoginRequestSchema,
    response: memberAuthResponseSchema,
  },
  memberJoin: {
    method: 'POST',
    path: '/auth/phone',
    summary: '同意协议并授权手机号入会：同一品牌下一个手机号只对应一张会员卡，卡归最近验证该手机号的微信',
    auth: 'wechat',
    body: memberPhoneRequestSchema,
    response: memberJoinResponseSchema,
  },
  memberAgreements: {
    method: 'GET',
    path: '/member/agreements',
    summary: '现行《会员协议》与《隐私政策》（入会前阅读）',
    auth: 'public',
    response: agreementsSchema,
  },
  memberCard: {
    method: 'GET',
    path: '/member/card',
    summary: '我的会员卡',
    auth: 'member',
    response: memberCardSchema,
  },
  memberCode: {
    method: 'GET',
    path: '/member/code',
    summary: '动态会员码（每 60 秒更新）',
    auth: 'member',
    response: memberCodeSchema,
  },
  memberPoints: {
    method: 'GET',
    path: '/member/points',
    summary: '我的积分：余额、即将过期的积分与明细（?before=&limit= 翻页）',
    auth: 'member',
    query: pointsPageQuerySchema,
    response: pointsOverviewSchema,
  },
  memberSetBirthday: {
    method: 'PUT',
    path: '/member/birthday',
    summary: '设置生日（只能设置一次；生日当月消费积分翻倍）',
    auth: 'member',
    body: setBirthdayRequestSchema,
    response: memberCardSchema,
  },
  memberProfile: {
    method: 'GET',
    path: '/member/profile',
    summary: '我的资料：昵称、头像、性别、生日、营销消息授权、所属门店与已同意的协议',
    auth: 'member',
    response: memberProfileSchema,
  },
  memberUpdateProfile: {
    method: 'PUT',
    path: '/member/profile',
    summary: '修改昵称、性别或营销消息授权',
    auth: 'member',
    body: updateProfileRequestSchema,
    response: memberProfileSchema,
  },
  memberSetAvatar: {
    method: 'PUT',
    path: '/member/avatar',
    summary: '上传头像（JPEG 或 PNG，base64，不超过 256 KB）',
    auth: 'member',
    body: setAvatarRequestSchema,
    response: memberProfileSchema,
  },
  memberAvatarImage: {
    method: 'GET',
    path: '/member/avatars/:file',
    summary: '头像图片（地址含随机串，资料接口返回）',
    auth: 'public',
    produces: 'image/*',
    response: z.unknown(),
  },
  memberClose: {
    method: 'POST',
    path: '/member/close',
    summary: '注销会员：手机号、昵称、生日等个人信息匿名化，账务记录保留，所有登录失效',
    auth: 'member',
    body: closeMembershipRequestSchema,
    response: closeMembershipSchema,
  },
  memberOrders: {
    method: 'GET',
    path: '/member/orders',
    summary: '我的消费记录与电子小票（含退款及其扣回的积分；?cursor=&limit= 翻页）',
    auth: 'member',
    query: memberOrdersQuerySchema,
    response: memberOrdersSchema,
  },
  memberTiers: {
    method: 'GET',
    path: '/member/tiers',
    summary: '会员等级：各等级门槛与权益、我的成长值与下次评定日期',
    auth: 'member',
    response: memberTiersSchema,
  },
  memberHomeStore: {
    method: 'GET',
    path: '/member/store',
    summary: '我的门店（入会门店）：地址、营业时间与电话',
    auth: 'member',
    response: homeStoreSchema,
  },
  memberCoupons: {
    method: 'GET',
    path: '/member/coupons',
    summary: '我的券：可用、已使用、已过期（?status=usable|used|expired）',
    auth: 'member',
    query: memberCouponsQuerySchema,
    response: memberCouponsSchema,
  },
  memberCoupon: {
    method: 'GET',
    path: '/member/coupons/:id',
    summary: '一张券：券码（二维码与可手输的券码）、使用规则与状态',
    auth: 'member',
    response: memberCouponSchema,
  },
  couponCenter: {
    method: 'GET',
    path: '/coupons/center',
    summary: '领券中心：可领取的券、剩余数量与我已领的张数',
    auth: 'member',
    response: couponCenterSchema,
  },
  couponClaim: {
    method: 'POST',
    path: '/coupons/:templateId/claim',
    summary: '领取一张券（库存与每人限领原子扣减，领完即止）',
    auth: 'member',
    creates: true,
    response: memberCouponSchema,
  },
  pointsMall: {
    method: 'GET',
    path: '/points-mall',
    summary: '积分商城：用积分兑换的券与礼品',
    auth: 'member',
    response: pointsMallSchema,
  },
  pointsMallExchange: {
    method: 'POST',
    path: '/points-mall/:templateId/exchange',
    summary: '积分兑换（扣积分与发券在同一事务中完成；requestId 幂等）',
    auth: 'member',
    creates: true,
    body: exchangeRequestSchema,
    response: exchangeResultSchema,
  },
  memberExchanges: {
    method: 'GET',
    path: '/member/exchanges',
    summary: '我的兑换记录',
    auth: 'member',
    response: memberExchangesSchema,
  },
  welcomeGift: {
    method: 'GET',
    path: '/member/welcome-gift',
    summary: '入会礼：入会即送的积分与券（只列出已配置且有库存的）',
    auth: 'wechat',
    response: welcomeGiftPreviewSchema,
  },
  storeScene: {
    method: 'GET',
    path: '/stores/scene/:scene',
    summary: '扫码进入时，门店码对应的门店',
    auth: 'public',
    response: storeSceneSchema,
  },
  apiDocs: {
    method: 'GET',
    path: '/docs/openapi.json',
    summary: '本接口文档（OpenAPI 3.1 JSON；浏览界面在 /api/docs）',
    auth: 'public',
    response: z.record(z.string(), z.unknown()),
  },
  platformConfig: {
    method: 'GET',
    path: '/platform/config',
    summary: 'H5 版运行配置：沙箱地址（仅在对接微信沙箱时返回）与小程序 AppID',
    auth: 'public',
    response: platformConfigSchema,
  },
  staffLogin: {
    method: 'POST',
    path: '/staff/auth/login',
    summary: '员工登录',
    auth: 'public',
    body: staffLoginRequestSchema,
    response: staffLoginResponseSchema,
  },
  staffMe: {
    method: 'GET',
    path: '/staff/me',
    summary: '当前员工',
    auth: 'staff',
    roles: ANY_STAFF,
    response: staffProfileSchema,
  },
  staffResolveMember: {
    method: 'POST',
    path: '/staff/members/resolve',
    summary: '扫描会员码（或店长输入手机号、会员号）查找会员',
    auth: 'staff',
    roles: ANY_STAFF,
    body: resolveMemberRequestSchema,
    response: memberSummarySchema,
  },
  staffStores: {
    method: 'GET',
    path: '/staff/stores',
    summary: '我管理范围内的门店与门店码',
    auth: 'staff',
    roles: ANY_STAFF,
    response: z.array(storeSummarySchema),
  },
  staffStoreCode: {
    method: 'GET',
    path: '/staff/stores/:id/wxacode',
    summary: '门店收银台的小程序码图片（JPEG，用于打印张贴）',
    auth: 'staff',
    roles: ANY_STAFF,
    produces: 'image/jpeg',
    response: z.unknown(),
  },
  staffQuoteOrder: {
    method: 'POST',
    path: '/staff/orders/quote',
    summary: '收银试算：会员折扣、可用积分、应付金额与可得积分（不记账）',
    auth: 'till',
    roles: TILL_ROLES,
    body: orderQuoteRequestSchema,
    response: orderQuoteSchema,
  },
  staffCreateOrder: {
    method: 'POST',
    path: '/staff/orders',
    summary: '记录一笔会员消费（externalNo 幂等：重复提交返回第一次的结果，内容不同则 409）',
    auth: 'till',
    roles: TILL_ROLES,
    creates: true,
    body: createOrderRequestSchema,
    response: orderSchema,
  },
  staffListOrders: {
    method: 'GET',
    path: '/staff/orders',
    summary: '我管理范围内某天（默认今天）的消费记录，可按小票号、会员号或手机号搜索',
    auth: 'till',
    roles: TILL_ROLES,
    query: listOrdersQuerySchema,
    response: z.array(orderSchema),
  },
  staffGetOrder: {
    method: 'GET',
    path: '/staff/orders/:id',
    summary: '一笔消费及其可退金额',
    auth: 'till',
    roles: TILL_ROLES,
    response: orderSchema,
  },
  staffQuoteRefund: {
    method: 'POST',
    path: '/staff/orders/:id/refund/quote',
    summary: '退款试算：退这些货款时，实际退给顾客的钱、扣回与退还的积分（不记账）',
    auth: 'till',
    roles: TILL_ROLES,
    body: refundQuoteRequestSchema,
    response: refundQuoteSchema,
  },
  staffRefundOrder: {
    method: 'POST',
    path: '/staff/orders/:id/refund',
    summary: '退货退款（全部或部分，refundNo 幂等）：按比例扣回积分与成长值，已用掉的积分从退款中扣除',
    auth: 'till',
    roles: TILL_ROLES,
    creates: true,
    body: refundRequestSchema,
    response: refundSchema,
  },
  staffAdjustPoints: {
    method: 'POST',
    path: '/staff/members/:memberId/points/adjustments',
    summary: '总部人工调整积分（须填原因，记入审计日志）',
    auth: 'staff',
    roles: HQ_ADMIN,
    creates: true,
    body: pointsAdjustmentRequestSchema,
    response: pointsAdjustmentSchema,
  },
  staffLoyaltySettings: {
    method: 'GET',
    path: '/staff/settings/loyalty',
    summary: '积分、等级与抵扣规则',
    auth: 'staff',
    roles: ANY_STAFF,
    response: loyaltySettingsSchema,
  },
  staffUpdateLoyaltySettings: {
    method: 'PUT',
    path: '/staff/settings/loyalty',
    summary: '修改积分、等级与抵扣规则（总部管理员；带上读取时的 version）',
    auth: 'staff',
    roles: HQ_ADMIN,
    body: updateLoyaltySettingsRequestSchema,
    response: loyaltySettingsSchema,
  },
  staffReconcilePoints: {
    method: 'POST',
    path: '/staff/points/reconcile',
    summary: '积分对账：每位会员的流水合计 = 余额 = 未过期积分批次余量（总部管理员）',
    auth: 'staff',
    roles: HQ_ADMIN,
    response: reconciliationSchema,
  },
  staffCreateCouponTemplate: {
    method: 'POST',
    path: '/staff/coupon-templates',
    summary: '新建券模板：满减、折扣或礼品券，库存、每人限领、有效期、适用门店与等级、是否可领、兑换积分',
    auth: 'staff',
    roles: MARKETING,
    creates: true,
    body: createCouponTemplateRequestSchema,
    response: couponTemplateSchema,
  },
  staffListCouponTemplates: {
    method: 'GET',
    path: '/staff/coupon-templates',
    summary: '券模板列表（?status=active|paused|ended）',
    auth: 'staff',
    roles: COUPON_READERS,
    query: listCouponTemplatesQuerySchema,
    response: z.array(couponTemplateSchema),
  },
  staffGetCouponTemplate: {
    method: 'GET',
    path: '/staff/coupon-templates/:id',
    summary: '一个券模板',
    auth: 'staff',
    roles: COUPON_READERS,
    response: couponTemplateSchema,
  },
  staffUpdateCouponTemplate: {
    method: 'PUT',
    path: '/staff/coupon-templates/:id',
    summary: '修改券模板（已发出的券不受影响）；暂停或结束发放',
    auth: 'staff',
    roles: MARKETING,
    body: updateCouponTemplateRequestSchema,
    response: couponTemplateSchema,
  },
  staffCouponTemplateStats: {
    method: 'GET',
    path: '/staff/coupon-templates/:id/stats',
    summary: '券的数据：发放、领取、核销、过期、核销率与带动的消费，按门店（店长与区域经理只看自己范围）',
    auth: 'staff',
    roles: COUPON_READERS,
    query: couponStatsQuerySchema,
    response: couponStatsSchema,
  },
  staffGrantCoupon: {
    method: 'POST',
    path: '/staff/coupon-templates/:id/grants',
    summary: '给一位会员发一张券（requestId 幂等，记入审计日志）',
    auth: 'staff',
    roles: MARKETING,
    creates: true,
    body: grantCouponRequestSchema,
    response: staffCouponSchema,
  },
  staffRevokeCoupon: {
    method: 'POST',
    path: '/staff/coupons/:id/revoke',
    summary: '作废一张未使用的券（须填原因，记入审计日志）',
    auth: 'staff',
    roles: MARKETING,
    body: revokeCouponRequestSchema,
    response: staffCouponSchema,
  },
  staffLookupCoupon: {
    method: 'POST',
    path: '/staff/coupons/lookup',
    summary: '扫码或输入券码查券：属于哪位会员、能否在本店使用（错误次数过多会被暂时限制）',
    auth: 'till',
    roles: TILL_ROLES,
    body: lookupCouponRequestSchema,
    response: staffCouponSchema,
  },
  staffRedeemCoupon: {
    method: 'POST',
    path: '/staff/coupons/redeem',
    summary: '核销一张券（只核销一次；同一小票号重复提交返回第一次的结果）',
    auth: 'till',
    roles: TILL_ROLES,
    body: redeemCouponRequestSchema,
    response: couponRedemptionSchema,
  },
  staffGiftSettings: {
    method: 'GET',
    path: '/staff/settings/gifts',
    summary: '入会礼与各等级每月礼券',
    auth: 'staff',
    roles: COUPON_READERS,
    response: giftSettingsSchema,
  },
  staffUpdateGiftSettings: {
    method: 'PUT',
    path: '/staff/settings/gifts',
    summary: '修改入会礼与各等级每月礼券（总部管理员与营销；带上读取时的 version）',
    auth: 'staff',
    roles: MARKETING,
    body: updateGiftSettingsRequestSchema,
    response: giftSettingsSchema,
  },
  staffCreateApiKey: {
    method: 'POST',
    path: '/staff/stores/:storeId/api-keys',
    summary: '为门店 POS 系统创建接口密钥（只显示一次；总部管理员）',
    auth: 'staff',
    roles: HQ_ADMIN,
    creates: true,
    body: createApiKeyRequestSchema,
    response: apiKeySchema,
  },
  staffRevokeApiKey: {
    method: 'DELETE',
    path: '/staff/stores/:storeId/api-keys/:keyId',
    summary: '停用门店接口密钥',
    auth: 'staff',
    roles: HQ_ADMIN,
    response: apiKeySchema,
  },
} as const satisfies Record<string, ApiRoute>;

export type ApiRouteName = keyof typeof API_ROUTES;
export type ApiRoutes = typeof API_ROUTES;
