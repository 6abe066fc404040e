import type { FastifyInstance } from 'fastify';
import { ControlError, WechatError } from './errors';
import { newTemplateMsgid } from './ids';
import { eventXml, type OfficialAccountPusher } from './oa-push';
import { isBlocked, isFollowing } from './official-account';
import type { AppState, SandboxState, SubscribeMessage, TemplateFinishStatus, TemplateMessage } from './state';
import { checkTemplateData } from './template-data';
import { authenticate, chinaDay } from './tokens';
import { jsonObjectBody, queryOf, wechatRoute } from './wechat-http';

/** The same openid + client_msg_id sends only once within 10 minutes (§D). */
const CLIENT_MSG_ID_WINDOW_MS = 600 * 1000;

function requiredString(value: unknown, errcode: 40003 | 40037): string {
  if (typeof value !== 'string' || value === '') throw new WechatError(errcode);
  return value;
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function creditKey(openid: string, templateId: string): string {
  return `${openid}\t${templateId}`;
}

/** The user tapped "accept" in wx.requestSubscribeMessage `times` times: one send per accept (§E). */
export function acceptSubscription(
  appState: AppState,
  openid: unknown,
  templateId: unknown,
  times: unknown = 1,
): { appid: string; openid: string; templateId: string; credits: number } {
  if (typeof openid !== 'string' || openid === '') throw new ControlError(400, 'openid is required');
  if (typeof templateId !== 'string' || templateId === '') throw new ControlError(400, 'templateId is required');
  if (typeof times !== 'number' || !Number.isSafeInteger(times) || times < 1) {
    throw new ControlError(400, 'times must be a positive integer');
  }
  const key = creditKey(openid, templateId);
  const credits = (appState.subscribeCredits.get(key) ?? 0) + times;
  appState.subscribeCredits.set(key, credits);
  return { appid: appState.app.appid, openid, templateId, credits };
}

/** Openids are per app (§D.2): one another app of the sandbox issued is not this account's. */
function isAnotherAppsOpenid(state: SandboxState, appState: AppState, openid: string): boolean {
  if (appState.followers.has(openid)) return false;
  return state.allApps().some((other) => other !== appState && (other.unionids.has(openid) || other.followers.has(openid)));
}

/** Spends one of today's sends of the template (China calendar day), or 45009 when none is left. */
function spendDailyQuota(state: SandboxState, appState: AppState, templateId: string): void {
  const today = chinaDay(state.now());
  const sends = appState.templateSends;
  if (sends.day !== today) {
    sends.day = today;
    sends.counts.clear();
  }
  const sent = sends.counts.get(templateId) ?? 0;
  if (sent >= (appState.app.templateDailyQuota ?? Infinity)) throw new WechatError(45009);
  sends.counts.set(templateId, sent + 1);
}

function finishStatus(appState: AppState, touser: string): TemplateFinishStatus {
  if (appState.systemFailures > 0) {
    appState.systemFailures -= 1;
    return 'failed: system failed';
  }
  return isBlocked(appState, touser) ? 'failed:user block' : 'success';
}

/**
 * `message/template/send` (§D). A mini-program's openid is 40003, a non-follower 43004, data that
 * breaks its key types 47003, past the template's daily quota 45009. A user who blocked the account
 * still gets errcode 0, and the TEMPLATESENDJOBFINISH push that follows says `failed:user block`
 * (§D.1); `/__sandbox/template-finish` makes sends finish `failed: system failed`.
 */
export function sendTemplateMessage(
  state: SandboxState,
  pusher: OfficialAccountPusher,
  appState: AppState,
  body: Record<string, unknown>,
): bigint {
  const touser = requiredString(body.touser, 40003);
  const templateId = requiredString(body.template_id, 40037);
  if (isAnotherAppsOpenid(state, appState, touser)) throw new WechatError(40003, 'the openid belongs to another app');
  if (!isFollowing(appState, touser)) throw new WechatError(43004);
  checkTemplateData(body.data);
  const clientMsgId = optionalString(body.client_msg_id);
  const duplicateKey = clientMsgId ? `${touser}\t${clientMsgId}` : null;
  const earlier = duplicateKey ? appState.templateClientMsgIds.get(duplicateKey) : undefined;
  if (earlier && state.now() - earlier.at < CLIENT_MSG_ID_WINDOW_MS) return BigInt(earlier.msgid);

  spendDailyQuota(state, appState, templateId);
  const msgid = newTemplateMsgid();
  if (duplicateKey) appState.templateClientMsgIds.set(duplicateKey, { msgid: msgid.toString(), at: state.now() });
  const status = finishStatus(appState, touser);
  const message: TemplateMessage = {
    kind: 'template',
    appid: appState.app.appid,
    touser,
    templateId,
    url: optionalString(body.url),
    miniprogram: body.miniprogram ?? null,
    data: body.data ?? null,
    clientMsgId,
    msgid: msgid.toString(),
    at: state.isoNow(),
    finish: { status, delivery: null },
  };
  state.recordMessage(message);
  const createTime = Math.floor(state.now() / 1000);
  const finishEvent = eventXml(appState.app, touser, createTime, 'TEMPLATESENDJOBFINISH', [
    ['MsgID', msgid], // capital D, and equal to the msgid answered (§D.1)
    ['Status', status],
  ]);
  void pusher.deliverLater(appState.app, touser, finishEvent).then((delivery) => {
    message.finish.delivery = delivery;
  });
  return msgid;
}

/**
 * `message/subscribe/send` (§E): spends one credit of (openid, template); none left is 43101.
 * With configured pages, a formal-version `page` must be one of them (41030); data follows the key
 * types (47003). A refused send spends nothing.
 */
export function sendSubscribeMessage(state: SandboxState, appState: AppState, body: Record<string, unknown>): void {
  const touser = requiredString(body.touser, 40003);
  const templateId = requiredString(body.template_id, 40037);
  const page = optionalString(body.page);
  const miniprogramState = optionalString(body.miniprogram_state);
  const pagePath = page?.split('?')[0] ?? '';
  const checksPage = (miniprogramState ?? 'formal') === 'formal' && state.pages.length > 0;
  if (page && checksPage && !state.pages.includes(pagePath)) throw new WechatError(41030);
  checkTemplateData(body.data);
  const key = creditKey(touser, templateId);
  const credits = appState.subscribeCredits.get(key) ?? 0;
  if (credits <= 0) throw new WechatError(43101);
  appState.subscribeCredits.set(key, credits - 1);
  const message: SubscribeMessage = {
    kind: 'subscribe',
    appid: appState.app.appid,
    touser,
    templateId,
    page,
    data: body.data ?? null,
    miniprogramState,
    lang: optionalString(body.lang),
    at: state.isoNow(),
  };
  state.recordMessage(message);
}

export function registerMessageRoutes(scope: FastifyInstance, state: SandboxState, pusher: OfficialAccountPusher): void {
  wechatRoute(scope, state, 'POST', '/cgi-bin/message/template/send', (request) => {
    const appState = authenticate(state, queryOf(request), 'official_account');
    const msgid = sendTemplateMessage(state, pusher, appState, jsonObjectBody(request));
    return { json: { errcode: 0, errmsg: 'ok', msgid } };
  });

  wechatRoute(scope, state, 'POST', '/cgi-bin/message/subscribe/send', (request) => {
    const appState = authenticate(state, queryOf(request), 'miniprogram');
    sendSubscribeMessage(state, appState, jsonObjectBody(request));
    return { json: { errcode: 0, errmsg: 'ok' } };
  });
}

/** `POST /__sandbox/template-finish {times}`: the next `times` template sends finish `failed: system failed` (§D.1). */
export function failTemplateSends(appState: AppState, times: unknown = 1): { appid: string; systemFailures: number } {
  if (typeof times !== 'number' || !Number.isSafeInteger(times) || times < 0) {
    throw new ControlError(400, 'times must be an integer, 0 or more (0 cancels)');
  }
  appState.systemFailures = times;
  return { appid: appState.app.appid, systemFailures: times };
}
