import { createHash } from 'node:crypto';
import { ControlError, type WechatErrcode } from './errors';
import { isEncodingAESKey } from './oa-crypto';
import { PayLedger } from './pay-state';
import { SmsGateway, type SmsAccountOptions } from './sms';

export type AppKind = 'miniprogram' | 'official_account';

/** How pushes are written (§G.4): plain XML, plain plus `Encrypt` (compatible), or only `Encrypt` (safe). */
export const PUSH_MODES = ['plain', 'compatible', 'safe'] as const;
export type PushMode = (typeof PUSH_MODES)[number];

/** Template sends a day per account by default (§D: 100,000 until the account has 100k followers). */
export const DEFAULT_TEMPLATE_DAILY_QUOTA = 100_000;

/** How a TEMPLATESENDJOBFINISH push reports the send (§D.1; note the space only in the last one). */
export type TemplateFinishStatus = 'success' | 'failed:user block' | 'failed: system failed';

export interface SandboxApp {
  appid: string;
  secret: string;
  kind: AppKind;
  /** Official account only: where server pushes (§G) are POSTed. */
  pushUrl?: string;
  /** Official account only: the token that signs pushes (§G.1). */
  pushToken?: string;
  /** Official account only: the 43-character key of safe mode (default: one derived from the appid). */
  encodingAESKey?: string;
  /** Official account only: default `plain`. */
  pushMode?: PushMode;
  /** Official account only: template sends per template per China day before 45009. */
  templateDailyQuota?: number;
}

export interface AccessTokenRecord {
  value: string;
  /** `/cgi-bin/token` and `/cgi-bin/stable_token` tokens never invalidate each other (§C.2). */
  source: 'token' | 'stable';
  issuedAt: number;
  expiresAt: number;
  /** From this instant on the token is superseded: callers get 40001. */
  revokedAt?: number;
}

export interface LoginCode {
  openid: string;
  unionid: string | null;
  sessionKey: string;
  issuedAt: number;
  usedAt?: number;
}

export interface PhoneCode {
  phone: string;
  issuedAt: number;
  usedAt?: number;
}

export interface Follower {
  openid: string;
  unionid: string | null;
  following: boolean;
  /** The user refuses the account's messages: template sends finish as `failed:user block`. */
  blocked: boolean;
  subscribedAt: number | null;
  subscribeEventKey: string | null;
}

/** Everything the sandbox knows about one appid. */
export interface AppState {
  app: SandboxApp;
  tokens: Map<string, AccessTokenRecord>;
  latestToken: { token?: AccessTokenRecord; stable?: AccessTokenRecord };
  loginCodes: Map<string, LoginCode>;
  /** openid → the unionid it was last seen with (null: the app is not bound to an Open Platform account). */
  unionids: Map<string, string | null>;
  /** openid → instants of recent jscode2session calls, for the 100/min limit (§A). */
  loginCalls: Map<string, number[]>;
  phoneCodes: Map<string, PhoneCode>;
  followers: Map<string, Follower>;
  /** `openid\ttemplateId` → one-time subscribe credits (§E). */
  subscribeCredits: Map<string, number>;
  /** `openid\tclient_msg_id` → the msgid of the template message it already sent (§D). */
  templateClientMsgIds: Map<string, { msgid: string; at: number }>;
  /** Template sends today (a China-time date), per template id, for the daily quota (45009). */
  templateSends: { day: string; counts: Map<string, number> };
  /** `/__sandbox/template-finish`: how many of the next template sends finish `failed: system failed`. */
  systemFailures: number;
  /** stable_token force refreshes: the last one, and how many on `day` (a China-time date), for §C.2's limits. */
  forceRefreshes: { lastAt: number | null; day: string; count: number };
}

