import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorEnvelope, WechatError, type WechatErrcode } from './errors';
import { takeFault } from './faults';
import type { SandboxState } from './state';

/** WeChat answers JSON, errors included, with this exact Content-Type and HTTP 200 (§1.1). */
export const WECHAT_JSON_CONTENT_TYPE = 'application/json; encoding=utf-8';

export type WechatAnswer = { json: object } | { image: Buffer; contentType: string };

export type WechatHandler = (request: FastifyRequest) => WechatAnswer | Promise<WechatAnswer>;

const BIGINT_MARK = '__sandbox_bigint__';

/** JSON with bigint values written as bare numbers, as WeChat writes template msgids (§D). */
export function toWireJson(value: unknown): string {
  const marked = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? `${BIGINT_MARK}${item.toString()}` : item,
  );
  return marked.replace(new RegExp(`"${BIGINT_MARK}(-?\\d+)"`, 'g'), '$1');
}

/** WeChat reads the body as JSON whatever the Content-Type says, so the scope keeps it raw. */
export function acceptRawBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}

export function rawBody(request: FastifyRequest): string {
  return Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
}

export type Query = Record<string, string | undefined>;

export function queryOf(request: FastifyRequest): Query {
  return (request.query ?? {}) as Query;
}

/**
 * The JSON object in a POST body. `invalid` is the errcode for a body that is not a JSON object
 * (47001 in general, 40169 for getwxacodeunlimit §F); an empty body is 44002 unless overridden.
 */
export function jsonObjectBody(
  request: FastifyRequest,
  invalid: WechatErrcode = 47001,
  empty: WechatErrcode = 44002,
): Record<string, unknown> {
  const text = rawBody(request);
  if (text.trim() === '') throw new WechatError(empty);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WechatError(invalid);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new WechatError(invalid);
  return parsed as Record<string, unknown>;
}

function bodyForLog(request: FastifyRequest): unknown {
  const text = rawBody(request);
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function actingAppid(state: SandboxState, request: FastifyRequest, body: unknown): string | null {
  const query = queryOf(request);
  if (query.appid) return query.appid;
  const bodyAppid = (body as { appid?: unknown } | null)?.appid;
  if (typeof bodyAppid === 'string') return bodyAppid;
  if (query.access_token) return state.appOwningToken(query.access_token)?.app.appid ?? null;
  return null;
}

function send(reply: FastifyReply, answer: WechatAnswer): FastifyReply {
  if ('image' in answer) return reply.code(200).header('content-type', answer.contentType).send(answer.image);
  // A Buffer, so that Fastify sends the Content-Type verbatim instead of appending a charset.
  const json = Buffer.from(toWireJson(answer.json), 'utf8');
  return reply.code(200).header('content-type', WECHAT_JSON_CONTENT_TYPE).send(json);
}

function asWechatError(error: unknown, request: FastifyRequest): WechatError {
  if (error instanceof WechatError) return error;
  request.log.error({ err: error }, 'sandbox handler failed');
  return new WechatError(-1);
}

/**
 * Registers a WeChat endpoint: every call is recorded for `/__sandbox/requests`, business errors
 * become `{errcode, errmsg}` with HTTP 200, a GET on a POST-only API is 43002, and a pending
 * `/__sandbox/faults` entry for the path answers its errcode instead of the handler.
 */
export function wechatRoute(
  scope: FastifyInstance,
  state: SandboxState,
  method: 'GET' | 'POST',
  path: string,
  handler: WechatHandler,
): void {
  state.endpoints.add(path);
  scope.route({
    method: method === 'POST' ? ['GET', 'POST'] : ['GET'],
    url: path,
    handler: async (request, reply) => {
      let answer: WechatAnswer;
      let faulted = false;
      try {
        if (request.method !== method) throw new WechatError(43002);
        const fault = takeFault(state, path);
        faulted = fault !== undefined;
        // WeChat's own errmsg, no sandbox detail: the caller sees what WeChat would send.
        answer = fault === undefined ? await handler(request) : { json: errorEnvelope(new WechatError(fault)) };
      } catch (error) {
        answer = { json: errorEnvelope(asWechatError(error, request)) };
      }
      const body = bodyForLog(request);
      const errcode = 'json' in answer ? (answer.json as { errcode?: number }).errcode : undefined;
      state.recordRequest({
        method: request.method,
        path: request.url.split('?')[0] ?? request.url,
        query: { ...queryOf(request) },
        body,
        at: state.isoNow(),
        appid: actingAppid(state, request, body),
        errcode: errcode ?? null,
        ...(faulted && { fault: true as const }),
      });
      return send(reply, answer);
    },
  });
}
