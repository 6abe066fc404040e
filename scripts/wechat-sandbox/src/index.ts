import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { controlApi } from './control';
import { registerLoginRoutes } from './login';
import { registerMessageRoutes } from './messages';
import { OfficialAccountPusher } from './oa-push';
import { registerOfficialAccountRoutes } from './official-account';
import { registerCertificateRoutes } from './pay-certificates';
import type { PayContext } from './pay-http';
import { DEFAULT_PAY_KEYS_DIR, loadOrCreatePayKeys, type PayKeys } from './pay-keys';
import { PayNotifier, type Verification } from './pay-notify';
import { registerRefundRoutes } from './pay-refunds';
import { registerTransactionRoutes } from './pay-transactions';
import { registerPhoneRoutes } from './phone';
import { registerShippingRoutes } from './shipping';
import { registerSmsRoutes, type SmsAccountOptions } from './sms';
import { SandboxState, type SandboxApp } from './state';
import { registerTokenRoutes } from './tokens';
import { acceptRawBodies } from './wechat-http';
import { registerWxacodeRoutes } from './wxacode';

export type { SandboxApp } from './state';
export type { PayKeys } from './pay-keys';
export type { Verification } from './pay-notify';
export type { SmsAccountOptions, SmsTemplate, SmsLimits } from './sms';
export { SMS_DEMO } from './sms';

/** What `npm run sandbox` and `npm start` read from WECHAT_SANDBOX_PAY_* (the options are described below). */
export type PayOptions = Pick<SandboxOptions, 'payKeysDir' | 'payTimeScale' | 'payVerification' | 'payNotifyUrl'>;

/** WeChat Pay settings (§H); invalid values stop the sandbox with a message naming the variable. */
export function payOptionsFromEnv(env: NodeJS.ProcessEnv): PayOptions {
  const options: PayOptions = {};
  if (env.WECHAT_SANDBOX_PAY_KEYS_DIR) options.payKeysDir = env.WECHAT_SANDBOX_PAY_KEYS_DIR;
  if (env.WECHAT_SANDBOX_PAY_TIME_SCALE) {
    const scale = Number(env.WECHAT_SANDBOX_PAY_TIME_SCALE);
    if (!(scale > 0)) throw new Error('WECHAT_SANDBOX_PAY_TIME_SCALE must be a number above 0, e.g. 0.001');
    options.payTimeScale = scale;
  }
  const verification = env.WECHAT_SANDBOX_PAY_VERIFICATION;
  if (verification) {
    if (verification !== 'certificate' && verification !== 'public_key') {
      throw new Error("WECHAT_SANDBOX_PAY_VERIFICATION must be 'certificate' or 'public_key'");
    }
    options.payVerification = verification;
  }
  if (env.WECHAT_SANDBOX_PAY_NOTIFY_URL) options.payNotifyUrl = env.WECHAT_SANDBOX_PAY_NOTIFY_URL;
  return options;
}

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
  /** Where WeChat Pay's keys are generated on first use and kept (default: the git-ignored data/ folder). */
  payKeysDir?: string;
  /** Multiplies every WeChat Pay delay: notification retries, refund processing, `delay` faults (default 1; tests 0.001). */
  payTimeScale?: number;
  /** How WeChat Pay signs answers and notifications: platform certificate (default) or public key (§H.2). */
  payVerification?: Verification;
  /** The notify URL configured on the merchant platform: refund notifications without a notify_url go there. */
  payNotifyUrl?: string;
  /** How long one notification delivery waits for the merchant's answer (default 5000, §H.8). */
  payNotifyTimeoutMs?: number;
  /** How long a refund stays PROCESSING, in WeChat seconds before the time scale (default 30). */
  payRefundSeconds?: number;
  /**
   * The clock SMS signatures are checked against (5 minutes either way, default `now`). The SDK signs
   * with the machine's time, so a test that moves `now` by hours passes `Date.now` here.
   */
  smsSignatureNow?: () => number;
  /** Tencent Cloud SMS account (credentials, SdkAppId, signs, templates, reply URL, limits); default SMS_DEMO. */
  sms?: Partial<SmsAccountOptions>;
}

export interface RunningSandbox {
  /** e.g. http://127.0.0.1:3100 */
  url: string;
  port: number;
  close(): Promise<void>;
  registerApp(app: SandboxApp): void;
  /** The merchant's and WeChat Pay's keys (also served by GET /__sandbox/merchant). */
  payKeys: PayKeys;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = opts.host ?? '127.0.0.1';
  const now = opts.now ?? Date.now;
  const state = new SandboxState(now, opts.pages ?? [], opts.pushTimeoutMs ?? 5000, opts.sms);
  for (const app of opts.apps ?? []) state.registerApp(app);
  const pusher = new OfficialAccountPusher(now, state.pushTimeoutMs);
  const payKeys = await loadOrCreatePayKeys(opts.payKeysDir ?? DEFAULT_PAY_KEYS_DIR);
  const notifier = new PayNotifier(
    payKeys,
    {
      verification: opts.payVerification ?? 'certificate',
      notifyUrl: opts.payNotifyUrl ?? null,
      timeScale: opts.payTimeScale ?? 1,
      notifyTimeoutMs: opts.payNotifyTimeoutMs ?? 5000,
      refundSeconds: opts.payRefundSeconds ?? 30,
    },
    state.pay,
    now,
  );
  const pay: PayContext = { state, keys: payKeys, notifier };

  const server = Fastify({ logger: opts.logger ?? false });
  await server.register(async (wechat) => {
    acceptRawBodies(wechat);
    registerTokenRoutes(wechat, state);
    registerLoginRoutes(wechat, state);
    registerPhoneRoutes(wechat, state);
    registerWxacodeRoutes(wechat, state);
    registerMessageRoutes(wechat, state, pusher);
    registerOfficialAccountRoutes(wechat, state);
    registerShippingRoutes(wechat, state);
    registerTransactionRoutes(wechat, pay);
    registerRefundRoutes(wechat, pay);
    registerCertificateRoutes(wechat, pay);
    registerSmsRoutes(wechat, state.sms, now, opts.smsSignatureNow ?? now);
  });
  await server.register(controlApi(state, pusher, pay), { prefix: '/__sandbox' });
  server.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `the WeChat sandbox does not implement ${request.method} ${request.url.split('?')[0]}` }),
  );

  await server.listen({ host, port: opts.port ?? 0 });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    payKeys,
    async close() {
      pusher.close();
      notifier.close();
      await server.close();
    },
    registerApp(app) {
      state.registerApp(app);
    },
  };
}