/** `/__sandbox/faults`: the next `remaining` calls to `path` answer `errcode`, whatever they ask. */
export interface Fault {
  path: string;
  errcode: WechatErrcode;
  remaining: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: unknown;
  at: string;
  /** The app the request acted for (from `appid` or the access token), when known. */
  appid: string | null;
  /** The errcode answered, or null for a success without errcode (or a binary answer). */
  errcode: number | null;
  /** Present (true) when the errcode came from a `/__sandbox/faults` entry, not from the request. */
  fault?: true;
  /** WeChat Pay calls (§H) only: the HTTP status answered, and the error `code` when it is an error. */
  status?: number;
  code?: string | null;
}

export interface DeliveryResult {
  url: string;
  /** HTTP status of the last attempt, or null if it timed out or could not connect. */
  status: number | null;
  body: string | null;
  attempts: number;
  error?: string;
}

export interface TemplateMessage {
  kind: 'template';
  appid: string;
  touser: string;
  templateId: string;
  url: string | null;
  miniprogram: unknown;
  data: unknown;
  clientMsgId: string | null;
  msgid: string;
  at: string;
  /** The TEMPLATESENDJOBFINISH outcome (§D.1); delivery is filled in once the push ends. */
  finish: { status: TemplateFinishStatus; delivery: DeliveryResult | null };
}

export interface SubscribeMessage {
  kind: 'subscribe';
  appid: string;
  touser: string;
  templateId: string;
  page: string | null;
  data: unknown;
  miniprogramState: string | null;
  lang: string | null;
  at: string;
}

export type SentMessage = TemplateMessage | SubscribeMessage;

export interface GeneratedWxacode {
  appid: string;
  scene: string;
  page: string | null;
  /** The page the scan opens: `page`, or the home page when absent. */
  path: string;
  envVersion: string;
  width: number;
  content: string;
  at: string;
}

const MAX_RECORDED = 10_000;

function newAppState(app: SandboxApp): AppState {
  return {
    app,
    tokens: new Map(),
    latestToken: {},
    loginCodes: new Map(),
    unionids: new Map(),
    loginCalls: new Map(),
    phoneCodes: new Map(),
    followers: new Map(),
    subscribeCredits: new Map(),
    templateClientMsgIds: new Map(),
    templateSends: { day: '', counts: new Map() },
    systemFailures: 0,
    forceRefreshes: { lastAt: null, day: '', count: 0 },
  };
}

