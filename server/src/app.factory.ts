import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { Clock } from './common/clock';
import { registerSecurityHeaders } from './common/security-headers';
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

export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, trustProxy: config.trustProxy });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(config, new Clock(options.now)), adapter, {
    rawBody: true,
    logger: loggerLevels(config.logLevel),
  });
  app.setGlobalPrefix('api');
  // Also answers Fastify's body-parser failures (malformed JSON, too large) in the ApiError shape.
  app.useGlobalFilters(new ApiExceptionFilter());
  app.enableShutdownHooks();
  await registerSecurityHeaders(app, config);

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
