import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CLOCK_SKEW_SECONDS, parseAuthorization, requestMessage, rsaVerify, sameSerial, signatureHeaders } from './pay-crypto';
import type { PayKeys } from './pay-keys';
import type { PayNotifier, Verification } from './pay-notify';
import type { SandboxState } from './state';
import { rawBody } from './wechat-http';

/** Everything the WeChat Pay routes share. */
export interface PayContext {
  state: SandboxState;
  keys: PayKeys;
  notifier: PayNotifier;
}

export interface PayErrorDetail {
  field: string;
  value?: unknown;
  issue: string;
  location: 'body' | 'path' | 'query' | 'authorization';
}

/**
 * A WeChat Pay API error: an HTTP status and `{code, message, detail?}` (§1.2), e.g.
 * `400 {"code":"PARAM_ERROR","message":"参数错误","detail":{"field":"/amount/total",…}}`.
 */
export class PayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: PayErrorDetail,
  ) {
    super(message);
    this.name = 'PayError';
  }
}

/** 400 PARAM_ERROR naming the field (a JSON pointer, as WeChat Pay writes it) and the reason. */
export function paramError(field: string, issue: string, value?: unknown, location: PayErrorDetail['location'] = 'body'): PayError {
  return new PayError(400, 'PARAM_ERROR', '参数错误', { field, value, issue, location });
}

function signError(issue: string, field = 'signature'): PayError {
  return new PayError(401, 'SIGN_ERROR', '错误的签名，验签失败', { field, issue, location: 'authorization' });
}

export type PayAnswer = { status: 200; json: object } | { status: 204 };

export interface PayCall {
  request: FastifyRequest;
  /** The raw body the merchant signed; `{}` when empty. */
  body: Record<string, unknown>;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * §H.1: the merchant's `Authorization` over method, path with query, timestamp, nonce and the raw
 * body; serial compared case-insensitively, timestamp within 5 minutes of the sandbox clock.
 */
function authenticate(context: PayContext, request: FastifyRequest, body: string): void {
  const auth = parseAuthorization(header(request, 'authorization'));
  if (!auth) throw signError('Authorization must be WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"', 'authorization');
  const { mchid, nonce_str: nonce, timestamp, serial_no: serial, signature } = auth;
  if (!mchid || !nonce || !timestamp || !serial || !signature) throw signError('Authorization lacks one of mchid, nonce_str, timestamp, serial_no, signature', 'authorization');
  if (mchid !== context.keys.mchid) throw signError(`mchid ${mchid} is not the sandbox merchant`, 'mchid');
  if (!sameSerial(serial, context.keys.merchantSerialNo)) throw signError(`serial_no ${serial} is not the merchant certificate's`, 'serial_no');
  const skew = Math.abs(Math.floor(context.state.now() / 1000) - Number(timestamp));
  if (!/^\d+$/.test(timestamp) || skew > CLOCK_SKEW_SECONDS) throw signError(`timestamp ${timestamp} is more than 5 minutes off`, 'timestamp');
  const message = requestMessage(request.method, request.url, timestamp, nonce, body);
  if (!rsaVerify(context.keys.merchantCertPem, message, signature)) throw signError('sign not match');
}

function parseBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PayError(400, 'PARAM_ERROR', '参数错误', { field: '/', issue: 'the body is not JSON', location: 'body' });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new PayError(400, 'PARAM_ERROR', '参数错误', { field: '/', issue: 'the body is not a JSON object', location: 'body' });
  }
  return parsed as Record<string, unknown>;
}

/**
 * The merchant picks the key it wants answers signed with by sending `Wechatpay-Serial` (§H.2); any
 * other serial, or none, gets the sandbox's current mode.
 */
function answerVerification(context: PayContext, request: FastifyRequest): Verification {
  const wanted = header(request, 'wechatpay-serial');
  if (wanted === context.keys.publicKeyId) return 'public_key';
  if (wanted && sameSerial(wanted, context.keys.platformSerialNo)) return 'certificate';
  return context.notifier.settings.verification;
}

function send(context: PayContext, request: FastifyRequest, reply: FastifyReply, status: number, json: object | null): FastifyReply {
  const body = json === null ? '' : JSON.stringify(json);
  const key = context.notifier.signingKey(answerVerification(context, request));
  reply
    .code(status)
    .header('request-id', randomBytes(16).toString('hex').toUpperCase())
    .headers({ ...signatureHeaders(key, Math.floor(context.state.now() / 1000), body) });
  if (json === null) return reply.send();
  // A Buffer, so that Fastify sends exactly the bytes that were signed.
  return reply.header('content-type', 'application/json; charset=utf-8').send(Buffer.from(body, 'utf8'));
}

/**
 * Registers a WeChat Pay v3 endpoint: authenticates the merchant, answers `{code, message}` errors
 * with their HTTP status, signs every answer (§1.2, §H.2), and records the call for
 * `/__sandbox/requests` with its `status` and `code`.
 */
export function payRoute(
  scope: FastifyInstance,
  context: PayContext,
  method: 'GET' | 'POST',
  url: string,
  handler: (call: PayCall) => PayAnswer | Promise<PayAnswer>,
): void {
  scope.route({
    method,
    url,
    handler: async (request, reply) => {
      const text = rawBody(request);
      let status: number;
      let json: object | null;
      let body: Record<string, unknown> | null = null;
      try {
        authenticate(context, request, text);
        body = parseBody(text);
        const answer = await handler({ request, body });
        status = answer.status;
        json = answer.status === 200 ? answer.json : null;
      } catch (error) {
        const payError = error instanceof PayError ? error : new PayError(500, 'SYSTEM_ERROR', '系统错误');
        if (!(error instanceof PayError)) request.log.error({ err: error }, 'sandbox pay handler failed');
        status = payError.status;
        json = { code: payError.code, message: payError.message, ...(payError.detail && { detail: payError.detail }) };
      }
      const code = status >= 400 ? (json as { code: string }).code : null;
      context.state.recordRequest({
        method: request.method,
        path: request.url.split('?')[0] ?? request.url,
        query: { ...(request.query as Record<string, unknown>) },
        body: body ?? (text === '' ? null : text),
        at: context.state.isoNow(),
        appid: typeof body?.appid === 'string' ? body.appid : null,
        errcode: null,
        status,
        code,
      });
      return send(context, request, reply, status, json);
    },
  });
}
