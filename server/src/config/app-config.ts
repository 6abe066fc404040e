import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Bits of entropy a secret's text shows, estimated from its own character frequencies (Shannon):
 * `aaaa…` shows 0, a repeated short phrase little, 32 random base64url characters about 140, 64 hex
 * characters about 250. An estimate from the text alone can only refuse what is plainly weak.
 */
export function estimatedEntropyBits(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...text].length;
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / length) * Math.log2(n / length);
  return perChar * length;
}

const MIN_SECRET_BITS = 96;

const secret = (name: string) =>
  z
    .string()
    .min(32, `${name} must be at least 32 characters`)
    .refine((v) => estimatedEntropyBits(v) >= MIN_SECRET_BITS && new Set(v).size >= 10, {
      message: `${name} looks guessable (too few different characters): use 32 random bytes, e.g. \`openssl rand -base64 32\``,
    })
    .optional();

/**
 * TRUST_PROXY: `false` (the socket's address is the client), a number of proxy hops in front of the
 * server, or the proxies' addresses/CIDRs. Only those hops' X-Forwarded-For entries are believed, so
 * a client cannot rotate its address by sending the header itself. `true` means one hop.
 */
const trustProxy = z
  .string()
  .default('false')
  .transform((v, ctx): false | number | string[] => {
    if (v === 'false' || v === '0' || v === '') return false;
    if (v === 'true') return 1;
    if (/^\d+$/.test(v)) return Number(v);
    const list = v.split(',').map((s) => s.trim()).filter(Boolean);
    if (list.every((a) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a))) return list;
    ctx.addIssue({ code: 'custom', message: 'TRUST_PROXY must be false, a number of proxy hops, or the proxies\' addresses' });
    return z.NEVER;
  });

