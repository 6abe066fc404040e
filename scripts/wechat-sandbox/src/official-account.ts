import type { FastifyInstance } from 'fastify';
import { ControlError, WechatError } from './errors';
import { openidForUnionid } from './ids';
import { resolveUnionid } from './login';
import { eventXml, type OfficialAccountPusher, type XmlValue } from './oa-push';
import type { AppState, DeliveryResult, Follower, PushMode, SandboxState } from './state';
import { authenticate } from './tokens';
import { queryOf, wechatRoute } from './wechat-http';

/** A parametric-QR follow carries `qrscene_<scene>`; a follower's scan carries the bare scene (§G.2). */
const QR_SCENE_PREFIX = 'qrscene_';

export interface FollowRequest {
  openid?: unknown;
  unionid?: unknown;
  eventKey?: unknown;
}

export interface FollowOutcome {
  appid: string;
  openid: string;
  unionid: string | null;
  following: boolean;
  /** The event pushed (null when nothing changed, e.g. following twice without a QR scene). */
  event: string | null;
  delivery: DeliveryResult | null;
}

/** `POST /__sandbox/follow` may name the user by unionid alone: their openid here, found or made (§D.2). */
function openidOf(appState: AppState, request: FollowRequest): string {
  if (request.openid !== undefined && request.openid !== null && request.openid !== '') return requireOpenid(request.openid);
  const unionid = optionalString(request.unionid, 'unionid');
  if (!unionid) throw new ControlError(400, 'openid or unionid is required');
  for (const follower of appState.followers.values()) if (follower.unionid === unionid) return follower.openid;
  return openidForUnionid(appState.app.appid, unionid);
}

function requireOpenid(openid: unknown): string {
  if (typeof openid !== 'string' || openid === '') throw new ControlError(400, 'openid is required');
  return openid;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ControlError(400, `${name} must be a string`);
  return value;
}

function followerOf(appState: AppState, openid: string): Follower {
  let follower = appState.followers.get(openid);
  if (!follower) {
    follower = { openid, unionid: null, following: false, blocked: false, subscribedAt: null, subscribeEventKey: null };
    appState.followers.set(openid, follower);
  }
  return follower;
}

function qrTicketFor(eventKey: string): string {
  return 'gQ' + Buffer.from(`sandbox-ticket:${eventKey}`).toString('base64');
}

async function push(
  state: SandboxState,
  pusher: OfficialAccountPusher,
  appState: AppState,
  follower: Follower,
  event: string | null,
  extra: Array<[string, XmlValue]>,
): Promise<FollowOutcome> {
  const createTime = Math.floor(state.now() / 1000);
  const delivery = event
    ? await pusher.deliver(appState.app, follower.openid, eventXml(appState.app, follower.openid, createTime, event, extra))
    : null;
  const { openid, unionid, following } = follower;
  return { appid: appState.app.appid, openid, unionid, following, event, delivery };
}

/**
 * The user (by openid, or unionid alone) follows the account: a `subscribe` event (with `EventKey`/`Ticket` when `eventKey` is
 * given, e.g. `qrscene_123`). A user who already follows and scans a parametric QR code sends `SCAN`
 * with the bare scene instead; following twice without a scene pushes nothing.
 */
export function follow(
  state: SandboxState,
  pusher: OfficialAccountPusher,
  appState: AppState,
  request: FollowRequest,
): Promise<FollowOutcome> {
  const openid = openidOf(appState, request);
  const eventKey = optionalString(request.eventKey, 'eventKey');
  const follower = followerOf(appState, openid);
  follower.unionid = resolveUnionid(appState, openid, optionalString(request.unionid, 'unionid'));
  const qrFields = (key: string): Array<[string, XmlValue]> => [
    ['EventKey', key],
    ['Ticket', qrTicketFor(key)],
  ];
  if (follower.following) {
    if (!eventKey) return push(state, pusher, appState, follower, null, []);
    const scene = eventKey.startsWith(QR_SCENE_PREFIX) ? eventKey.slice(QR_SCENE_PREFIX.length) : eventKey;
    return push(state, pusher, appState, follower, 'SCAN', qrFields(scene));
  }
  follower.following = true;
  follower.subscribedAt = state.now();
  follower.subscribeEventKey = eventKey ?? null;
  return push(state, pusher, appState, follower, 'subscribe', eventKey ? qrFields(eventKey) : []);
}

