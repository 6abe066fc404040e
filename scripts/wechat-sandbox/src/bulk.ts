import { ControlError } from './errors';
import { openidForUnionid } from './ids';
import type { SandboxState } from './state';

/** Enough for a scale test, small enough that a typo does not eat the machine's memory. */
const MAX_BULK = 2_000_000;

export interface BulkFollowers {
  appid: string;
  count: number;
  /** The i-th follower (0-based) is unionid `${unionidPrefix}${i}`, openid openidForUnionid(appid, unionid). */
  unionidPrefix: string;
  first: { openid: string; unionid: string } | null;
  last: { openid: string; unionid: string } | null;
}

export interface BulkSubscribeCredits {
  appid: string;
  templateId: string;
  perUser: number;
  count: number;
  /** The i-th user is unionid `${unionidPrefix}${i}`, openid openidForUnionid(appid, unionid) in the mini-program. */
  unionidPrefix: string;
  first: { openid: string; unionid: string } | null;
}

function count(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_BULK) {
    throw new ControlError(400, `${name} must be an integer from 0 to ${MAX_BULK}`);
  }
  return value;
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ControlError(400, `${name} must be an object`);
  return value as Record<string, unknown>;
}

function prefix(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,20}$/.test(value)) throw new ControlError(400, `${name} must be 1–20 of [A-Za-z0-9_-]`);
  return value;
}

/**
 * `POST /__sandbox/bulk {followers?, subscribeCredits?}`: many users at once for scale tests, with no
 * push per follower (the server learns of them through `/cgi-bin/user/info`, as after a migration of
 * an existing account). Deterministic ids, so a test derives the i-th user without listing them.
 */
export function bulkCreate(
  state: SandboxState,
  body: Record<string, unknown>,
): { followers: BulkFollowers | null; subscribeCredits: BulkSubscribeCredits | null } {
  if (body.followers === undefined && body.subscribeCredits === undefined) {
    throw new ControlError(400, 'followers or subscribeCredits is required');
  }
  const at = state.now();
  let followers: BulkFollowers | null = null;
  if (body.followers !== undefined) {
    const spec = object(body.followers, 'followers');
    const appState = state.resolveApp(spec.appid ?? body.appid, 'official_account');
    const n = count(spec.count, 'followers.count');
    const unionidPrefix = prefix(spec.unionidPrefix, 'followers.unionidPrefix', 'ubulk');
    const appid = appState.app.appid;
    const ends: Array<{ openid: string; unionid: string }> = [];
    for (let i = 0; i < n; i += 1) {
      const unionid = `${unionidPrefix}${i}`;
      const openid = openidForUnionid(appid, unionid);
      appState.followers.set(openid, { openid, unionid, following: true, blocked: false, subscribedAt: at, subscribeEventKey: null });
      appState.unionids.set(openid, unionid);
      if (i === 0 || i === n - 1) ends.push({ openid, unionid });
    }
    followers = { appid, count: n, unionidPrefix, first: ends[0] ?? null, last: ends[ends.length - 1] ?? null };
  }
  let subscribeCredits: BulkSubscribeCredits | null = null;
  if (body.subscribeCredits !== undefined) {
    const spec = object(body.subscribeCredits, 'subscribeCredits');
    const appState = state.resolveApp(spec.appid, 'miniprogram');
    if (typeof spec.templateId !== 'string' || spec.templateId === '') throw new ControlError(400, 'subscribeCredits.templateId is required');
    const perUser = count(spec.perUser ?? 1, 'subscribeCredits.perUser');
    const n = spec.count === undefined ? (followers?.count ?? NaN) : count(spec.count, 'subscribeCredits.count');
    if (Number.isNaN(n)) throw new ControlError(400, 'subscribeCredits.count is required without followers');
    const unionidPrefix = prefix(spec.unionidPrefix, 'subscribeCredits.unionidPrefix', followers?.unionidPrefix ?? 'ubulk');
    const appid = appState.app.appid;
    let first: { openid: string; unionid: string } | null = null;
    for (let i = 0; i < n; i += 1) {
      const unionid = `${unionidPrefix}${i}`;
      const openid = openidForUnionid(appid, unionid);
      appState.unionids.set(openid, unionid);
      const key = `${openid}\t${spec.templateId}`;
      appState.subscribeCredits.set(key, (appState.subscribeCredits.get(key) ?? 0) + perUser);
      if (i === 0) first = { openid, unionid };
    }
    subscribeCredits = { appid, templateId: spec.templateId, perUser, count: n, unionidPrefix, first };
  }
  return { followers, subscribeCredits };
}