/** Every setting the server reads, validated once at boot. Feature code never reads process.env. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('data'),
  DATABASE_URL: z
    .string()
    .regex(/^(mysql|mariadb|sqlite):/, 'DATABASE_URL must start with mysql://, mariadb:// or sqlite:')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must start with redis://').default('redis://127.0.0.1:6379'),
  /** Namespaces every Redis key of this deployment (tests give each run its own). */
  REDIS_PREFIX: z.string().default('wemember:'),
  JWT_SECRET: secret('JWT_SECRET'),
  PII_KEY: secret('PII_KEY'),
  MEMBER_CODE_SECRET: secret('MEMBER_CODE_SECRET'),
  WECHAT_APPID: z.string().min(1).default('wxdemo0000000001'),
  WECHAT_SECRET: z.string().min(1).default('demo-miniprogram-secret'),
  /** Base URL of WeChat's API host; the sandbox in development and tests. */
  WECHAT_API_BASE: z.string().url().default('http://127.0.0.1:3100'),
  /** Set when WECHAT_API_BASE is the sandbox: the H5 build plays WeChat through it. */
  WECHAT_SANDBOX_URL: z.string().url().optional(),
  WECHAT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
  /**
   * The brand's official account (服务号): template messages to followers and its server
   * (/api/wechat/official). Outside production the sandbox's demo account; production without
   * WECHAT_OA_APPID has no official account (members are told by subscribe messages only).
   */
  WECHAT_OA_APPID: z.string().min(1).optional(),
  WECHAT_OA_SECRET: z.string().min(1).optional(),
  /** The Token of the MP console's server settings: signs every push. */
  WECHAT_OA_TOKEN: z.string().min(3, 'WECHAT_OA_TOKEN must be 3–64 characters').max(64, 'WECHAT_OA_TOKEN must be 3–64 characters').optional(),
  /** EncodingAESKey (43 characters) for the safe and compatible push modes; unset = plain mode only. */
  WECHAT_OA_ENCODING_AES_KEY: z.string().regex(/^[A-Za-z0-9]{43}$/, 'WECHAT_OA_ENCODING_AES_KEY must be 43 letters or digits').optional(),
  /** How often the message sender looks for notifications that are due (a safety net under the Bull jobs). */
  MESSAGES_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Sends per second to each of WeChat's send endpoints (template message, subscribe message), counted over every instance. */
  MESSAGES_SEND_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Texts per second to the SMS provider, counted over every instance. */
  SMS_SEND_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(50),
  H5_DIR: z.string().optional(),
  MEMBER_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(7 * 24 * 3600),
  STAFF_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(12 * 3600),
  RATE_LIMIT_MEMBER_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_STAFF_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_RESOLVE_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  /** Member-code verifications per staff account or POS key per minute, over every route that takes one. */
  RATE_LIMIT_CODE_CHECKS_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Failed member-code verifications per 10 minutes: per member number from all tills together, and per staff account or POS key. */
  RATE_LIMIT_CODE_FAILURES_PER_MEMBER: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_CODE_FAILURES_PER_CALLER: z.coerce.number().int().min(1).default(20),
  /** Coupon-code look-ups (look-up, redemption, coupons in a purchase) per staff account or POS key per minute. */
  RATE_LIMIT_COUPON_LOOKUPS_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  /** Coupon codes that match no coupon, per staff account or POS key per 10 minutes; then look-ups wait. */
  RATE_LIMIT_COUPON_MISSES_PER_CALLER: z.coerce.number().int().min(1).default(20),
  /** Only behind a reverse proxy: then X-Forwarded-For names the client (rate limits are per address). */
  TRUST_PROXY: trustProxy,
  /** A POS receipt of 200 lines with Chinese names is about 90 KB. */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug']).default('log'),
  /** Serve the API reference at /api/docs and the OpenAPI document at /api/docs/openapi.json; off by default in production. */
  API_DOCS: z.enum(['true', 'false']).optional(),
  /** Register the daily/yearly repeatable jobs (Bull dedupes them across instances). Tests turn it off. */
  SCHEDULE_JOBS: z.enum(['true', 'false']).default('true'),
  /** How often each instance checks that the schedule is in Redis and that no run was missed. */
  SCHEDULE_CHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  /** How often the campaigns' check starts due runs and looks for running runs that stopped moving. */
  CAMPAIGN_CHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** A running campaign run whose cursor has not moved for this long gets its next batch queued again (its job was lost). */
  CAMPAIGN_STALL_SECONDS: z.coerce.number().int().min(5).max(24 * 3600).default(300),
  /** WeChat Pay API v3's host (https://api.mch.weixin.qq.com); unset, the sandbox (WECHAT_SANDBOX_URL, else port 3100). */
  WECHAT_PAY_BASE: z.string().url().optional(),
  WECHAT_PAY_MCHID: z.string().regex(/^\d{8,12}$/, 'WECHAT_PAY_MCHID must be the merchant number (digits)').optional(),
  /** The merchant API certificate's serial (40 hex digits). */
  WECHAT_PAY_SERIAL_NO: z.string().regex(/^[0-9A-Fa-f]{8,64}$/, 'WECHAT_PAY_SERIAL_NO must be the certificate serial in hex').optional(),
  /** The merchant API private key (apiclient_key.pem): PEM text or a file path. */
  WECHAT_PAY_PRIVATE_KEY: z.string().optional(),
  /** The merchant API certificate (apiclient_cert.pem): PEM text or a file path. */
  WECHAT_PAY_CERT: z.string().optional(),
  WECHAT_PAY_API_V3_KEY: z.string().length(32, 'WECHAT_PAY_API_V3_KEY must be the 32-character APIv3 key').optional(),
  /** WeChat Pay public key mode: its id (PUB_KEY_ID_…) and the key (PEM or path). Without them, platform certificates are downloaded. */
  WECHAT_PAY_PUBLIC_KEY_ID: z.string().regex(/^PUB_KEY_ID_\w+$/, 'WECHAT_PAY_PUBLIC_KEY_ID must start with PUB_KEY_ID_').optional(),
  WECHAT_PAY_PUBLIC_KEY: z.string().optional(),
  /** Where WeChat Pay posts payment and refund results: https://<host>/api/wechat/pay/notify (no query). */
  WECHAT_PAY_NOTIFY_URL: z.string().url().optional(),
  /** Recharges unpaid this long are left to WeChat Pay's own payment page no longer (time_expire). */
  WECHAT_PAY_ORDER_EXPIRE_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(30),
  /** How often the sweeper looks for recharges and refunds WeChat Pay has not told us about. */
  WECHAT_PAY_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** How long a recharge waits for its notification before the sweeper asks WeChat Pay. */
  WECHAT_PAY_SWEEP_AFTER_SECONDS: z.coerce.number().int().min(0).max(24 * 3600).default(180),
  /** A member's result page asks WeChat Pay about one order at most this often. */
  WECHAT_PAY_QUERY_EVERY_MS: z.coerce.number().int().min(0).max(60_000).default(3000),
  /**
   * Tencent Cloud SMS (docs/sms.md), the channel for members without WeChat reach. Outside production
   * on by default, against the sandbox's demo account; production sends SMS only with SMS_ENABLED=true
   * and then needs every SMS_* credential.
   */
  SMS_ENABLED: z.enum(['true', 'false']).optional(),
  SMS_SECRET_ID: z.string().min(1).optional(),
  SMS_SECRET_KEY: z.string().min(1).optional(),
  /** The SMS application's SdkAppId (1400…). */
  SMS_SDK_APP_ID: z.string().regex(/^\d{6,20}$/, 'SMS_SDK_APP_ID must be the SMS application\'s SdkAppId (digits)').optional(),
  /** The approved signature (签名), without 【】. */
  SMS_SIGN_NAME: z.string().min(2, 'SMS_SIGN_NAME must be the approved signature, 2–12 characters').max(12, 'SMS_SIGN_NAME must be the approved signature, 2–12 characters').optional(),
  SMS_REGION: z.string().regex(/^[a-z]+-[a-z]+$/, 'SMS_REGION must be a region such as ap-guangzhou').default('ap-guangzhou'),
  /** The API host as a URL: https://sms.tencentcloudapi.com in production; unset elsewhere, the sandbox. */
  SMS_ENDPOINT: z.string().url().optional(),
  /** The secret in the reply callback URL (/api/sms/replies?token=…): Tencent signs no callback. */
  SMS_REPLY_TOKEN: z.string().min(16, 'SMS_REPLY_TOKEN must be at least 16 random characters').optional(),
  SMS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
});

