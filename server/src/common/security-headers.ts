import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../config/app-config';

/**
 * The hashes of the H5 page's inline scripts (Taro inlines the rem sizing script into index.html),
 * so the CSP can allow exactly them instead of every inline script.
 */
function inlineScriptHashes(h5Dir: string | null): string[] {
  const index = h5Dir ? join(h5Dir, 'index.html') : null;
  if (!index || !existsSync(index)) return [];
  const html = readFileSync(index, 'utf8');
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
}

/**
 * Security headers on every answer (helmet): nosniff, no referrer, no framing of any page (the staff
 * pages above all: clickjacking a refund button), and a CSP that fits the H5 build — its own
 * scripts plus the hashed inline one, inline styles (Taro's components inject them), images from
 * data: and blob: URLs (the card's codes), and calls to the API and, in development, to the WeChat
 * sandbox the H5 build talks to. HSTS only on answers that went out over TLS (behind a proxy that
 * says so), so a plain-HTTP development server never pins itself to HTTPS.
 */
export async function registerSecurityHeaders(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const connect = ["'self'", ...(config.wechat.sandboxUrl ? [config.wechat.sandboxUrl] : [])];
  await app.register(helmet as never, {
    hsts: false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...inlineScriptHashes(config.h5Dir)],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: connect,
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply) => {
      if (request.protocol === 'https') reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    });
}
