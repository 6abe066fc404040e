import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { MemberAuthResponse, MemberJoinResponse } from '@wemember/shared';
import { DataSource } from 'typeorm';
import { startSandbox, type RunningSandbox } from '../../scripts/wechat-sandbox/src';
import { TestClock } from '../../scripts/wechat-sandbox/src/spec-support';
import { createApp } from '../../server/src/app.factory';
import { UnitOfWork } from '../../server/src/database/unit-of-work';
import { AppConfig, loadConfig } from '../../server/src/config/app-config';
import { CURRENT_AGREEMENTS } from '../../server/src/members/agreements';
import { BrandSetup, demoBrandPlan, setUpBrand } from '../../server/src/seed/brand-setup';
import { JOIN_PAGE } from '../../server/src/stores/stores.service';
import { MiniProgramClient } from '../../server/src/wechat/mini-program.client';
import { http, HttpResult, RequestOptions } from './http';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './test-database';

export const STAFF_PASSWORD = 'Passw0rd-for-tests';

/**
 * The 会员协议 and 隐私政策 versions in force: what a shopper ticks before joining. Read from the
 * server's texts, so publishing a new version does not break every test that joins.
 */
export const ACCEPTED_AGREEMENTS = { membership: CURRENT_AGREEMENTS.membership.version, privacy: CURRENT_AGREEMENTS.privacy.version } as const;

export interface StackOptions {
  database?: 'mysql' | 'sqlite';
  /** Serve this H5 build at / (browser tests). */
  h5Dir?: string;
  env?: Record<string, string>;
  /** The official account's push mode (plain unless said); safe and compatible get an EncodingAESKey. */
  pushMode?: 'plain' | 'compatible' | 'safe';
}

/** WeChat's sample EncodingAESKey shape: 43 letters and digits. */
const encodingAESKeyFor = (run: string) => `${run}${'k'.repeat(43)}`.slice(0, 43);

/**
 * One running wemember: the real server (createApp, as main.ts builds it) listening on a free port,
 * a WeChat sandbox for a brand-new appid, the brand's stores and staff, and its own Redis prefix.
 */