export type DatabaseConfig =
  | { type: 'mysql'; url: string; poolSize: number }
  | { type: 'sqlite'; path: string };

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  redis: { url: string; prefix: string };
  secrets: { jwt: string; pii: Buffer; memberCode: Buffer };
  wechat: { appid: string; secret: string; apiBase: string; sandboxUrl: string | null; timeoutMs: number };
  h5Dir: string | null;
  tokens: { memberTtlSeconds: number; staffTtlSeconds: number };
  rateLimits: {
    memberLoginPerMinute: number;
    staffLoginPerMinute: number;
    resolvePerMinute: number;
    codeChecksPerMinute: number;
    codeFailuresPerMember: number;
    codeFailuresPerCaller: number;
    couponLookupsPerMinute: number;
    couponMissesPerCaller: number;
  };
  bodyLimitBytes: number;
  /** Fastify's trustProxy: false, a hop count or the proxies' addresses. */
  trustProxy: false | number | string[];
  logLevel: 'error' | 'warn' | 'log' | 'debug';
  apiDocs: boolean;
  /** The campaigns' schedule check (docs/campaigns.md "Runs"). */
  campaigns: { checkSeconds: number; stallSeconds: number };
  jobs: { schedule: boolean; checkSeconds: number };
  pay: PayConfig;
  /** null: no official account (production without WECHAT_OA_APPID). */
  officialAccount: OfficialAccountConfig | null;
  /** sendPerSecond: the shared limit on sends per second, per channel (NotificationSender). */
  messages: { sweepSeconds: number; sendPerSecond: { official_account: number; subscribe: number; sms: number } };
  /** null: SMS is off (production without SMS_ENABLED=true). */
  sms: SmsConfig | null;
}

/** Tencent Cloud SMS: credentials, application, signature and where its API is. */
export interface SmsConfig {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  region: string;
  /** e.g. `sms.tencentcloudapi.com` or `127.0.0.1:3100`: the SDK's httpProfile.endpoint. */
  endpoint: string;
  /** `https://` or `http://` (the sandbox): the SDK's httpProfile.protocol. */
  protocol: 'https://' | 'http://';
  replyToken: string;
  timeoutSeconds: number;
}

