import { z } from 'zod';
import { memberAuthResponseSchema, memberLoginRequestSchema, memberPhoneRequestSchema } from './auth';
import { memberCardSchema, memberCodeSchema } from './member';
import {
  memberSummarySchema,
  resolveMemberRequestSchema,
  staffLoginRequestSchema,
  staffLoginResponseSchema,
  staffProfileSchema,
} from './staff';
import { platformConfigSchema, storeSceneSchema, storeSummarySchema } from './stores';

/** Who may call a route: nobody in particular, a WeChat user before or after joining, or staff. */
export type RouteAuth = 'public' | 'wechat' | 'member' | 'staff';

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below /api, with :params. */
  path: string;
  summary: string;
  auth: RouteAuth;
  body?: z.ZodType;
  response: z.ZodType;
}

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
    summary: '手机号授权入会：同一品牌下一个手机号只对应一个会员',
    auth: 'wechat',
    body: memberPhoneRequestSchema,
    response: memberAuthResponseSchema,
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
  storeScene: {
    method: 'GET',
    path: '/stores/scene/:scene',
    summary: '扫码进入时，门店码对应的门店',
    auth: 'public',
    response: storeSceneSchema,
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
    response: staffProfileSchema,
  },
  staffResolveMember: {
    method: 'POST',
    path: '/staff/members/resolve',
    summary: '扫描会员码（或店长输入手机号、会员号）查找会员',
    auth: 'staff',
    body: resolveMemberRequestSchema,
    response: memberSummarySchema,
  },
  staffStores: {
    method: 'GET',
    path: '/staff/stores',
    summary: '我管理范围内的门店与门店码',
    auth: 'staff',
    response: z.array(storeSummarySchema),
  },
} as const satisfies Record<string, ApiRoute>;

export type ApiRouteName = keyof typeof API_ROUTES;
