import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Bull from 'bull';
import { startSandbox, type RunningSandbox } from '../../scripts/wechat-sandbox/src';
import { Clock } from '../../server/src/common/clock';
import type { AppConfig, DatabaseConfig } from '../../server/src/config/app-config';
import { openDatabase } from '../../server/src/database/data-source';
import { MemberCodes } from '../../server/src/members/member-code.service';
import { demoBrandPlan, setUpBrand, type BrandSetup } from '../../server/src/seed/brand-setup';
import { OwnMariaDb } from './own-mariadb';
import { productionPayEnv } from './production-pay';
import { freePort, OwnRedis } from './own-redis';
import { ServerProcess } from './server-process';
import { WechatRecorder } from './wechat-recorder';
import { ACCEPTED_AGREEMENTS } from './stack';

export { ACCEPTED_AGREEMENTS };

export const STAFF_PASSWORD = 'Fault-tests-Passw0rd';

export interface FaultStackOptions {
  /** A MariaDB of the stack's own (which the test may kill), or SQLite in the temp folder. */
  database: 'own-mariadb' | 'sqlite';
  /** Put a WechatRecorder between the server and the sandbox. */
  recordWechat?: boolean;
  /** The brand's official account in the sandbox and in the server's settings (template messages). */
  officialAccount?: boolean;
  /** The own MariaDB's InnoDB buffer pool, for tests with many rows (OwnMariaDb's default otherwise). */
  mariadbBufferPoolMb?: number;
  env?: Record<string, string>;
}

export interface JoinedMember {
  token: string;
  memberNo: string;
  phone: string;
  openid: string;
}

export interface Answer<T = any> {
  status: number;
  body: T;
}

/**
 * Everything a fault test kills, as real processes: the server (ServerProcess), a Redis of its own,
 * and — with `database: 'own-mariadb'` — a MariaDB of its own; plus the WeChat sandbox in the test
 * process. The brand is seeded through a DataSource before the server first starts. Secrets are
 * fresh random values, kept here so a test can look for them in the server's logs.
 */
export class FaultStack {
  readonly run = randomBytes(5).toString('hex');
  readonly appid = `wxfault${this.run}`;
  readonly appSecret = `app-secret-${randomBytes(16).toString('hex')}`;
  /** The official account's appid, secret and push token (with `officialAccount`). */
  readonly oaAppid = `wxfaultoa${this.run}`;
  readonly oaSecret = `oa-secret-${randomBytes(16).toString('hex')}`;
  readonly oaToken = `oatoken${randomBytes(8).toString('hex')}`;
  readonly secrets = {
    JWT_SECRET: randomBytes(32).toString('base64url'),
    PII_KEY: randomBytes(32).toString('base64url'),
    MEMBER_CODE_SECRET: randomBytes(32).toString('base64url'),
  };
  /** The server runs as in production, so WeChat Pay needs settings that are not the sandbox's. */
  readonly pay = productionPayEnv('wemember.example.com');
  readonly usernamePrefix = `f${this.run}-`;
  readonly redisPrefix = `wemember-faults:${this.run}:`;
  readonly databaseName = `wemember_faults_test_${this.run}`;
  readonly tempDir = mkdtempSync(join(tmpdir(), 'wemember-faults-'));
  /** Login and phone codes minted through the sandbox, staff and member tokens handed out: what logs must not show. */
  readonly minted = { loginCodes: [] as string[], phoneCodes: [] as string[], phones: [] as string[], tokens: [] as string[], apiKeys: [] as string[] };

  server!: ServerProcess;
  redis!: OwnRedis;
  mariadb: OwnMariaDb | null = null;
  sandbox!: RunningSandbox;
  recorder: WechatRecorder | null = null;
  chain!: BrandSetup;
  private codes!: MemberCodes;

  private constructor(private readonly options: FaultStackOptions) {}

  static async start(options: FaultStackOptions): Promise<FaultStack> {
    const stack = new FaultStack(options);
    try {
      await stack.boot();
    } catch (error) {
      await stack.close();
      throw error;
    }
    return stack;
  }