export interface OfficialAccountConfig {
  appid: string;
  secret: string;
  /** Signs pushes (§G.1). */
  token: string;
  /** For the safe and compatible modes; null = plain pushes only. */
  encodingAESKey: string | null;
}

/** The merchant's WeChat Pay identity and keys. */
export interface PayMerchant {
  mchid: string;
  serialNo: string;
  privateKeyPem: string;
  certPem: string;
  apiV3Key: string;
  /** WeChat Pay public key mode (PUB_KEY_ID_…); null when platform certificates verify answers. */
  publicKey: { id: string; pem: string } | null;
}

export interface PayConfig {
  base: string;
  /** From the settings; null in development and tests, where the sandbox at `sandboxUrl` hands them out. */
  merchant: PayMerchant | null;
  sandboxUrl: string | null;
  /** WECHAT_PAY_NOTIFY_URL; in development the sandbox merchant's notifyUrl when unset. */
  notifyUrl: string | null;
  orderExpireMinutes: number;
  sweepSeconds: number;
  sweepAfterSeconds: number;
  queryEveryMs: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {}

/** Reads and validates the environment. Secrets left unset are generated once into DATA_DIR (never in production). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  if (env.NODE_ENV === 'production') {
    requireProductionWechat(env);
    requireProductionPay(env);
  }
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const secrets = resolveSecrets(e, dataDir);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database: parseDatabaseUrl(e.DATABASE_URL, dataDir, e.DATABASE_POOL_SIZE),
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    secrets,
    wechat: {
      appid: e.WECHAT_APPID,
      secret: e.WECHAT_SECRET,
      apiBase: e.WECHAT_API_BASE.replace(/\/+$/, ''),
      sandboxUrl: e.WECHAT_SANDBOX_URL ? e.WECHAT_SANDBOX_URL.replace(/\/+$/, '') : null,
      timeoutMs: e.WECHAT_TIMEOUT_MS,
    },
    h5Dir: e.H5_DIR ? resolve(e.H5_DIR) : null,
    tokens: { memberTtlSeconds: e.MEMBER_TOKEN_TTL_SECONDS, staffTtlSeconds: e.STAFF_TOKEN_TTL_SECONDS },
    rateLimits: {
      memberLoginPerMinute: e.RATE_LIMIT_MEMBER_LOGIN_PER_MINUTE,
      staffLoginPerMinute: e.RATE_LIMIT_STAFF_LOGIN_PER_MINUTE,
      resolvePerMinute: e.RATE_LIMIT_RESOLVE_PER_MINUTE,
      codeChecksPerMinute: e.RATE_LIMIT_CODE_CHECKS_PER_MINUTE,
      codeFailuresPerMember: e.RATE_LIMIT_CODE_FAILURES_PER_MEMBER,
      codeFailuresPerCaller: e.RATE_LIMIT_CODE_FAILURES_PER_CALLER,
      couponLookupsPerMinute: e.RATE_LIMIT_COUPON_LOOKUPS_PER_MINUTE,
      couponMissesPerCaller: e.RATE_LIMIT_COUPON_MISSES_PER_CALLER,
    },
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    apiDocs: (e.API_DOCS ?? (e.NODE_ENV === 'production' ? 'false' : 'true')) === 'true',
    campaigns: { checkSeconds: e.CAMPAIGN_CHECK_SECONDS, stallSeconds: e.CAMPAIGN_STALL_SECONDS },
    jobs: { schedule: e.SCHEDULE_JOBS === 'true', checkSeconds: e.SCHEDULE_CHECK_SECONDS },
    pay: payConfig(e),
    officialAccount: officialAccountConfig(e),
    messages: {
      sweepSeconds: e.MESSAGES_SWEEP_SECONDS,
      sendPerSecond: { official_account: e.MESSAGES_SEND_PER_SECOND, subscribe: e.MESSAGES_SEND_PER_SECOND, sms: e.SMS_SEND_PER_SECOND },
    },
    sms: smsConfig(e),
  };
}

/** The sandbox's demo SMS account (scripts/wechat-sandbox SMS_DEMO): harmless, only the sandbox accepts it. */
const DEMO_SMS = {
  secretId: 'AKIDsandbox00000000000000000000000001',
  secretKey: 'sandbox-sms-secret-key-000000000001',
  sdkAppId: '1400000001',
  signName: '微会员',
  replyToken: 'sandbox-sms-reply-token-0001',
};

const PRODUCTION_SMS_SETTINGS = ['SMS_SECRET_ID', 'SMS_SECRET_KEY', 'SMS_SDK_APP_ID', 'SMS_SIGN_NAME', 'SMS_REPLY_TOKEN'] as const;

function smsConfig(e: z.infer<typeof envSchema>): SmsConfig | null {
  const production = e.NODE_ENV === 'production';
  const enabled = (e.SMS_ENABLED ?? (production ? 'false' : 'true')) === 'true';
  if (!enabled) return null;
  if (production) {
    const missing = PRODUCTION_SMS_SETTINGS.filter((name) => !e[name]);
    if (missing.length) throw new ConfigError(`SMS_ENABLED=true in production needs ${missing.join(', ')} (the defaults are the sandbox's demo SMS account)`);
  }
  const endpoint = new URL(e.SMS_ENDPOINT ?? (production ? 'https://sms.tencentcloudapi.com' : (e.WECHAT_SANDBOX_URL ?? 'http://127.0.0.1:3100')));
  if (production && (endpoint.protocol !== 'https:' || isLoopback(endpoint.hostname))) {
    throw new ConfigError('SMS_ENDPOINT must be Tencent Cloud over https in production, not the sandbox');
  }
  return {
    secretId: e.SMS_SECRET_ID ?? DEMO_SMS.secretId,
    secretKey: e.SMS_SECRET_KEY ?? DEMO_SMS.secretKey,
    sdkAppId: e.SMS_SDK_APP_ID ?? DEMO_SMS.sdkAppId,
    signName: e.SMS_SIGN_NAME ?? DEMO_SMS.signName,
    region: e.SMS_REGION,
    endpoint: endpoint.host,
    protocol: endpoint.protocol === 'http:' ? 'http://' : 'https://',
    replyToken: e.SMS_REPLY_TOKEN ?? DEMO_SMS.replyToken,
    timeoutSeconds: e.SMS_TIMEOUT_SECONDS,
  };
}

/** The sandbox's demo official account (scripts/wechat-sandbox's defaults). */
const DEMO_OFFICIAL_ACCOUNT = { appid: 'wxdemo0000000002', secret: 'sandbox-official-account-secret-02', token: 'wemember-sandbox-push-token' };

function officialAccountConfig(e: z.infer<typeof envSchema>): OfficialAccountConfig | null {
  const production = e.NODE_ENV === 'production';
  if (production && !e.WECHAT_OA_APPID) return null;
  const appid = e.WECHAT_OA_APPID ?? DEMO_OFFICIAL_ACCOUNT.appid;
  if (production && (!e.WECHAT_OA_SECRET || !e.WECHAT_OA_TOKEN)) {
    throw new ConfigError('Set WECHAT_OA_SECRET and WECHAT_OA_TOKEN with WECHAT_OA_APPID (the official account\'s AppSecret and its server Token)');
  }
  return {
    appid,
    secret: e.WECHAT_OA_SECRET ?? DEMO_OFFICIAL_ACCOUNT.secret,
    token: e.WECHAT_OA_TOKEN ?? DEMO_OFFICIAL_ACCOUNT.token,
    encodingAESKey: e.WECHAT_OA_ENCODING_AES_KEY ?? null,
  };
}

/**
 * The WeChat defaults are the sandbox's demo app on localhost: right for development and tests,
 * but in production they would start a server that silently talks to no real WeChat. So production
 * must name all three, and the error lists every one that is missing.
 */
const PRODUCTION_WECHAT_SETTINGS = [
  ['WECHAT_APPID', 'the mini-program AppID'],
  ['WECHAT_SECRET', 'its AppSecret'],
  ['WECHAT_API_BASE', "WeChat's API host, https://api.weixin.qq.com"],
] as const;

function requireProductionWechat(env: NodeJS.ProcessEnv): void {
  const missing = PRODUCTION_WECHAT_SETTINGS.filter(([name]) => !env[name]?.trim());
  if (!missing.length) return;
  const lines = missing.map(([name, what]) => `  ${name}: ${what}`);
  throw new ConfigError(`Set ${missing.map(([name]) => name).join(', ')} in production (the defaults are the local WeChat sandbox):\n${lines.join('\n')}`);
}

/** Every WeChat Pay setting production must give: the defaults are the sandbox's generated merchant. */
const PRODUCTION_PAY_SETTINGS = [
  ['WECHAT_PAY_BASE', "WeChat Pay's host, https://api.mch.weixin.qq.com"],
  ['WECHAT_PAY_MCHID', 'the merchant number'],
  ['WECHAT_PAY_SERIAL_NO', 'the merchant API certificate serial'],
  ['WECHAT_PAY_PRIVATE_KEY', 'apiclient_key.pem (PEM or path)'],
  ['WECHAT_PAY_CERT', 'apiclient_cert.pem (PEM or path)'],
  ['WECHAT_PAY_API_V3_KEY', 'the APIv3 key'],
  ['WECHAT_PAY_NOTIFY_URL', 'https://<host>/api/wechat/pay/notify'],
] as const;

/** What the sandbox writes into the certificates it makes (scripts/wechat-sandbox pay-keys). */
const SANDBOX_CERT_MARK = '沙箱商户';

function requireProductionPay(env: NodeJS.ProcessEnv): void {
  const missing = PRODUCTION_PAY_SETTINGS.filter(([name]) => !env[name]?.trim());
  if (missing.length) {
    const lines = missing.map(([name, what]) => `  ${name}: ${what}`);
    throw new ConfigError(`Set ${missing.map(([name]) => name).join(', ')} in production (the defaults are the WeChat sandbox's merchant):\n${lines.join('\n')}`);
  }
  const base = new URL(env.WECHAT_PAY_BASE as string);
  if (base.protocol !== 'https:' || isLoopback(base.hostname)) throw new ConfigError('WECHAT_PAY_BASE must be WeChat Pay over https in production, not the sandbox');
  if (env.WECHAT_PAY_PUBLIC_KEY_ID?.trim() && !env.WECHAT_PAY_PUBLIC_KEY?.trim()) throw new ConfigError('Set WECHAT_PAY_PUBLIC_KEY with WECHAT_PAY_PUBLIC_KEY_ID');
  const cert = pemOrFile('WECHAT_PAY_CERT', env.WECHAT_PAY_CERT as string);
  if (new X509Certificate(cert).subject.includes(SANDBOX_CERT_MARK)) throw new ConfigError('WECHAT_PAY_CERT is the WeChat sandbox\'s merchant certificate: production needs the real one');
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host.endsWith('.invalid');
}

/** A key or certificate given inline (PEM) or as the path of its file. */
function pemOrFile(name: string, value: string): string {
  const text = value.includes('-----BEGIN') ? value : readPemFile(name, value);
  if (!text.includes('-----BEGIN')) throw new ConfigError(`${name} must be PEM text or the path of a PEM file`);
  return text.replace(/\\n/g, '\n');
}

function readPemFile(name: string, path: string): string {
  try {
    return readFileSync(resolve(path), 'utf8');
  } catch {
    throw new ConfigError(`${name}: cannot read ${path}`);
  }
}

function payConfig(e: z.infer<typeof envSchema>): PayConfig {
  const given = ['WECHAT_PAY_MCHID', 'WECHAT_PAY_SERIAL_NO', 'WECHAT_PAY_PRIVATE_KEY', 'WECHAT_PAY_CERT', 'WECHAT_PAY_API_V3_KEY'] as const;
  const set = given.filter((n) => e[n]);
  if (set.length && set.length < given.length) {
    throw new ConfigError(`WeChat Pay needs all of ${given.join(', ')}; missing ${given.filter((n) => !e[n]).join(', ')}`);
  }
  if (!!e.WECHAT_PAY_PUBLIC_KEY_ID !== !!e.WECHAT_PAY_PUBLIC_KEY) throw new ConfigError('Set WECHAT_PAY_PUBLIC_KEY_ID and WECHAT_PAY_PUBLIC_KEY together');
  const merchant: PayMerchant | null = set.length
    ? {
        mchid: e.WECHAT_PAY_MCHID as string,
        serialNo: (e.WECHAT_PAY_SERIAL_NO as string).toUpperCase(),
        privateKeyPem: pemOrFile('WECHAT_PAY_PRIVATE_KEY', e.WECHAT_PAY_PRIVATE_KEY as string),
        certPem: pemOrFile('WECHAT_PAY_CERT', e.WECHAT_PAY_CERT as string),
        apiV3Key: e.WECHAT_PAY_API_V3_KEY as string,
        publicKey: e.WECHAT_PAY_PUBLIC_KEY_ID ? { id: e.WECHAT_PAY_PUBLIC_KEY_ID, pem: pemOrFile('WECHAT_PAY_PUBLIC_KEY', e.WECHAT_PAY_PUBLIC_KEY as string) } : null,
      }
    : null;
  const base = (e.WECHAT_PAY_BASE ?? e.WECHAT_SANDBOX_URL ?? 'http://127.0.0.1:3100').replace(/\/+$/, '');
  return {
    base,
    merchant,
    sandboxUrl: merchant ? null : (e.WECHAT_SANDBOX_URL ?? base).replace(/\/+$/, ''),
    notifyUrl: e.WECHAT_PAY_NOTIFY_URL ?? null,
    orderExpireMinutes: e.WECHAT_PAY_ORDER_EXPIRE_MINUTES,
    sweepSeconds: e.WECHAT_PAY_SWEEP_SECONDS,
    sweepAfterSeconds: e.WECHAT_PAY_SWEEP_AFTER_SECONDS,
    queryEveryMs: e.WECHAT_PAY_QUERY_EVERY_MS,
  };
}

function parseDatabaseUrl(url: string | undefined, dataDir: string, poolSize: number): DatabaseConfig {
  if (!url) return { type: 'sqlite', path: join(dataDir, 'wemember.sqlite') };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) throw new ConfigError('DATABASE_URL=sqlite: needs a file path, e.g. sqlite:data/wemember.sqlite');
    return { type: 'sqlite', path: resolve(path) };
  }
  return { type: 'mysql', url: url.replace(/^mariadb:/, 'mysql:'), poolSize };
}

