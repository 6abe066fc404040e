import { createServer } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { startSandbox } from '../../scripts/wechat-sandbox/src';
import { createApp } from '../../server/src/app.factory';
import { http } from '../support/http';
import { ACCEPTED_AGREEMENTS, aPhone, STAFF_PASSWORD, TestStack } from '../support/stack';

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

    const joins = await Promise.all(ready.map(({ token, phoneCode }) => stack.api('POST', '/auth/phone', { token, body: { phoneCode, acceptedAgreements: ACCEPTED_AGREEMENTS } })));

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
    const joined = await stack.api('POST', '/auth/phone', { token, body: { phoneCode, acceptedAgreements: ACCEPTED_AGREEMENTS } });
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
      const joined = await api('POST', '/auth/phone', { token: login.body.token, body: { phoneCode: await stack.phoneCode(phone), acceptedAgreements: ACCEPTED_AGREEMENTS } });
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

interface RecordedCall extends RecordedRequest {
  fault?: true;
}

/** Fails clearly instead of waiting for Jest's timeout when a request hangs. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    const value = await Promise.race([promise, timeout]);
    return { value, elapsedMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

describe('when stable_token itself answers 40001/42001 (co-wechat-api would refresh again)', () => {
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

  const lockKey = () => `${tokenKey(stack)}:lock`;
  const stableCalls = async () => (await wechatCalls(stack, '/cgi-bin/stable_token')) as RecordedCall[];
  const fault = (errcode: number, times: number) => stack.wechat('/faults', { path: '/cgi-bin/stable_token', errcode, times });

  async function joinThrough(url: string, phone: string) {
    const { token, phoneCode } = await loggedInWithPhoneCode(stack, phone);
    return http('POST', `${url}/api/auth/phone`, { token, body: { phoneCode, acceptedAgreements: ACCEPTED_AGREEMENTS } });
  }

  it('with no token cached: tries once more, then answers 503 within seconds, releases the lock, and a later join succeeds', async () => {
    await redis.del(tokenKey(stack));
    const before = (await stableCalls()).length;
    const shopper = await loggedInWithPhoneCode(stack, aPhone());
    const beforeCounts = await stack.counts();
    await fault(40001, 2);

    const { value: refused, elapsedMs } = await within(
      5000,
      'the join',
      stack.api('POST', '/auth/phone', { token: shopper.token, body: { phoneCode: shopper.phoneCode, acceptedAgreements: ACCEPTED_AGREEMENTS } }),
    );

    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ statusCode: 503, code: 'WECHAT_TOKEN_REFUSED', message: '微信服务暂时不可用（接口凭证获取失败），请稍后再试' });
    expect(elapsedMs).toBeLessThan(3000);
    expect(await redis.exists(lockKey())).toBe(0);
    expect(await redis.get(tokenKey(stack))).toBeNull();
    expect((await stableCalls()).slice(before).map((c) => [c.errcode, c.fault])).toEqual([
      [40001, true],
      [40001, true],
    ]);
    expect(await stack.counts()).toEqual(beforeCounts);

    // The fault is over: the next shopper joins, with one more (normal-mode) stable_token call.
    const joined = await within(5000, 'the next join', joinThrough(stack.url, aPhone()));
    expect(joined.value.status).toBe(200);
    expect((await stack.counts()).members).toBe(beforeCounts.members + 1);
    const after = (await stableCalls()).slice(before);
    expect(after.map((c) => c.errcode)).toEqual([40001, 40001, null]);
    expect(await redis.get(tokenKey(stack))).not.toBeNull();
  });

  it('a single 40001 or 42001 from stable_token is absorbed by the one retry', async () => {
    for (const errcode of [40001, 42001]) {
      await redis.del(tokenKey(stack));
      const before = (await stableCalls()).length;
      await fault(errcode, 1);

      const joined = await within(5000, 'the join', joinThrough(stack.url, aPhone()));

      expect(joined.value.status).toBe(200);
      expect((await stableCalls()).slice(before).map((c) => c.errcode)).toEqual([errcode, null]);
      expect(await redis.exists(lockKey())).toBe(0);
    }
  });

  it('when the phone-number call gets 42001 and the refresh then gets 42001 too: 503 within seconds, lock released, then it recovers', async () => {
    await stack.join(aPhone()); // a token is cached
    await stack.wechat('/tokens/expire', { appid: stack.appid });
    const before = { stable: (await stableCalls()).length, phone: (await wechatCalls(stack, PHONE_API)).length };
    await fault(42001, 2);

    const { value: refused } = await within(5000, 'the join', joinThrough(stack.url, aPhone()));

    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('WECHAT_TOKEN_REFUSED');
    expect(await redis.exists(lockKey())).toBe(0);
    expect((await wechatCalls(stack, PHONE_API)).slice(before.phone).map((c) => c.errcode)).toEqual([42001]);
    expect((await stableCalls()).slice(before.stable).map((c) => c.errcode)).toEqual([42001, 42001]);

    const joined = await within(5000, 'the next join', joinThrough(stack.url, aPhone()));
    expect(joined.value.status).toBe(200);
  });

  it('a second server instance is not stalled by the first one’s failing refresh', async () => {
    const twin = await stack.twin();
    const twinUrl = (await twin.getUrl()).replace('[::1]', '127.0.0.1');
    await redis.del(tokenKey(stack));
    const before = (await stableCalls()).length;
    // Both instances need a token at once; whichever takes the lock first spends both faults.
    await fault(40001, 2);
    const [first, second] = await Promise.all([
      loggedInWithPhoneCode(stack, aPhone()),
      loggedInWithPhoneCode(stack, aPhone()),
    ]);

    const { value: answers, elapsedMs } = await within(
      8000,
      'the two joins',
      Promise.all([
        stack.api('POST', '/auth/phone', { token: first.token, body: { phoneCode: first.phoneCode, acceptedAgreements: ACCEPTED_AGREEMENTS } }),
        http('POST', `${twinUrl}/api/auth/phone`, { token: second.token, body: { phoneCode: second.phoneCode, acceptedAgreements: ACCEPTED_AGREEMENTS } }),
      ]),
    );

    expect(answers.map((a) => a.status).sort()).toEqual([200, 503]);
    expect(answers.find((a) => a.status === 503)!.body.code).toBe('WECHAT_TOKEN_REFUSED');
    expect(elapsedMs).toBeLessThan(5000);
    expect((await stableCalls()).slice(before).map((c) => c.errcode)).toEqual([40001, 40001, null]);
    expect(await redis.exists(lockKey())).toBe(0);

    // The one token fetched by whichever instance succeeded now serves both.
    const stableNow = (await stableCalls()).length;
    expect((await within(5000, 'a join on the first instance', joinThrough(stack.url, aPhone()))).value.status).toBe(200);
    expect((await within(5000, 'a join on the twin', joinThrough(twinUrl, aPhone()))).value.status).toBe(200);
    expect((await stableCalls()).length).toBe(stableNow);
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
      const withToken = await stack.api('POST', '/auth/phone', { token: first.token, body: { phoneCode: first.phoneCode, acceptedAgreements: ACCEPTED_AGREEMENTS } });
      expect(withToken.status).toBe(503);
      expect(withToken.body).toEqual({ statusCode: 503, code: 'WECHAT_UNAVAILABLE', message: '微信服务暂时不可用，请稍后再试' });

      // No token cached (say, after a Redis restart): fetching one fails.
      await redis.del(tokenKeyName);
      const noToken = await stack.api('POST', '/auth/phone', { token: second.token, body: { phoneCode: second.phoneCode, acceptedAgreements: ACCEPTED_AGREEMENTS } });
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
