import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { API_ROUTES, type ApiError, type ApiRoute } from '@wemember/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DOMAIN_ERRORS, DomainError, DomainErrorCode } from './domain-error';

/** Maps every error to the one ApiError shape. Anything unexpected is logged and answered with 500 without details. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');
  private lastOutageLog = 0;

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let { body, headers } = this.toApiError(exception);
    if (body.code === 'ROUTE_NOT_FOUND') {
      // The path exists with other methods: 405 and the methods it has, not "no such interface".
      const request = host.switchToHttp().getRequest<FastifyRequest>();
      const allowed = methodsServing(request.url);
      if (allowed.length && !allowed.includes(request.method)) {
        body = { statusCode: DOMAIN_ERRORS.METHOD_NOT_ALLOWED.status, code: 'METHOD_NOT_ALLOWED', message: `${DOMAIN_ERRORS.METHOD_NOT_ALLOWED.message}：请使用 ${allowed.join('、')}` };
        headers = { ...headers, Allow: allowed.join(', ') };
      }
    }
    if (headers) reply.headers(headers);
    // Always JSON: a route's @Header('Content-Type', …) (an image, say) is already on the reply when its handler throws.
    void reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
  }

  toApiError(exception: unknown): { body: ApiError; headers?: Record<string, string> } {
    if (exception instanceof DomainError) {
      return {
        body: { statusCode: exception.status, code: exception.code, message: exception.message, ...(exception.issues && { issues: exception.issues }) },
        headers: exception.headers,
      };
    }
    if (isDatabaseUnreachable(exception)) {
      // An outage, not a bug: 503 with a message the shopper or clerk can act on (try again), and
      // one log line per outage rather than a stack per request.
      const now = Date.now();
      if (now - this.lastOutageLog > 60_000) this.logger.error(`database unreachable (${describe(exception)}); answering 503 until it is back`);
      this.lastOutageLog = now;
      return { body: { statusCode: DOMAIN_ERRORS.BUSY_RETRY.status, code: 'BUSY_RETRY', message: DOMAIN_ERRORS.BUSY_RETRY.message } };
    }
    const status = statusOf(exception);
    if (status !== undefined && status < 500) {
      const code = codeForStatus(status, exception);
      return { body: { statusCode: DOMAIN_ERRORS[code].status, code, message: DOMAIN_ERRORS[code].message } };
    }
    this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    return { body: { statusCode: DOMAIN_ERRORS.INTERNAL.status, code: 'INTERNAL', message: DOMAIN_ERRORS.INTERNAL.message } };
  }
}

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Framework-level 4xx (Fastify's body parser, Nest's router) as our codes. */
function codeForStatus(status: number, exception: unknown): DomainErrorCode {
  const fastifyCode = (exception as { code?: unknown } | null)?.code;
  if (status === 413) return 'BODY_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 404) return 'ROUTE_NOT_FOUND';
  if (status === 405) return 'METHOD_NOT_ALLOWED';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'UNSUPPORTED_MEDIA_TYPE';
  if (typeof fastifyCode === 'string' && fastifyCode.startsWith('FST_ERR_CTP')) return 'MALFORMED_BODY';
  return status === 400 ? 'MALFORMED_BODY' : 'VALIDATION_FAILED';
}

/** Each API route's path as a pattern of the URL path under /api (a `:param` is one segment). */
const ROUTE_PATTERNS = (Object.values(API_ROUTES) as ApiRoute[]).map((route) => ({
  method: route.method,
  pattern: new RegExp(`^/api${route.path.replace(/:\w+/g, '[^/]+')}/?$`),
}));

/** The methods the API serves at this URL's path (none: the path itself is unknown). */
function methodsServing(url: string): string[] {
  const path = url.split('?')[0];
  return [...new Set(ROUTE_PATTERNS.filter((r) => r.pattern.test(path)).map((r) => r.method))];
}

/** Error codes of a database connection that failed or went away (mysql2 and Node's sockets). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_SERVER_GONE_ERROR',
  'SQLITE_BUSY',
]);

/** The database could not be reached or dropped the connection (directly, or as a QueryFailedError's driver error). */
function isDatabaseUnreachable(exception: unknown): boolean {
  for (let error = exception as { code?: unknown; driverError?: unknown; message?: unknown } | null | undefined, depth = 0; error && depth < 3; depth++) {
    if (typeof error.code === 'string' && CONNECTION_CODES.has(error.code)) return true;
    if (typeof error.message === 'string' && /Pool is closed|Connection lost|Can't add new command when connection is in closed state/.test(error.message)) return true;
    error = error.driverError as typeof error;
  }
  return false;
}

const describe = (exception: unknown) => {
  const e = exception as { code?: unknown; driverError?: { code?: unknown } };
  return String(e?.code ?? e?.driverError?.code ?? 'connection error');
};
