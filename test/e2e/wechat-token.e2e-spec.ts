import { createServer } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { startSandbox } from '../../scripts/wechat-sandbox/src';
import { createApp } from '../../server/src/app.factory';
import { http } from '../support/http';
import { aPhone, STAFF_PASSWORD, TestStack } from '../support/stack';

interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  errcode: number | null;
}

/** Every WeChat API call the sandbox answered on `path` (a prefix). */
async function wechatCalls(stack: TestStack, path: string): Promise<RecordedRequest[]> {
  return (await stack.wechat<{ requests: RecordedRequest[] }>(`/requests?path=${encodeURIComponent(path)}&appid=${stack.appid}`)).requests;
}

const PHONE_API = '/wxa/business/getuserphonenumber';

function tokenKey(stack: TestStack): string {
  return `${stack.config.redis.prefix}wechat:access-token:${stack.appid}`;
}

/** Login + phone code while WeChat is up; the join itself is left to the test. */
async function loggedInWithPhoneCode(stack: TestStack, phone: string): Promise<{ token: string; phoneCode: string }> {
  const login = await stack.login();
  expect(login.status).toBe(200);
  return { token: login.body.token, phoneCode: await stack.phoneCode(phone) };
}

describe('the WeChat access token (co-wechat-api against the sandbox)', () => {
  let stack: TestStack;
  let redis: Redis;

  beforeAll(async () => {
    stack = await TestStack.start();
    redis = new Redis(stack.config.redis.url);
  });
  afterAll(async () => {
    await redis?.quit();
    await stack?.close();
  });

  it('ten concurrent joins on a fresh server fetch exactly one token, through stable_token', async () => {
    expect(await redis.get(tokenKey(stack))).toBeNull();
    const phones = Array.from({ length: 10 }, () => aPhone());
    const ready = await Promise.all(phones.map((phone) => loggedInWithPhoneCode(stack, phone)));

    const joins = await Promise.all(ready.map(({ token, phoneCode }) => stack.api('POST', '/auth/phone', { token, body: { phoneCode } })));

    expect(joins.map((j) => j.status)).toEqual(Array(10).fill(200));
    expect(new Set(joins.map((j) => j.body.member.memberNo)).size).toBe(10);
    expect(joins.map((j) => j.body.member.phoneMasked)).toEqual(phones.map((p) => `${p.slice(0, 3)}****${p.slice(-4)}`));

    expect(await wechatCalls(stack, '/cgi-bin/stable_token')).toHaveLength(1);
    expect(await wechatCalls(stack, '/cgi-bin/token')).toHaveLength(0);
    const phoneCalls = await wechatCalls(stack, PHONE_API);
    expect(phoneCalls).toHaveLength(10);
    expect(phoneCalls.map((c) => c.errcode)).toEqual(Array(10).fill(0));

    // The one token is the one in Redis, under this deployment's prefix, and it is what every call used.
    const stored = JSON.parse((await redis.get(tokenKey(stack)))!);
    expect(stored.expireTime).toBeGreaterThan(Date.now() + 60 * 60 * 1000);
    expect(new Set(phoneCalls.map((c) => c.query.access_token))).toEqual(new Set([stored.accessToken]));
    expect(await redis.pttl(tokenKey(stack))).toBeGreaterThan(0);
  });

  it('after WeChat expires the token, the next join still succeeds: one 42001, one new token, one retry', async () => {
    // A token is in hand from an earlier join.
    await stack.join(aPhone());
    const before = { stable: (await wechatCalls(stack, '/cgi-bin/stable_token')).length, phone: (await wechatCalls(stack, PHONE_API)).length };
    const oldToken = JSON.parse((await redis.get(tokenKey(stack)))!).accessToken;

    const { expired } = await stack.wechat<{ expired: number }>('/tokens/expire', { appid: stack.appid });
    expect(expired).toBeGreaterThanOrEqual(1);

    const phone = aPhone();
    const { token, phoneCode } = await loggedInWithPhoneCode(stack, phone);
    const joined = await stack.api('POST', '/auth/phone', { token, body: { phoneCode } });
    expect(joined.status).toBe(200);
    expect(joined.body.member.phoneMasked).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    const card = await stack.api('GET', '/member/card', { token: joined.body.token });
    expect(card.status).toBe(200);
    expect(card.body.memberNo).toBe(joined.body.member.memberNo);

    const phoneCalls = (await wechatCalls(stack, PHONE_API)).slice(before.phone);
    expect(phoneCalls.map((c) => c.errcode)).toEqual([42001, 0]);
    expect(phoneCalls[0].query.access_token).toBe(oldToken);
    expect((await wechatCalls(stack, '/cgi-bin/stable_token')).length).toBe(before.stable + 1);
    expect(await wechatCalls(stack, '/cgi-bin/token')).toHaveLength(0);

    const newToken = JSON.parse((await redis.get(tokenKey(stack)))!).accessToken;
    expect(newToken).not.toBe(oldToken);
    expect(phoneCalls[1].query.access_token).toBe(newToken);

    // And the next shopper is served with the new token straight away.
    await stack.join(aPhone());
    expect((await wechatCalls(stack, '/cgi-bin/stable_token')).length).toBe(before.stable + 1);
  });

  it('a second server instance on the same Redis prefix and database uses the stored token, fetching none', async () => {
    await stack.join(aPhone()); // a token is stored
    const storedToken = JSON.parse((await redis.get(tokenKey(stack)))!).accessToken;
    const stableBefore = (await wechatCalls(stack, '/cgi-bin/stable_token')).length;
    const phoneBefore = (await wechatCalls(stack, PHONE_API)).length;

    let second: NestFastifyApplication | undefined;
    try {
      second = await createApp(stack.config);
      await second.listen(0, '127.0.0.1');
      const secondUrl = (await second.getUrl()).replace('[::1]', '127.0.0.1');
      expect(secondUrl).not.toBe(stack.url);
      const api = (method: string, path: string, options?: Parameters<typeof http>[2]) => http(method, `${secondUrl}/api${path}`, options);

      // A shopper joins through the second instance…
      const { code } = await stack.loginCode();
      const login = await api('POST', '/auth/login', { body: { code, scene: stack.chain.counterScenes.SH001 } });
      expect(login.status).toBe(200);
      const phone = aPhone();
      const joined = await api('POST', '/auth/phone', { token: login.body.token, body: { phoneCode: await stack.phoneCode(phone) } });
      expect(joined.status).toBe(200);
      // …and is the same member for the first one (same database).
      const card = await stack.api('GET', '/member/card', { token: joined.body.token });
      expect(card.body.memberNo).toBe(joined.body.member.memberNo);

      // A manager prints a store code through it too.
      const staff = await api('POST', '/staff/auth/login', { body: { username: `${stack.usernamePrefix}admin`, password: STAFF_PASSWORD } });
      expect(staff.status).toBe(200);
      const image = await api('GET', `/staff/stores/${stack.store('SH001').id}/wxacode`, { token: staff.body.token });
      expect(image.status).toBe(200);
      expect([...(image.body as Buffer).subarray(0, 2)]).toEqual([0xff, 0xd8]);

      expect((await wechatCalls(stack, '/cgi-bin/stable_token')).length).toBe(stableBefore);
      const phoneCalls = (await wechatCalls(stack, PHONE_API)).slice(phoneBefore);
      expect(phoneCalls).toEqual([expect.objectContaining({ errcode: 0, query: expect.objectContaining({ access_token: storedToken }) })]);
      const codes = await wechatCalls(stack, '/wxa/getwxacodeunlimit');
      expect(codes[codes.length - 1].query.access_token).toBe(storedToken);
    } finally {
      await second?.close();
    }
  });
});