  private async boot(): Promise<void> {
    const [redis, mariadb, sandbox] = await Promise.all([
      OwnRedis.start(),
      this.options.database === 'own-mariadb' ? OwnMariaDb.start({ bufferPoolMb: this.options.mariadbBufferPoolMb }) : Promise.resolve(null),
      startSandbox({
        apps: [
          { appid: this.appid, secret: this.appSecret, kind: 'miniprogram' },
          ...(this.options.officialAccount ? [{ appid: this.oaAppid, secret: this.oaSecret, kind: 'official_account' as const, pushToken: this.oaToken }] : []),
        ],
        pages: ['pages/join/index', 'pages/card/index'],
      }),
    ]);
    this.redis = redis;
    this.mariadb = mariadb;
    this.sandbox = sandbox;
    if (this.options.recordWechat) this.recorder = await WechatRecorder.start(sandbox.url);

    let database: DatabaseConfig;
    let databaseUrl: string;
    if (mariadb) {
      await mariadb.createDatabase(this.databaseName);
      databaseUrl = mariadb.url(this.databaseName);
      database = { type: 'mysql', url: databaseUrl, poolSize: 2 };
    } else {
      const path = join(this.tempDir, 'faults.sqlite');
      databaseUrl = `sqlite:${path}`;
      database = { type: 'sqlite', path };
    }
    const db = await openDatabase(database);
    try {
      this.chain = await setUpBrand(db, demoBrandPlan(this.appid, STAFF_PASSWORD, this.usernamePrefix));
    } finally {
      await db.destroy();
    }

    this.codes = new MemberCodes({ secrets: { memberCode: Buffer.from(this.secrets.MEMBER_CODE_SECRET, 'base64url') } } as AppConfig, new Clock());
    this.server = new ServerProcess(await freePort(), {
      NODE_ENV: 'production',
      DATA_DIR: join(this.tempDir, 'data'),
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '10',
      REDIS_URL: redis.url,
      REDIS_PREFIX: this.redisPrefix,
      ...this.secrets,
      WECHAT_APPID: this.appid,
      WECHAT_SECRET: this.appSecret,
      WECHAT_API_BASE: this.recorder?.url ?? sandbox.url,
      WECHAT_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'debug',
      SCHEDULE_JOBS: 'true',
      SCHEDULE_CHECK_SECONDS: '2',
      ...this.pay.env,
      ...(this.options.officialAccount && { WECHAT_OA_APPID: this.oaAppid, WECHAT_OA_SECRET: this.oaSecret, WECHAT_OA_TOKEN: this.oaToken }),
      ...this.options.env,
    });
    await this.server.start();
  }

  async api<T = any>(method: string, path: string, options: { token?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.server.url}/api${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
    const type = response.headers.get('content-type') ?? '';
    const body = type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer());
    return { status: response.status, body };
  }