export class TestStack {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly config: AppConfig,
    readonly url: string,
    readonly sandbox: RunningSandbox,
    readonly clock: TestClock,
    readonly chain: BrandSetup,
    readonly usernamePrefix: string,
    private readonly tempDir: string,
  ) {}

  static async start(options: StackOptions = {}): Promise<TestStack> {
    const run = randomBytes(5).toString('hex');
    const appid = `wxe2e${run}`;
    const secret = `secret-${run}`;
    const clock = new TestClock();
    const oaAppid = `wxoa${run}`;
    const oaToken = `token${run}`;
    const encodingAESKey = options.pushMode && options.pushMode !== 'plain' ? encodingAESKeyFor(run) : undefined;
    const sandbox = await startSandbox({
      apps: [
        { appid, secret, kind: 'miniprogram' },
        { appid: oaAppid, secret: `oa-secret-${run}`, kind: 'official_account', pushToken: oaToken, pushMode: options.pushMode ?? 'plain', ...(encodingAESKey && { encodingAESKey }) },
      ],
      // The released mini-program's pages (miniapp/src/app.config.ts) that codes and messages open.
      pages: ['pages/join/index', 'pages/card/index', 'pages/points/index', 'pages/tiers/index', 'coupons/mine/index', 'wallet/balance/index'],
      now: clock.now,
      // Tencent's SDK signs SMS calls with the machine's time: tests that move the clock still send.
      smsSignatureNow: Date.now,
      // WeChat Pay's retry schedule (15 s, 15 s, 30 s, 3 min …) in milliseconds.
      payTimeScale: 0.001,
    });
    const tempDir = mkdtempSync(join(tmpdir(), 'wemember-e2e-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: tempDir,
      DATABASE_URL: options.database === 'sqlite' ? `sqlite:${join(tempDir, 'e2e.sqlite')}` : TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `wemember-test:${run}:`,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      PII_KEY: randomBytes(32).toString('base64url'),
      MEMBER_CODE_SECRET: randomBytes(32).toString('base64url'),
      WECHAT_APPID: appid,
      WECHAT_SECRET: secret,
      WECHAT_API_BASE: sandbox.url,
      WECHAT_SANDBOX_URL: sandbox.url,
      WECHAT_OA_APPID: oaAppid,
      WECHAT_OA_SECRET: `oa-secret-${run}`,
      WECHAT_OA_TOKEN: oaToken,
      ...(encodingAESKey && { WECHAT_OA_ENCODING_AES_KEY: encodingAESKey }),
      LOG_LEVEL: 'error',
      SCHEDULE_JOBS: 'false',
      ...(options.h5Dir && { H5_DIR: options.h5Dir }),
      ...options.env,
    });
    const app = await createApp(config, { now: clock.now });
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    // The merchant platform's notify URL: where the server (reading the sandbox's merchant) sends WeChat Pay.
    await http('POST', `${sandbox.url}/__sandbox/merchant`, { body: { notifyUrl: `${url}/api/wechat/pay/notify` } });
    // The MP console's server URL of the official account: where the sandbox pushes follows and send outcomes.
    await http('POST', `${sandbox.url}/__sandbox/official-account`, { body: { appid: oaAppid, serverUrl: `${url}/api/wechat/official` } });
    const usernamePrefix = `t${run}-`;
    const chain = await setUpBrand(app.get(UnitOfWork), demoBrandPlan(appid, STAFF_PASSWORD, usernamePrefix));
    return new TestStack(app, config, url, sandbox, clock, chain, usernamePrefix, tempDir);
  }

  /**
   * A second server instance of the same deployment: same database, same Redis prefix, same clock,
   * as a load balancer would run it. Closed with the stack.
   */
  async twin(): Promise<NestFastifyApplication> {
    const app = await createApp(this.config, { now: this.clock.now });
    await app.listen(0, '127.0.0.1');
    this.twins.push(app);
    return app;
  }

  private readonly twins: NestFastifyApplication[] = [];

  /** The database itself, to look at rows a test expects (tests may bypass the unit of work to read; feature code may not). */
  get db(): DataSource {
    return this.app.get(DataSource);
  }

  get uow(): UnitOfWork {
    return this.app.get(UnitOfWork);
  }

  get appid(): string {
    return this.config.wechat.appid;
  }

  /** The official account's appid (the sandbox's second app). */
  get oaAppid(): string {
    return this.config.officialAccount?.appid ?? '';
  }

  api<T = any>(method: string, path: string, options?: RequestOptions): Promise<HttpResult<T>> {
    return http<T>(method, `${this.url}/api${path}`, options);
  }

  /** The sandbox's control API: what the user does in WeChat. */
  async wechat<T = any>(path: string, body?: unknown): Promise<T> {
    const result = await http<T>(body === undefined ? 'GET' : 'POST', `${this.sandbox.url}/__sandbox${path}`, { body });
    if (result.status >= 300) throw new Error(`sandbox ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  loginCode(openid?: string): Promise<{ code: string; openid: string }> {
    return this.wechat('/login-code', { appid: this.appid, ...(openid && { openid }) });
  }

  async phoneCode(phone: string): Promise<string> {
    return (await this.wechat<{ code: string }>('/phone-code', { appid: this.appid, phone })).code;
  }

  /** wx.login (+ the scanned scene) → our token. */
  async login(options: { openid?: string; scene?: string } = {}): Promise<HttpResult<MemberAuthResponse> & { openid: string }> {
    const { code, openid } = await this.loginCode(options.openid);
    const result = await this.api<MemberAuthResponse>('POST', '/auth/login', { body: { code, ...(options.scene && { scene: options.scene }) } });
    return { ...result, openid };
  }

  /** The whole join journey for one shopper; returns the member token. */
  async join(phone: string, options: { openid?: string; scene?: string } = {}): Promise<MemberJoinResponse> {
    const login = await this.login(options);
    if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
    const joined = await this.api<MemberJoinResponse>('POST', '/auth/phone', { token: login.body.token, body: { phoneCode: await this.phoneCode(phone), acceptedAgreements: ACCEPTED_AGREEMENTS } });
    if (joined.status !== 200) throw new Error(`join failed: ${JSON.stringify(joined.body)}`);
    return joined.body;
  }

  async staffToken(role: 'admin' | 'marketer' | 'region' | 'manager' | 'clerk'): Promise<string> {
    const result = await this.api('POST', '/staff/auth/login', { body: { username: this.usernamePrefix + role, password: STAFF_PASSWORD } });
    if (result.status !== 200) throw new Error(`staff login failed: ${JSON.stringify(result.body)}`);
    return result.body.token;
  }

  store(code: string) {
    const store = this.chain.stores.find((s) => s.code === code);
    if (!store) throw new Error(`no store ${code}`);
    return store;
  }

  /** Prints a mini-program code for `scene` (through WeChat, as the console does) so the sandbox can scan it. */
  async printCode(scene: string): Promise<Buffer> {
    return this.app.get(MiniProgramClient).unlimitedCode(scene, JOIN_PAGE, false);
  }

  /** Row counts, to prove a rejected request wrote nothing. */
  async counts(): Promise<Record<string, number>> {
    const tables = ['members', 'wechat_identities'];
    const entries = await Promise.all(
      tables.map(async (t) => [t, Number((await this.db.query(`SELECT COUNT(*) AS n FROM ${t} WHERE brand_id = ?`, [this.chain.brand.id]))[0].n)] as const),
    );
    return Object.fromEntries(entries);
  }

  async close(): Promise<void> {
    for (const twin of this.twins) await twin.close();
    await this.app.close();
    await this.sandbox.close();
    rmSync(this.tempDir, { recursive: true, force: true });
  }
}

/** A random mainland mobile number. */
export function aPhone(): string {
  return '139' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
}