function validateApp(app: SandboxApp): void {
  if (typeof app?.appid !== 'string' || app.appid === '') throw new ControlError(400, 'appid is required');
  if (typeof app.secret !== 'string' || app.secret === '') throw new ControlError(400, 'secret is required');
  if (app.kind !== 'miniprogram' && app.kind !== 'official_account') {
    throw new ControlError(400, "kind must be 'miniprogram' or 'official_account'");
  }
  if (app.pushUrl !== undefined && app.pushUrl !== null) {
    if (!/^https?:\/\//.test(app.pushUrl)) throw new ControlError(400, 'pushUrl must be an http(s) URL');
    if (!app.pushToken) throw new ControlError(400, 'pushToken is required with pushUrl (it signs every push)');
  }
  if (app.encodingAESKey !== undefined && !isEncodingAESKey(app.encodingAESKey)) {
    throw new ControlError(400, 'encodingAESKey must be 43 characters of [A-Za-z0-9+/]');
  }
  if (app.pushMode !== undefined && !(PUSH_MODES as readonly string[]).includes(app.pushMode)) {
    throw new ControlError(400, `pushMode must be one of ${PUSH_MODES.join(', ')}`);
  }
  const quota = app.templateDailyQuota;
  if (quota !== undefined && (typeof quota !== 'number' || !Number.isSafeInteger(quota) || quota < 0)) {
    throw new ControlError(400, 'templateDailyQuota must be an integer, 0 or more');
  }
}

/** A stable default EncodingAESKey per appid, so a restarted sandbox still matches the server's configuration. */
function defaultEncodingAESKey(appid: string): string {
  return createHash('sha256').update(`encodingAESKey:${appid}`).digest('base64').slice(0, 43);
}

export class SandboxState {
  private readonly apps = new Map<string, AppState>();
  requests: RecordedRequest[] = [];
  messages: SentMessage[] = [];
  /**
   * Every message delivered, counted per app, kind and recipient (`appid\tkind\ttouser`): the lists
   * keep only the last MAX_RECORDED, a scale test counts 100k deliveries.
   */
  deliveries = new Map<string, number>();
  wxacodes: GeneratedWxacode[] = [];
  /** Pending injected errors, one per WeChat path (a new one for the same path replaces it). */
  readonly faults = new Map<string, Fault>();
  /** The WeChat API paths the sandbox serves: what a fault may name. */
  readonly endpoints = new Set<string>();
  /** WeChat Pay's orders, refunds and pending notify fault (§H). */
  readonly pay = new PayLedger();
  /** Tencent Cloud SMS: the account, its deliveries, limits, blacklist and pending fault. */
  readonly sms: SmsGateway;

  constructor(
    readonly now: () => number,
    /** Mini-program pages that exist in the released version (getwxacodeunlimit check_path). */
    readonly pages: readonly string[],
    readonly pushTimeoutMs: number,
    sms: Partial<SmsAccountOptions> = {},
  ) {
    this.sms = new SmsGateway(sms, now);
  }

  isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  /** Registers an app, or updates its secret/push settings while keeping its state. */
  registerApp(app: SandboxApp): SandboxApp {
    validateApp(app);
    const registered: SandboxApp = { appid: app.appid, secret: app.secret, kind: app.kind };
    if (app.pushUrl) registered.pushUrl = app.pushUrl;
    if (app.pushToken) registered.pushToken = app.pushToken;
    if (app.kind === 'official_account') {
      registered.encodingAESKey = app.encodingAESKey ?? defaultEncodingAESKey(app.appid);
      registered.pushMode = app.pushMode ?? 'plain';
      registered.templateDailyQuota = app.templateDailyQuota ?? DEFAULT_TEMPLATE_DAILY_QUOTA;
    }
    const existing = this.apps.get(app.appid);
    if (existing) existing.app = registered;
    else this.apps.set(app.appid, newAppState(registered));
    return registered;
  }

  app(appid: string): AppState | undefined {
    return this.apps.get(appid);
  }

  allApps(): AppState[] {
    return [...this.apps.values()];
  }

  /** For the control API: the named app, or the first registered app of that kind. */
  resolveApp(appid: unknown, kind: AppKind): AppState {
    if (appid !== undefined && appid !== null && appid !== '') {
      const named = typeof appid === 'string' ? this.apps.get(appid) : undefined;
      if (!named) throw new ControlError(404, `unknown appid ${String(appid)}`);
      if (named.app.kind !== kind) throw new ControlError(400, `appid ${appid} is not a ${kind}`);
      return named;
    }
    const first = this.allApps().find((state) => state.app.kind === kind);
    if (!first) throw new ControlError(400, `no ${kind} app is registered`);
    return first;
  }

  appOwningToken(token: string): AppState | undefined {
    return this.allApps().find((state) => state.tokens.has(token));
  }

  recordRequest(request: RecordedRequest): void {
    pushCapped(this.requests, request);
  }

  recordMessage(message: SentMessage): void {
    pushCapped(this.messages, message);
    const key = `${message.appid}\t${message.kind}\t${message.touser}`;
    this.deliveries.set(key, (this.deliveries.get(key) ?? 0) + 1);
  }

  recordWxacode(code: GeneratedWxacode): void {
    pushCapped(this.wxacodes, code);
  }

  /** Forgets everything except the registered apps (and the pay keys and settings). */
  reset(): void {
    for (const [appid, state] of this.apps) this.apps.set(appid, newAppState(state.app));
    this.requests = [];
    this.messages = [];
    this.deliveries = new Map();
    this.wxacodes = [];
    this.faults.clear();
    this.pay.reset();
    this.sms.reset();
  }
}

function pushCapped<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_RECORDED) list.splice(0, list.length - MAX_RECORDED);
}