/** The user (by openid or unionid) unfollows: an `unsubscribe` event; nothing if they did not follow. */
export function unfollow(
  state: SandboxState,
  pusher: OfficialAccountPusher,
  appState: AppState,
  request: FollowRequest,
): Promise<FollowOutcome> {
  const follower = followerOf(appState, openidOf(appState, request));
  if (!follower.following) return push(state, pusher, appState, follower, null, []);
  follower.following = false;
  follower.subscribedAt = null;
  return push(state, pusher, appState, follower, 'unsubscribe', []);
}

/** The user refuses the account's messages: sends still answer 0 but finish `failed:user block` (§D.1). */
export function block(appState: AppState, openidValue: unknown): { appid: string; openid: string; blocked: true } {
  const follower = followerOf(appState, requireOpenid(openidValue));
  follower.blocked = true;
  return { appid: appState.app.appid, openid: follower.openid, blocked: true };
}

/** Template messages need a follower (§D, 43004). */
export function isFollowing(appState: AppState, openid: string): boolean {
  return appState.followers.get(openid)?.following === true;
}

export function isBlocked(appState: AppState, openid: string): boolean {
  return appState.followers.get(openid)?.blocked === true;
}

/** `/cgi-bin/user/info`: how the backend learns a follower's unionid (§D.2). */
function userInfo(state: SandboxState, appState: AppState, openid: string | undefined): object {
  const follower = openid ? appState.followers.get(openid) : undefined;
  if (!follower) throw new WechatError(40003);
  if (!follower.following) return { subscribe: 0, openid: follower.openid };
  const qrScene = follower.subscribeEventKey?.startsWith(QR_SCENE_PREFIX)
    ? follower.subscribeEventKey.slice(QR_SCENE_PREFIX.length)
    : '';
  const info: Record<string, unknown> = {
    subscribe: 1,
    openid: follower.openid,
    language: 'zh_CN',
    subscribe_time: Math.floor((follower.subscribedAt ?? state.now()) / 1000),
    remark: '',
    groupid: 0,
    tagid_list: [],
    subscribe_scene: qrScene ? 'ADD_SCENE_QR_CODE' : 'ADD_SCENE_SEARCH',
    qr_scene: /^\d+$/.test(qrScene) ? Number(qrScene) : 0,
    qr_scene_str: /^\d+$/.test(qrScene) ? '' : qrScene,
  };
  if (follower.unionid) info.unionid = follower.unionid;
  return info;
}

export function registerOfficialAccountRoutes(scope: FastifyInstance, state: SandboxState): void {
  wechatRoute(scope, state, 'GET', '/cgi-bin/user/info', (request) => {
    const query = queryOf(request);
    const appState = authenticate(state, query, 'official_account');
    return { json: userInfo(state, appState, query.openid) };
  });
}

/** `GET /__sandbox/official-account`: what a client needs to sign and encrypt pushes as WeChat does (§G). */
export interface OfficialAccountView {
  appid: string;
  token: string | null;
  encodingAESKey: string | null;
  serverUrl: string | null;
  pushMode: PushMode;
  templateDailyQuota: number | null;
}

export function officialAccountView(appState: AppState): OfficialAccountView {
  const { app } = appState;
  return {
    appid: app.appid,
    token: app.pushToken ?? null,
    encodingAESKey: app.encodingAESKey ?? null,
    serverUrl: app.pushUrl ?? null,
    pushMode: app.pushMode ?? 'plain',
    templateDailyQuota: app.templateDailyQuota ?? null,
  };
}

/**
 * `POST /__sandbox/official-account {pushMode?, encodingAESKey?, serverUrl?, token?, templateDailyQuota?}`:
 * changes the MP console's settings of the account, keeping the rest (and its followers).
 */
export function configureOfficialAccount(state: SandboxState, appState: AppState, body: Record<string, unknown>): OfficialAccountView {
  const { app } = appState;
  const pick = <T>(key: string, current: T): T => (body[key] === undefined ? current : (body[key] as T));
  state.registerApp({
    ...app,
    pushUrl: pick('serverUrl', app.pushUrl),
    pushToken: pick('token', app.pushToken),
    encodingAESKey: pick('encodingAESKey', app.encodingAESKey),
    pushMode: pick('pushMode', app.pushMode),
    templateDailyQuota: pick('templateDailyQuota', app.templateDailyQuota),
  });
  return officialAccountView(appState);
}