describe('when WeChat is down', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(() => stack?.close());

  it('a join answers 503 WECHAT_UNAVAILABLE and writes nothing, whether or not a token is cached; it works again once WeChat is back', async () => {
    // WeChat is up: one shopper joins (so a token is cached), two more get as far as the phone button.
    await stack.join(aPhone());
    const first = await loggedInWithPhoneCode(stack, aPhone());
    const second = await loggedInWithPhoneCode(stack, aPhone());
    const tokenKeyName = tokenKey(stack);
    const { port } = stack.sandbox;
    await stack.sandbox.close();

    const before = await stack.counts();
    const redis = new Redis(stack.config.redis.url);
    try {
      // A token cached: the phone-number call itself fails.
      expect(await redis.get(tokenKeyName)).not.toBeNull();
      const withToken = await stack.api('POST', '/auth/phone', { token: first.token, body: { phoneCode: first.phoneCode } });
      expect(withToken.status).toBe(503);
      expect(withToken.body).toEqual({ statusCode: 503, code: 'WECHAT_UNAVAILABLE', message: '微信服务暂时不可用，请稍后再试' });

      // No token cached (say, after a Redis restart): fetching one fails.
      await redis.del(tokenKeyName);
      const noToken = await stack.api('POST', '/auth/phone', { token: second.token, body: { phoneCode: second.phoneCode } });
      expect(noToken.status).toBe(503);
      expect(noToken.body.code).toBe('WECHAT_UNAVAILABLE');
      expect(await redis.get(tokenKeyName)).toBeNull();

      // A new shopper opening the app cannot even log in, and is told the same.
      const login = await stack.api('POST', '/auth/login', { body: { code: 'some-code', scene: stack.chain.counterScenes.HZ001 } });
      expect(login.status).toBe(503);
      expect(login.body.code).toBe('WECHAT_UNAVAILABLE');

      expect(await stack.counts()).toEqual(before);
      const [row] = await stack.db.query('SELECT COUNT(*) AS n FROM wechat_identities WHERE brand_id = ? AND member_id IS NOT NULL', [stack.chain.brand.id]);
      expect(Number(row.n)).toBe(1); // the shopper who joined before the outage
      for (const { token } of [first, second]) {
        expect((await stack.api('GET', '/member/card', { token })).body.code).toBe('NOT_JOINED');
      }
    } finally {
      await redis.quit();
    }

    // WeChat comes back (same address, its state gone, as after a restart): no failure is remembered.
    const revived = await startSandbox({
      port,
      apps: [{ appid: stack.appid, secret: stack.config.wechat.secret, kind: 'miniprogram' }],
      pages: ['pages/join/index', 'pages/card/index'],
      now: stack.clock.now,
    });
    try {
      const joined = await stack.join(aPhone(), { scene: stack.chain.counterScenes.HZ001 });
      expect(joined.member!.memberNo).toMatch(/^[1-9]\d{9}$/);
      expect(await stack.counts()).toEqual({ members: before.members + 1, wechat_identities: before.wechat_identities + 1 });
    } finally {
      await revived.close();
    }
  });

  it('a server pointed at an address where nothing listens answers 503, not 500', async () => {
    const deadPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const dead = await TestStack.start({ env: { WECHAT_API_BASE: `http://127.0.0.1:${deadPort}` } });
    try {
      const before = await dead.counts();
      const login = await dead.api('POST', '/auth/login', { body: { code: 'any-code' } });
      expect(login.status).toBe(503);
      expect(login.body.code).toBe('WECHAT_UNAVAILABLE');
      const staff = await dead.staffToken('manager');
      const image = await dead.api('GET', `/staff/stores/${dead.store('HZ001').id}/wxacode`, { token: staff });
      expect(image.status).toBe(503);
      expect(image.body.code).toBe('WECHAT_UNAVAILABLE');
      expect(await dead.counts()).toEqual(before);
    } finally {
      await dead.close();
    }
  });
});
