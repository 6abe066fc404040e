/* Helpers shared by the *.spec.ts files: a sandbox with a movable clock, the real co-wechat-api
 * client pointed at it, the control API, and a tiny official-account server that records pushes. */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startSandbox, type RunningSandbox, type SandboxApp, type SandboxOptions } from './index';

export interface WechatApiClient {
  prefix: string;
  snsPrefix: string;
  wxaPrefix: string;
  code2Session(jsCode: string): Promise<{ session_key: string; openid: string; unionid?: string; errcode?: number }>;
  ensureAccessToken(): Promise<{ accessToken: string }>;
  getAccessToken(): Promise<{ accessToken: string; expireTime: number }>;
  request(url: string, opts?: object): Promise<unknown>;
  getWXACodeUnlimit(scene: string, page?: string, width?: number): Promise<Buffer>;
  sendTemplate(openid: string, templateId: string, url: string, topColor: string, data: object): Promise<{ errcode: number; msgid: unknown }>;
  sendSubscribeMessage(openid: string, templateId: string, page: string | undefined, data: object): Promise<{ errcode: number; errmsg: string }>;
  getUser(openid: string): Promise<Record<string, unknown>>;
}

// co-wechat-api ships no types: the interface above lists what the specs use.
const WechatAPI = require('co-wechat-api') as new (appid: string, secret: string) => WechatApiClient;

/** The real client library, redirected to the sandbox by its instance prefixes (§1.3). */
export function wechatClient(sandbox: RunningSandbox, app: SandboxApp): WechatApiClient {
  const api = new WechatAPI(app.appid, app.secret);
  api.prefix = `${sandbox.url}/cgi-bin/`;
  api.snsPrefix = `${sandbox.url}/sns/`;
  api.wxaPrefix = `${sandbox.url}/wxa/`;
  return api;
}

/** `api.request` for the JSON endpoints co-wechat-api has no method for. */
export async function postWithToken(api: WechatApiClient, url: string, body: object): Promise<unknown> {
  const { accessToken } = await api.ensureAccessToken();
  return api.request(`${url}?access_token=${accessToken}`, {
    method: 'POST',
    data: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
}

/** A sandbox clock the specs move forward; it starts at the real time. */
export class TestClock {
  private offsetMs = 0;
  readonly now = (): number => Date.now() + this.offsetMs;
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  /** Jumps to an instant (time keeps running from there). */
  travelTo(at: Date | string): void {
    this.offsetMs = new Date(at).getTime() - Date.now();
  }
}

/** Specs keep WeChat Pay's generated keys in a temp folder (made once, shared by the spec files). */
export const TEST_PAY_KEYS_DIR = path.join(os.tmpdir(), 'wemember-wechat-sandbox-spec-keys');

export async function startTestSandbox(options: SandboxOptions = {}): Promise<{ sandbox: RunningSandbox; clock: TestClock }> {
  const clock = new TestClock();
  const sandbox = await startSandbox({ port: 0, now: clock.now, payKeysDir: TEST_PAY_KEYS_DIR, ...options });
  return { sandbox, clock };
}

function randomAppid(): string {
  return 'wxtest' + randomBytes(5).toString('hex');
}

export function aMiniProgram(): SandboxApp {
  return { appid: randomAppid(), secret: randomBytes(16).toString('hex'), kind: 'miniprogram' };
}

export function anOfficialAccount(pushUrl?: string): SandboxApp {
  const app: SandboxApp = { appid: randomAppid(), secret: randomBytes(16).toString('hex'), kind: 'official_account' };
  if (pushUrl) Object.assign(app, { pushUrl, pushToken: 'push-token-' + randomBytes(4).toString('hex') });
  return app;
}

export interface ControlAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the control API the way the H5 app and e2e tests do. */
export async function control<T = Record<string, unknown>>(
  sandbox: RunningSandbox,
  method: 'GET' | 'POST',
  path: string,
  body?: object,
): Promise<ControlAnswer<T>> {
  const response = await fetch(`${sandbox.url}/__sandbox${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

/** Runs a promise that must fail with a WeChatAPIError and returns its errcode. */
export async function errcodeOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
  } catch (error) {
    return (error as { code?: number }).code;
  }
  throw new Error('expected the WeChat call to fail');
}

type Answer = { status: number; body: string; delayMs?: number };

export interface ReceivedPush {
  query: URLSearchParams;
  body: string;
  contentType: string | undefined;
  headers: http.IncomingHttpHeaders;
}

/**
 * A developer's server that WeChat calls (an official account's push URL, a merchant's pay notify
 * URL): records every request and answers as `answer` says (default 200 "success").
 */
export class PushReceiver {
  readonly received: ReceivedPush[] = [];
  /** How to answer the n-th request (1-based), possibly after looking at it (async: e.g. verifying a signature). */
  answer: (attempt: number, received: ReceivedPush) => Answer | Promise<Answer> = () => ({ status: 200, body: 'success' });
  private readonly server = http.createServer((request, response) => this.handle(request, response));
  private waiters: Array<() => void> = [];

  async start(pathAndQuery = '/wechat/push?brand=test'): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${pathAndQuery}`;
  }

  async waitFor(count: number, timeoutMs = 3000): Promise<ReceivedPush[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.received.length} of ${count} pushes arrived`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.received;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: ReceivedPush = {
        query: new URL(request.url ?? '/', 'http://receiver').searchParams,
        body: Buffer.concat(chunks).toString('utf8'),
        contentType: request.headers['content-type'],
        headers: request.headers,
      };
      this.received.push(received);
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((wake) => wake());
      void Promise.resolve(this.answer(this.received.length, received)).then(({ status, body, delayMs }) => {
        const reply = (): void => {
          if (!response.destroyed) response.writeHead(status, { 'content-type': 'text/plain' }).end(body);
        };
        if (delayMs) setTimeout(reply, delayMs);
        else reply();
      });
    });
  }
}

/** The text of one element of a pushed event XML, CDATA or bare. */
export function xmlField(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml);
  return match ? (match[1] ?? match[2]) : undefined;
}