type SecretName = 'JWT_SECRET' | 'PII_KEY' | 'MEMBER_CODE_SECRET';

function resolveSecrets(e: z.infer<typeof envSchema>, dataDir: string): AppConfig['secrets'] {
  const names: SecretName[] = ['JWT_SECRET', 'PII_KEY', 'MEMBER_CODE_SECRET'];
  const missing = names.filter((n) => !e[n]);
  let stored: Partial<Record<SecretName, string>> = {};
  if (missing.length) {
    if (e.NODE_ENV === 'production') {
      throw new ConfigError(`Set ${missing.join(', ')} (at least 32 characters each) in production.`);
    }
    stored = loadOrCreateLocalSecrets(dataDir);
  }
  const value = (n: SecretName) => (e[n] ?? stored[n]) as string;
  return {
    jwt: value('JWT_SECRET'),
    pii: keyFrom(value('PII_KEY')),
    memberCode: keyFrom(value('MEMBER_CODE_SECRET')),
  };
}

/** Development secrets live beside the embedded database, in a git-ignored folder. */
function loadOrCreateLocalSecrets(dataDir: string): Record<SecretName, string> {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(dataDir, { recursive: true });
  const generated = {
    JWT_SECRET: randomBytes(32).toString('base64url'),
    PII_KEY: randomBytes(32).toString('base64url'),
    MEMBER_CODE_SECRET: randomBytes(32).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
  return generated;
}

/** A 32-byte key from any secret string of at least 32 characters. */
function keyFrom(secretText: string): Buffer {
  const raw = Buffer.from(secretText, 'base64url');
  if (raw.length === 32 && raw.toString('base64url') === secretText) return raw;
  return createHash('sha256').update(secretText).digest();
}
