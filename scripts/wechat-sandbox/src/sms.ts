import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ControlError } from './errors';
import { postOnce } from './http-post';
import { chinaDay } from './tokens';
import { rawBody } from './wechat-http';

/*
 * Tencent Cloud SMS (API 3.0, `SendSms`, version 2021-01-11) as its own SDK
 * (tencentcloud-sdk-nodejs-sms) speaks it: a JSON POST to `/` with X-TC-* headers and a
 * TC3-HMAC-SHA256 Authorization, answered `{"Response": {…, "RequestId"}}` with HTTP 200, errors
 * included (`Response.Error {Code, Message}`). The reply callback (短信回复) goes to the account's
 * configured URL as Tencent's JSON `{extend, mobile, nationcode, sign, text, time}`.
 */

export const SMS_VERSION = '2021-01-11';

/** A template as approved in the console: notification (通知) or marketing (营销) and its text with {1}…{n}. */
export interface SmsTemplate {
  kind: 'notification' | 'marketing';
  content: string;
}

/** The frequency limits per phone number (the console's 频率限制; defaults below). */
export interface SmsLimits {
  /** Same content (template + params) to one number within 30 s. */
  sameContentPer30s: number;
  perHour: number;
  /** Per China calendar day (自然日). */
  perDay: number;
}

export interface SmsAccountOptions {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signNames: string[];
  templates: Record<string, SmsTemplate>;
  /** Where user replies are posted (the console's 回复回调 URL); null: nowhere. */
  replyUrl: string | null;
  limits: SmsLimits;
}

/** Demo credentials: harmless, only ever accepted by this sandbox (the server's defaults outside production). */
export const SMS_DEMO: SmsAccountOptions = {
  secretId: 'AKIDsandbox00000000000000000000000001',
  secretKey: 'sandbox-sms-secret-key-000000000001',
  sdkAppId: '1400000001',
  signNames: ['微会员'],
  templates: {
    '1000001': { kind: 'notification', content: '您的验证码为{1}，{2}分钟内有效。' },
    '2000001': { kind: 'marketing', content: '{1}，送您{2}，{3}前到店可用。拒收请回复R' },
  },
  replyUrl: null,
  limits: { sameContentPer30s: 1, perHour: 5, perDay: 10 },
};

/** What `GET /__sandbox/sms` lists: one delivered message. */
export interface SmsDelivery {
  to: string;
  sign: string;
  template: string;
  kind: SmsTemplate['kind'];
  params: string[];
  content: string;
  serialNo: string;
  fee: number;
  sessionContext: string;
  extendCode: string;
  at: string;
}

/** Words a reply opts out with (Tencent blacklists the number for marketing on these). */
export const OPT_OUT_WORDS = ['TD', 'T', 'R', 'N', '退订', '拒收', '0000'];

export function isOptOutReply(text: string): boolean {
  return OPT_OUT_WORDS.includes(text.trim().toUpperCase());
}

export class SmsGateway {
  account: SmsAccountOptions;
  deliveries: SmsDelivery[] = [];
  /** +86… → instants of sends (Ok) and their content key, for the limits. */
  private sends = new Map<string, Array<{ at: number; content: string }>>();
  /** Numbers that replied an opt-out word: marketing templates are refused to them. */
  readonly blacklist = new Set<string>();
  /** `/__sandbox/faults {sms, times}`: the next `remaining` SendSms calls answer this error code. */
  fault: { code: string; remaining: number } | null = null;

  constructor(
    options: Partial<SmsAccountOptions>,
    private readonly now: () => number,
  ) {
    this.account = { ...SMS_DEMO, ...options, limits: { ...SMS_DEMO.limits, ...options.limits } };
  }

  reset(): void {
    this.deliveries = [];
    this.sends.clear();
    this.blacklist.clear();
    this.fault = null;
  }

  private recentSends(phone: string): Array<{ at: number; content: string }> {
    const today = chinaDay(this.now());
    const kept = (this.sends.get(phone) ?? []).filter((send) => chinaDay(send.at) === today || this.now() - send.at < 3600_000);
    this.sends.set(phone, kept);
    return kept;
  }

