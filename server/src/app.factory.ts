import { existsSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { API_ERRORS, API_ROUTES, AVATAR_MAX_BYTES, type ApiError, type ApiErrorCode } from '@wemember/shared';
import fastifyStatic from '@fastify/static';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { Clock } from './common/clock';
import { registerSecurityHeaders } from './common/security-headers';
import { registerDocsUi } from './docs/docs-ui';
import { registerXmlBodies } from './official-account/push-body';
import type { AppConfig } from './config/app-config';
import { z } from 'zod';
import { AppModule } from './app.module';

// Messages a schema does not spell out itself come in Chinese too.
z.config(z.locales.zhCN());

/**
 * Builds the whole server: API under /api, the H5 build at / when present. Used by main.ts, the
 * demo starter and every e2e test, so what is tested is what runs.
 */
export interface AppOptions {
  /** Where "now" comes from (tests move it); the system clock by default. */
  now?: () => number;
}

/** The base64 of the largest avatar, with room for the JSON around it. */
export const AVATAR_BODY_LIMIT_BYTES = Math.ceil((AVATAR_MAX_BYTES * 4) / 3) + 4 * 1024;

export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // What Fastify refuses before routing (a URL that is not valid percent-encoding, a path segment
    // past maxParamLength) and what Node refuses before Fastify (headers past its limit) answer in
    // the API's own error shape too, without echoing the URL.
    // (Typed loosely: Nest's adapter carries its own copy of Fastify's types.)
    frameworkErrors: (error: { code?: string }, _request: unknown, reply: any) => {
      const code = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'URL_TOO_LONG' : 'URL_INVALID';
      void reply.status(API_ERRORS[code].status).type('application/json; charset=utf-8').send(apiError(code));
    },
    clientErrorHandler: (error: Error, socket: Socket) => {
      if (!socket.writable) return socket.destroy(error);
      const code = (error as { code?: string }).code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'MALFORMED_BODY';
      const body = JSON.stringify(apiError(code));
      const status = API_ERRORS[code].status;
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
  });
  // The avatar upload carries up to 256 KB of image as base64 in JSON (about 350 KB): that one route
  // gets the room it needs, every other route keeps the configured limit.
  adapter.getInstance().addHook('onRoute', (route) => {
    if (route.url === `/api${API_ROUTES.memberSetAvatar.path}` && route.method === API_ROUTES.memberSetAvatar.method) {
      route.bodyLimit = Math.max(config.bodyLimitBytes, AVATAR_BODY_LIMIT_BYTES);
    }
  });
  // The official account's pushes arrive as text/xml (docs/official-account.md).
  registerXmlBodies(adapter.getInstance() as never);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(config, new Clock(options.now)), adapter, {
    rawBody: true,
    logger: loggerLevels(config.logLevel),
  });
  app.setGlobalPrefix('api');
  // Also answers Fastify's body-parser failures (malformed JSON, too large) in the ApiError shape.
  app.useGlobalFilters(new ApiExceptionFilter());
  app.enableShutdownHooks();
  await registerSecurityHeaders(app, config);

  if (config.apiDocs) registerDocsUi(app);
  if (config.h5Dir && existsSync(config.h5Dir)) {
    await app.register(fastifyStatic as never, { root: config.h5Dir, prefix: '/', index: ['index.html'], wildcard: true });
  }
  await app.init();
  return app;
}

function loggerLevels(level: AppConfig['logLevel']): ('error' | 'warn' | 'log' | 'debug')[] {
  const order = ['error', 'warn', 'log', 'debug'] as const;
  return order.slice(0, order.indexOf(level) + 1);
}

function apiError(code: ApiErrorCode): ApiError {
  return { statusCode: API_ERRORS[code].status, code, message: API_ERRORS[code].message };
}
