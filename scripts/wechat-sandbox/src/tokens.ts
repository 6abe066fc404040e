import type { FastifyInstance } from 'fastify';
import { WechatError } from './errors';
import { newAccessToken } from './ids';
import type { AccessTokenRecord, AppKind, AppState, SandboxState } from './state';
import { jsonObjectBody, queryOf, wechatRoute, type Query } from './wechat-http';

const TOKEN_LIFETIME_MS = 7200 * 1000;
/** Old and new tokens both work for 5 minutes after a refresh (§C.1, §C.2). */
const HANDOVER_MS = 300 * 1000;
/** Expired tokens are forgotten after a day (they then answer 40001 instead of 42001). */
const FORGET_AFTER_MS = 24 * 3600 * 1000;

/**
 * The app whose credentials these are. Never 40001: co-wechat-api retries a 40001 from
 * `/cgi-bin/token` by fetching `/cgi-bin/token` again, without end (§1.3).
 */
function appForCredentials(state: SandboxState, grantType: unknown, appid: unknown, secret: unknown): AppState {
  if (grantType !== 'client_credential') throw new WechatError(40002);
  if (typeof appid !== 'string' || appid === '') throw new WechatError(41002);
  const appState = state.app(appid);
  if (!appState) throw new WechatError(40013);
  if (typeof secret !== 'string' || secret === '') throw new WechatError(41004);
  if (secret !== appState.app.secret) throw new WechatError(40125);
  return appState;
}

function forgetOldTokens(state: SandboxState, appState: AppState): void {
  const horizon = state.now() - FORGET_AFTER_MS;
  for (const [value, record] of appState.tokens) {
    if (Math.min(record.expiresAt, record.revokedAt ?? Infinity) < horizon) appState.tokens.delete(value);
  }
}

function mintToken(state: SandboxState, appState: AppState, source: AccessTokenRecord['source']): AccessTokenRecord {
  forgetOldTokens(state, appState);
  const issuedAt = state.now();
  const record: AccessTokenRecord = { value: newAccessToken(), source, issuedAt, expiresAt: issuedAt + TOKEN_LIFETIME_MS };
  appState.tokens.set(record.value, record);
  appState.latestToken[source] = record;
  return record;
}

function supersede(record: AccessTokenRecord | undefined, at: number): void {
  if (record && (record.revokedAt === undefined || record.revokedAt > at)) record.revokedAt = at;
}

/** `/cgi-bin/token`: every fetch mints a new token; the previous one lives 5 more minutes (§C.1). */
export function fetchAccessToken(state: SandboxState, appState: AppState): AccessTokenRecord {
  const now = state.now();
  supersede(appState.latestToken.token, now + HANDOVER_MS);
  return mintToken(state, appState, 'token');
}

/**
 * Force mode is limited to 20 calls a day, at least 30 s apart (§C.2; WeChat's getStableAccessToken
 * page: "强制刷新模式每天限用 20 次且需间隔 30 秒").
 */
const FORCE_REFRESHES_PER_DAY = 20;
const FORCE_REFRESH_INTERVAL_MS = 30 * 1000;
/** WeChat's daily quotas follow the China calendar day (UTC+8, no daylight saving). */
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

export function chinaDay(at: number): string {
  return new Date(at + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * Whether this force_refresh call really forces. Within 30 s of the previous forced refresh it does
 * not: the mini-game getStableAccessToken page says a call sooner "不会刷新" (will not refresh), not
 * that it fails, so it is answered like normal mode and not counted. Past 20 forced refreshes in a
 * day the answer is WeChat's daily-limit errcode 45009 "reach max api daily quota limit", which is
 * what developers report stable_token answering once a limit is reached (§C.2, [DOC-commErr]).
 */
function allowForceRefresh(state: SandboxState, appState: AppState): boolean {
  const now = state.now();
  const usage = appState.forceRefreshes;
  const today = chinaDay(now);
  if (usage.day !== today) {
    usage.day = today;
    usage.count = 0;
  }
  if (usage.count >= FORCE_REFRESHES_PER_DAY) throw new WechatError(45009, `force_refresh is limited to ${FORCE_REFRESHES_PER_DAY} a day`);
  if (usage.lastAt !== null && now - usage.lastAt < FORCE_REFRESH_INTERVAL_MS) return false;
  usage.count += 1;
  usage.lastAt = now;
  return true;
}

/**
 * `/cgi-bin/stable_token` (§C.2). Normal mode returns the current token while it has more than
 * 5 minutes left, then rotates it. Force mode rotates at once: the previous token keeps its
 * 5-minute hand-over, and any token already in hand-over dies (two forced calls kill a leak).
 * Force mode is rate-limited as WeChat does (see allowForceRefresh).
 */
export function fetchStableAccessToken(state: SandboxState, appState: AppState, forceRequested: boolean): AccessTokenRecord {
  const forceRefresh = forceRequested && allowForceRefresh(state, appState);
  const now = state.now();
  const current = appState.latestToken.stable;
  const usable = current && current.revokedAt === undefined && current.expiresAt - now > HANDOVER_MS;
  if (current && usable && !forceRefresh) return current;
  if (forceRefresh) {
    for (const record of appState.tokens.values()) {
      if (record.source === 'stable' && record !== current && record.revokedAt !== undefined) supersede(record, now);
    }
    supersede(current, now + HANDOVER_MS);
  }
  return mintToken(state, appState, 'stable');
}

/** The app behind the `access_token` query parameter of an API call (§C.3). */
export function authenticate(state: SandboxState, query: Query, kind: AppKind): AppState {
  const token = query.access_token;
  if (!token) throw new WechatError(41001);
  const appState = state.appOwningToken(token);
  const record = appState?.tokens.get(token);
  if (!appState || !record) throw new WechatError(40001);
  const now = state.now();
  if (record.revokedAt !== undefined && now >= record.revokedAt) throw new WechatError(40001);
  if (now >= record.expiresAt) throw new WechatError(42001);
  // A mini-program API called with an official-account token (or the reverse).
  if (appState.app.kind !== kind) throw new WechatError(48001, `this API needs a ${kind} token`);
  return appState;
}

/** Control hook: every live token of the app(s) expires now; the next call with it gets 42001. */
export function expireTokens(state: SandboxState, apps: AppState[]): number {
  const now = state.now();
  let expired = 0;
  for (const appState of apps) {
    for (const record of appState.tokens.values()) {
      if (record.expiresAt > now) {
        record.expiresAt = now;
        expired += 1;
      }
    }
  }
  return expired;
}

function tokenAnswer(state: SandboxState, record: AccessTokenRecord): { json: object } {
  const secondsLeft = Math.ceil((record.expiresAt - state.now()) / 1000);
  return { json: { access_token: record.value, expires_in: secondsLeft } };
}

export function registerTokenRoutes(scope: FastifyInstance, state: SandboxState): void {
  wechatRoute(scope, state, 'GET', '/cgi-bin/token', (request) => {
    const query = queryOf(request);
    const appState = appForCredentials(state, query.grant_type, query.appid, query.secret);
    return tokenAnswer(state, fetchAccessToken(state, appState));
  });

  wechatRoute(scope, state, 'POST', '/cgi-bin/stable_token', (request) => {
    const body = jsonObjectBody(request);
    const appState = appForCredentials(state, body.grant_type, body.appid, body.secret);
    return tokenAnswer(state, fetchStableAccessToken(state, appState, body.force_refresh === true));
  });
}