  /** The per-number code a send would get now, or null when it goes out. */
  limitCode(phone: string, content: string): string | null {
    const now = this.now();
    const recent = this.recentSends(phone);
    const { limits } = this.account;
    if (recent.filter((s) => s.content === content && now - s.at < 30_000).length >= limits.sameContentPer30s) {
      return 'LimitExceeded.PhoneNumberThirtySecondLimit';
    }
    if (recent.filter((s) => now - s.at < 3600_000).length >= limits.perHour) return 'LimitExceeded.PhoneNumberOneHourLimit';
    const today = chinaDay(now);
    if (recent.filter((s) => chinaDay(s.at) === today).length >= limits.perDay) return 'LimitExceeded.PhoneNumberDailyLimit';
    return null;
  }

  recordSend(phone: string, content: string): void {
    this.recentSends(phone).push({ at: this.now(), content });
  }
}

/** Messages of the codes the sandbox answers (Tencent's English messages where its pages give them). */
const MESSAGES: Record<string, string> = {
  Ok: 'send success',
  'AuthFailure.InvalidAuthorization': 'Authorization header is not valid.',
  'AuthFailure.SecretIdNotFound': 'The SecretId is not found, please ensure that your SecretId is correct.',
  'AuthFailure.SignatureExpire': 'Signature expired. Timestamp and server time cannot differ by more than 5 minutes.',
  'AuthFailure.SignatureFailure': 'The provided credentials could not be validated. Please check your signature is correct.',
  InvalidAction: 'The requested action is not supported.',
  NoSuchVersion: 'The requested version does not exist or is not supported.',
  MissingParameter: 'The request is missing a required parameter.',
  InvalidParameter: 'A parameter is invalid.',
  'InvalidParameterValue.SdkAppIdNotExist': 'the SdkAppId does not exist.',
  'InvalidParameterValue.IncorrectPhoneNumber': 'incorrect number format',
  'InvalidParameterValue.TemplateParameterFormatError': 'verification code template parameter format error',
  'LimitExceeded.PhoneNumberCountLimit': 'the number of phone numbers exceeds the upper limit (200)',
  'LimitExceeded.PhoneNumberThirtySecondLimit': 'the number of sms messages sent from a single mobile number within 30 seconds exceeds the upper limit',
  'LimitExceeded.PhoneNumberOneHourLimit': 'the number of sms messages sent from a single mobile number within 1 hour exceeds the upper limit',
  'LimitExceeded.PhoneNumberDailyLimit': 'the number of sms messages sent from a single mobile number every day exceeds the upper limit',
  'LimitExceeded.DeliveryFrequencyLimit': 'delivery frequency limit',
  'FailedOperation.SignatureIncorrectOrUnapproved': 'signature format error or signature not approved',
  'FailedOperation.TemplateIncorrectOrUnapproved': 'template is not approved or request content does not match the approved template content',
  'FailedOperation.TemplateParamSetNotMatchApprovedTemplate': 'request content does not match the approved template content',
  'FailedOperation.PhoneNumberInBlacklist': 'the phone number is in blacklist (the user unsubscribed or is on the carrier blocklist)',
  'FailedOperation.InsufficientBalanceInSmsPackage': 'insufficient balance in sms package',
  'InternalError.Timeout': 'request timeout',
  'InternalError.OtherError': 'other error',
  InternalError: 'internal error',
  RequestLimitExceeded: 'request limit exceeded',
};

/** Error codes `/__sandbox/faults {sms}` may inject into the next SendSms calls. */
export const SMS_FAULT_CODES = [
  'InternalError',
  'InternalError.Timeout',
  'InternalError.OtherError',
  'RequestLimitExceeded',
  'LimitExceeded.DeliveryFrequencyLimit',
  'FailedOperation.InsufficientBalanceInSmsPackage',
  'FailedOperation.SignatureIncorrectOrUnapproved',
  'FailedOperation.TemplateIncorrectOrUnapproved',
  'AuthFailure.SignatureFailure',
] as const;

class SmsApiError extends Error {
  constructor(readonly code: string) {
    super(MESSAGES[code] ?? code);
  }
}

function answer(reply: FastifyReply, response: object): FastifyReply {
  return reply
    .code(200)
    .header('content-type', 'application/json')
    .header('x-tc-traceid', randomUUID())
    .send(JSON.stringify({ Response: { ...response, RequestId: randomUUID() } }));
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

const AUTHORIZATION = /^TC3-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/,\s]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/**
 * Checks a TC3-HMAC-SHA256 Authorization (Tencent Cloud API 3.0 签名方法 v3): the SecretId, the
 * timestamp within 5 minutes of the sandbox clock, the credential date = the timestamp's UTC date,
 * and the HMAC over the canonical request (signed headers as sent, `host` without its port as the
 * SDK signs it, the SHA-256 of the raw body). The scope's service must be `sms`, or what the SDK
 * derives from an endpoint that is not `sms.tencentcloudapi.com`: the Host up to its first dot.
 */
