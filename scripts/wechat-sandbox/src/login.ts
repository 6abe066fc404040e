import type { FastifyInstance } from 'fastify';
import { WechatError } from './errors';
import { newLoginCode, newOpenid, newSessionKey, unionidFor } from './ids';
import type { AppState, LoginCode, SandboxState } from './state';
import { queryOf, wechatRoute } from './wechat-http';

/** wx.login codes are single-use and valid 5 minutes (§A). */
export const CODE_LIFETIME_MS = 300 * 1000;
/** code2Session allows 100 calls per user per minute (§A). */
const LOGIN_CALLS_PER_MINUTE = 100;

export interface LoginCodeRequest {
  openid?: string;
  /** Absent: a unionid derived from the openid (or the one it was seen with before). null: none. */
  unionid?: string | null;
}

/** The unionid a user has in this app, remembering one given explicitly. */
export function resolveUnionid(appState: AppState, openid: string, given: string | null | undefined): string | null {
  if (given !== undefined) appState.unionids.set(openid, given);
  else if (!appState.unionids.has(openid)) appState.unionids.set(openid, unionidFor(openid));
  return appState.unionids.get(openid) ?? null;
}

/** What `wx.login` does on the phone: mints a code and rotates the user's session_key. */
export function mintLoginCode(
  state: SandboxState,
  appState: AppState,
  request: LoginCodeRequest,
): { code: string; openid: string; unionid: string | null } {
  const openid = request.openid ?? newOpenid();
  const unionid = resolveUnionid(appState, openid, request.unionid);
  const code = newLoginCode();
  appState.loginCodes.set(code, { openid, unionid, sessionKey: newSessionKey(), issuedAt: state.now() });
  return { code, openid, unionid };
}

function checkLoginRate(state: SandboxState, appState: AppState, openid: string): void {
  const now = state.now();
  const recent = (appState.loginCalls.get(openid) ?? []).filter((at) => now - at < 60_000);
  if (recent.length >= LOGIN_CALLS_PER_MINUTE) throw new WechatError(45011);
  recent.push(now);
  appState.loginCalls.set(openid, recent);
}

/** `auth.code2Session` (§A): codes minted for another appid are simply unknown here (40029). */
export function exchangeLoginCode(state: SandboxState, appState: AppState, jsCode: string): LoginCode {
  const login = appState.loginCodes.get(jsCode);
  if (!login) throw new WechatError(40029);
  checkLoginRate(state, appState, login.openid);
  if (login.usedAt !== undefined) throw new WechatError(40163);
  if (state.now() - login.issuedAt > CODE_LIFETIME_MS) throw new WechatError(40029, 'code expired');
  login.usedAt = state.now();
  return login;
}

export function registerLoginRoutes(scope: FastifyInstance, state: SandboxState): void {
  wechatRoute(scope, state, 'GET', '/sns/jscode2session', (request) => {
    const query = queryOf(request);
    if (query.grant_type !== 'authorization_code') throw new WechatError(40002);
    if (!query.appid) throw new WechatError(41002);
    const appState = state.app(query.appid);
    if (!appState) throw new WechatError(40013);
    if (!query.secret) throw new WechatError(41004);
    if (query.secret !== appState.app.secret) throw new WechatError(40125);
    if (!query.js_code) throw new WechatError(41008);
    const login = exchangeLoginCode(state, appState, query.js_code);
    // Success carries no errcode at all, as observed in production (§A).
    const session: Record<string, string> = { session_key: login.sessionKey, openid: login.openid };
    if (login.unionid) session.unionid = login.unionid;
    return { json: session };
  });
}