  /** The sandbox's control API (what the user does in WeChat). */
  async wechat<T = any>(path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<T> {
    const response = await fetch(`${this.sandbox.url}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json();
    if (response.status >= 300) throw new Error(`sandbox ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer as T;
  }

  async loginCode(openid?: string): Promise<{ code: string; openid: string }> {
    const minted = await this.wechat<{ code: string; openid: string }>('/login-code', { appid: this.appid, ...(openid && { openid }) });
    this.minted.loginCodes.push(minted.code);
    return minted;
  }

  async phoneCode(phone: string): Promise<string> {
    const { code } = await this.wechat<{ code: string }>('/phone-code', { appid: this.appid, phone });
    this.minted.phoneCodes.push(code);
    this.minted.phones.push(phone);
    return code;
  }

  /** wx.login, then the phone button: a member of the brand. */
  async join(phone: string): Promise<JoinedMember> {
    const { code, openid } = await this.loginCode();
    const login = await this.api('POST', '/auth/login', { body: { code } });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
    this.minted.tokens.push(login.body.token);
    const joined = await this.api('POST', '/auth/phone', { token: login.body.token, body: { phoneCode: await this.phoneCode(phone), acceptedAgreements: ACCEPTED_AGREEMENTS } });
    if (joined.status !== 200) throw new Error(`join failed: ${joined.status} ${JSON.stringify(joined.body)}`);
    this.minted.tokens.push(joined.body.token);
    return { token: joined.body.token, memberNo: joined.body.member.memberNo, phone, openid };
  }

  async staffToken(role: 'admin' | 'marketer' | 'region' | 'manager' | 'clerk'): Promise<string> {
    const login = await this.api('POST', '/staff/auth/login', { body: { username: this.usernamePrefix + role, password: STAFF_PASSWORD } });
    if (login.status !== 200) throw new Error(`staff login failed: ${login.status} ${JSON.stringify(login.body)}`);
    this.minted.tokens.push(login.body.token);
    return login.body.token;
  }

  /** A POS key for store HZ001, created by HQ. */
  async posKey(adminToken: string): Promise<string> {
    const key = await this.api('POST', `/staff/stores/${this.store('HZ001').id}/api-keys`, { token: adminToken, body: { label: 'POS 故障测试' } });
    if (key.status !== 201) throw new Error(`api key failed: ${key.status} ${JSON.stringify(key.body)}`);
    this.minted.apiKeys.push(key.body.key);
    return key.body.key;
  }

  store(code: string) {
    const store = this.chain.stores.find((s) => s.code === code);
    if (!store) throw new Error(`no store ${code}`);
    return store;
  }

  /** The member's dynamic code right now, as their card would show it. */
  memberCode(memberNo: string): string {
    return this.codes.issue(this.chain.brand.id, memberNo).code;
  }

  /** The names of the repeatable jobs Bull holds in Redis (the schedule). */
  async scheduledJobs(): Promise<string[]> {
    const queue = new Bull('points', { redis: this.redis.url, prefix: `${this.redisPrefix}bull` });
    try {
      return (await queue.getRepeatableJobs()).map((j) => j.name).sort();
    } finally {
      await queue.close();
    }
  }

  /** Everything secret this stack knows of, by kind, for secretsInLog. */
  knownSecrets(): Record<string, string[]> {
    return {
      'WeChat app secret': [this.appSecret, ...(this.options.officialAccount ? [this.oaSecret] : [])],
      JWT_SECRET: [this.secrets.JWT_SECRET],
      PII_KEY: [this.secrets.PII_KEY, Buffer.from(this.secrets.PII_KEY, 'base64url').toString('hex')],
      MEMBER_CODE_SECRET: [this.secrets.MEMBER_CODE_SECRET, Buffer.from(this.secrets.MEMBER_CODE_SECRET, 'base64url').toString('hex')],
      'staff password': [STAFF_PASSWORD],
      'login code': this.minted.loginCodes,
      'phone code': this.minted.phoneCodes,
      'phone number': this.minted.phones,
      token: this.minted.tokens,
      'POS key': this.minted.apiKeys,
      ...this.pay.secrets,
      ...(this.recorder && {
        'access token': this.recorder.values('access_token'),
        'session key': this.recorder.values('session_key'),
        'phone number from WeChat': this.recorder.values('phoneNumber', 'purePhoneNumber'),
      }),
    };
  }

  async close(): Promise<void> {
    await this.server?.kill().catch(() => undefined);
    // FAULTS_SERVER_LOG=<dir> keeps what the server printed, for a look after the run.
    if (process.env.FAULTS_SERVER_LOG && this.server) {
      mkdirSync(process.env.FAULTS_SERVER_LOG, { recursive: true });
      writeFileSync(join(process.env.FAULTS_SERVER_LOG, `server-${this.run}.log`), this.server.output);
    }
    await this.recorder?.close().catch(() => undefined);
    await this.sandbox?.close().catch(() => undefined);
    await this.redis?.stop().catch(() => undefined);
    await this.mariadb?.stop().catch(() => undefined);
    rmSync(this.tempDir, { recursive: true, force: true });
  }
}

/** A random mainland mobile number. */
export function aMobile(): string {
  return '139' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
}