export function verifyTc3(gateway: SmsGateway, request: FastifyRequest, body: string, nowMs: number): void {
  const authorization = header(request, 'authorization') ?? '';
  const match = AUTHORIZATION.exec(authorization);
  if (!match) throw new SmsApiError('AuthFailure.InvalidAuthorization');
  const [, secretId, date, service, signedHeaders, signature] = match;
  if (secretId !== gateway.account.secretId) throw new SmsApiError('AuthFailure.SecretIdNotFound');
  const timestamp = Number(header(request, 'x-tc-timestamp'));
  if (!Number.isSafeInteger(timestamp)) throw new SmsApiError('AuthFailure.InvalidAuthorization');
  if (Math.abs(nowMs / 1000 - timestamp) > 300) throw new SmsApiError('AuthFailure.SignatureExpire');
  const host = header(request, 'host') ?? '';
  if (service !== 'sms' && service !== host.split('.')[0]) throw new SmsApiError('AuthFailure.SignatureFailure');
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) throw new SmsApiError('AuthFailure.SignatureFailure');
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('content-type')) throw new SmsApiError('AuthFailure.InvalidAuthorization');
  const canonicalHeaders = names
    .map((name) => {
      const value = name === 'host' ? host.replace(/:\d+$/, '') : (header(request, name) ?? '');
      return `${name}:${value.trim().toLowerCase()}\n`;
    })
    .join('');
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
  const canonicalRequest = [request.method, '/', query, canonicalHeaders, signedHeaders, createHash('sha256').update(body).digest('hex')].join('\n');
  const stringToSign = ['TC3-HMAC-SHA256', String(timestamp), `${date}/${service}/tc3_request`, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${gateway.account.secretKey}`, date), service), 'tc3_request');
  const expected = hmac(signingKey, stringToSign);
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) throw new SmsApiError('AuthFailure.SignatureFailure');
}

/** `+8613812345678`, `008613812345678`, `8613812345678` and `13812345678` are the same mainland number. */
export function normalisePhone(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/.exec(value.trim());
  return match ? `+86${match[1]}` : null;
}

function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new SmsApiError('InvalidParameter');
  return value as string[];
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined || value === null || value === '') throw new SmsApiError('MissingParameter');
  if (typeof value !== 'string') throw new SmsApiError('InvalidParameter');
  return value;
}

function fill(content: string, params: string[]): string {
  return content.replace(/\{(\d+)\}/g, (_whole, n: string) => params[Number(n) - 1] ?? '');
}

function placeholders(content: string): number {
  return new Set(content.match(/\{\d+\}/g) ?? []).size;
}

/** A mainland SMS is one fee up to 70 characters with the 【sign】, then 67 per part. */
function feeOf(text: string): number {
  const length = [...text].length;
  return length <= 70 ? 1 : Math.ceil(length / 67);
}

function serialNo(): string {
  return `2640:${randomBytes(16).toString('hex').replace(/\D/g, '').padEnd(20, '7').slice(0, 20)}`;
}

interface SendStatus {
  SerialNo: string;
  PhoneNumber: string;
  Fee: number;
  SessionContext: string;
  Code: string;
  Message: string;
  IsoCode: string;
}

/** One SendSms call after authentication: request-level errors throw, per-number outcomes are answered. */
export function sendSms(gateway: SmsGateway, body: Record<string, unknown>, nowMs: number): { SendStatusSet: SendStatus[] } {
  const phones = body.PhoneNumberSet;
  if (phones === undefined || phones === null) throw new SmsApiError('MissingParameter');
  const numbers = strings(phones);
  if (numbers.length === 0) throw new SmsApiError('MissingParameter');
  if (numbers.length > 200) throw new SmsApiError('LimitExceeded.PhoneNumberCountLimit');
  const sdkAppId = requiredString(body, 'SmsSdkAppId');
  if (sdkAppId !== gateway.account.sdkAppId) throw new SmsApiError('InvalidParameterValue.SdkAppIdNotExist');
  const templateId = requiredString(body, 'TemplateId');
  const sign = requiredString(body, 'SignName');
  if (!gateway.account.signNames.includes(sign)) throw new SmsApiError('FailedOperation.SignatureIncorrectOrUnapproved');
  const template = gateway.account.templates[templateId];
  if (!template) throw new SmsApiError('FailedOperation.TemplateIncorrectOrUnapproved');
  const params = strings(body.TemplateParamSet);
  if (params.length !== placeholders(template.content)) throw new SmsApiError('FailedOperation.TemplateParamSetNotMatchApprovedTemplate');
  const sessionContext = typeof body.SessionContext === 'string' ? body.SessionContext : '';
  const extendCode = typeof body.ExtendCode === 'string' ? body.ExtendCode : '';
  const text = `【${sign}】${fill(template.content, params)}`;
  const contentKey = `${templateId}\t${params.join('\t')}`;
  const statuses = numbers.map((raw): SendStatus => {
    const phone = normalisePhone(raw);
    const refuse = (code: string): SendStatus => ({
      SerialNo: '',
      PhoneNumber: phone ?? raw,
      Fee: 0,
      SessionContext: sessionContext,
      Code: code,
      Message: MESSAGES[code] ?? code,
      IsoCode: phone ? 'CN' : '',
    });
    if (!phone) return refuse('InvalidParameterValue.IncorrectPhoneNumber');
    if (template.kind === 'marketing' && gateway.blacklist.has(phone)) return refuse('FailedOperation.PhoneNumberInBlacklist');
    const limited = gateway.limitCode(phone, contentKey);
    if (limited) return refuse(limited);
    gateway.recordSend(phone, contentKey);
    const delivery: SmsDelivery = {
      to: phone,
      sign,
      template: templateId,
      kind: template.kind,
      params,
      content: text,
      serialNo: serialNo(),
      fee: feeOf(text),
      sessionContext,
      extendCode,
      at: new Date(nowMs).toISOString(),
    };
    gateway.deliveries.push(delivery);
    if (gateway.deliveries.length > 10_000) gateway.deliveries.splice(0, gateway.deliveries.length - 10_000);
    return { SerialNo: delivery.serialNo, PhoneNumber: phone, Fee: delivery.fee, SessionContext: sessionContext, Code: 'Ok', Message: MESSAGES.Ok, IsoCode: 'CN' };
  });
  return { SendStatusSet: statuses };
}

/**
 * `POST /` — Tencent Cloud API 3.0 as the SDK calls it (X-TC-Action `SendSms`, X-TC-Version
 * `2021-01-11`). Checked in this order: authentication, action and version, a pending fault, then
 * the request.
 */
export function registerSmsRoutes(scope: FastifyInstance, gateway: SmsGateway, now: () => number, signatureNow: () => number = now): void {
  scope.post('/', async (request, reply) => {
    const text = rawBody(request);
    try {
      verifyTc3(gateway, request, text, signatureNow());
      if (header(request, 'x-tc-action') !== 'SendSms') throw new SmsApiError('InvalidAction');
      if (header(request, 'x-tc-version') !== SMS_VERSION) throw new SmsApiError('NoSuchVersion');
      if (gateway.fault) {
        const { code } = gateway.fault;
        gateway.fault.remaining -= 1;
        if (gateway.fault.remaining <= 0) gateway.fault = null;
        throw new SmsApiError(code);
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new SmsApiError('InvalidParameter');
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new SmsApiError('InvalidParameter');
      return answer(reply, sendSms(gateway, body as Record<string, unknown>, now()));
    } catch (error) {
      if (!(error instanceof SmsApiError)) throw error;
      return answer(reply, { Error: { Code: error.code, Message: error.message } });
    }
  });
}

/** What `POST /__sandbox/sms/reply` reports: the callback Tencent made, and whether the number is now blacklisted. */
export interface SmsReplyOutcome {
  phone: string;
  text: string;
  optedOut: boolean;
  callback: { url: string; body: object; status: number | null; answer: string | null; error?: string } | null;
}

/**
 * The user answers an SMS (e.g. `TD`): an opt-out word puts the number on the account's blacklist
 * (marketing sends then answer FailedOperation.PhoneNumberInBlacklist), and the reply goes to the
 * reply URL as Tencent's 短信回复 callback (one attempt, 5 s).
 */
export async function replySms(gateway: SmsGateway, body: Record<string, unknown>, nowMs: number, cancel: AbortSignal): Promise<SmsReplyOutcome> {
  const phone = normalisePhone(body.phone);
  if (!phone) throw new ControlError(400, 'phone must be a mainland mobile number, e.g. 13812345678 or +8613812345678');
  if (typeof body.text !== 'string' || body.text.trim() === '') throw new ControlError(400, 'text is required');
  const sign = body.sign === undefined ? (gateway.account.signNames[0] ?? '') : body.sign;
  if (typeof sign !== 'string') throw new ControlError(400, 'sign must be a string');
  const extend = body.extend === undefined ? '' : body.extend;
  if (typeof extend !== 'string') throw new ControlError(400, 'extend must be a string');
  const optedOut = isOptOutReply(body.text);
  if (optedOut) gateway.blacklist.add(phone);
  const url = gateway.account.replyUrl;
  if (!url) return { phone, text: body.text, optedOut, callback: null };
  const callbackBody = { extend, mobile: phone.slice(3), nationcode: '86', sign, text: body.text, time: Math.floor(nowMs / 1000) };
  try {
    const posted = await postOnce(new URL(url), JSON.stringify(callbackBody), { 'content-type': 'application/json' }, 5000, cancel);
    return { phone, text: body.text, optedOut, callback: { url, body: callbackBody, status: posted.status, answer: posted.body } };
  } catch (error) {
    return { phone, text: body.text, optedOut, callback: { url, body: callbackBody, status: null, answer: null, error: (error as Error).message } };
  }
}

function isTemplate(value: unknown): value is SmsTemplate {
  const template = value as SmsTemplate;
  return (
    typeof template === 'object' &&
    template !== null &&
    (template.kind === 'notification' || template.kind === 'marketing') &&
    typeof template.content === 'string' &&
    template.content !== ''
  );
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new ControlError(400, `${name} must be a positive integer`);
  return value;
}

/** `GET /__sandbox/sms/account`: the account as its client must be configured (secret included: it is a sandbox). */
export function smsAccountView(gateway: SmsGateway): SmsAccountOptions {
  return { ...gateway.account, signNames: [...gateway.account.signNames], templates: { ...gateway.account.templates }, limits: { ...gateway.account.limits } };
}

/** `POST /__sandbox/sms/account {signNames?, templates?, replyUrl?, limits?}`: the console's settings; the rest is kept. */
export function configureSmsAccount(gateway: SmsGateway, body: Record<string, unknown>): SmsAccountOptions {
  const next = smsAccountView(gateway);
  if (body.signNames !== undefined) {
    if (!Array.isArray(body.signNames) || !body.signNames.every((s) => typeof s === 'string' && s !== '')) {
      throw new ControlError(400, 'signNames must be a list of sign names');
    }
    next.signNames = body.signNames as string[];
  }
  if (body.templates !== undefined) {
    const templates = body.templates as Record<string, unknown>;
    if (typeof templates !== 'object' || templates === null || Array.isArray(templates)) throw new ControlError(400, 'templates must be an object of id → {kind, content}');
    for (const [id, template] of Object.entries(templates)) {
      if (!/^\d+$/.test(id)) throw new ControlError(400, `templates: ${id} is not a template id (digits)`);
      if (template === null) delete next.templates[id];
      else if (!isTemplate(template)) throw new ControlError(400, `templates.${id} must be {kind: 'notification' | 'marketing', content}`);
      else next.templates[id] = { kind: template.kind, content: template.content };
    }
  }
  if (body.replyUrl !== undefined) {
    if (body.replyUrl !== null && (typeof body.replyUrl !== 'string' || !/^https?:\/\//.test(body.replyUrl))) {
      throw new ControlError(400, 'replyUrl must be an http(s) URL or null');
    }
    next.replyUrl = body.replyUrl as string | null;
  }
  if (body.limits !== undefined) {
    const limits = body.limits as Record<string, unknown>;
    if (typeof limits !== 'object' || limits === null) throw new ControlError(400, 'limits must be an object');
    for (const key of ['sameContentPer30s', 'perHour', 'perDay'] as const) {
      if (limits[key] !== undefined) next.limits[key] = positiveInteger(limits[key], `limits.${key}`);
    }
  }
  gateway.account = next;
  return smsAccountView(gateway);
}

/** `POST /__sandbox/faults {sms, times?}`: the next `times` SendSms calls answer `Response.Error.Code = sms`. */
export function injectSmsFault(gateway: SmsGateway, body: Record<string, unknown>): { sms: string; message: string; remaining: number } {
  const code = body.sms;
  if (typeof code !== 'string' || !(SMS_FAULT_CODES as readonly string[]).includes(code)) {
    throw new ControlError(400, `sms must be one of ${SMS_FAULT_CODES.join(', ')}`);
  }
  const times = body.times ?? 1;
  const remaining = positiveInteger(times, 'times');
  gateway.fault = { code, remaining };
  return { sms: code, message: MESSAGES[code] ?? code, remaining };
}
