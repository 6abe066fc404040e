import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { controlApi } from './control';
import { registerLoginRoutes } from './login';
import { registerMessageRoutes } from './messages';
import { OfficialAccountPusher } from './oa-push';
import { registerOfficialAccountRoutes } from './official-account';
import { registerPhoneRoutes } from './phone';
import { SandboxState, type SandboxApp } from './state';
import { registerTokenRoutes } from './tokens';
import { acceptRawBodies } from './wechat-http';
import { registerWxacodeRoutes } from './wxacode';

export type { SandboxApp } from './state';

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  apps?: SandboxApp[];
  /** Mini-program pages that exist in the released version (check_path, §F). */
  pages?: string[];
  logger?: boolean;
  /** The sandbox clock in ms (default Date.now): tests move it to expire codes and tokens. */
  now?: () => number;
  /** How long a push waits for the account server's answer before retrying (default 5000, §G.3). */
  pushTimeoutMs?: number;
}

export interface RunningSandbox {
  /** e.g. http://127.0.0.1:3100 */
  url: string;
  port: number;
  close(): Promise<void>;
  registerApp(app: SandboxApp): void;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = opts.host ?? '127.0.0.1';
  const now = opts.now ?? Date.now;
  const state = new SandboxState(now, opts.pages ?? [], opts.pushTimeoutMs ?? 5000);
  for (const app of opts.apps ?? []) state.registerApp(app);
  const pusher = new OfficialAccountPusher(now, state.pushTimeoutMs);

  const server = Fastify({ logger: opts.logger ?? false });
  await server.register(async (wechat) => {
    acceptRawBodies(wechat);
    registerTokenRoutes(wechat, state);
    registerLoginRoutes(wechat, state);
    registerPhoneRoutes(wechat, state);
    registerWxacodeRoutes(wechat, state);
    registerMessageRoutes(wechat, state, pusher);
    registerOfficialAccountRoutes(wechat, state);
  });
  await server.register(controlApi(state, pusher), { prefix: '/__sandbox' });
  server.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `the WeChat sandbox does not implement ${request.method} ${request.url.split('?')[0]}` }),
  );

  await server.listen({ host, port: opts.port ?? 0 });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    async close() {
      pusher.close();
      await server.close();
    },
    registerApp(app) {
      state.registerApp(app);
    },
  };
}
