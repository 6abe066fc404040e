import type { RunningSandbox } from './index';
import {
  aMiniProgram,
  anOfficialAccount,
  control,
  errcodeOf,
  postWithToken,
  startTestSandbox,
  TestClock,
  wechatClient,
  type WechatApiClient,
} from './spec-support';

interface Recorded {
  path: string;
  errcode: number | null;
  query: Record<string, string>;
}

describe('access tokens (§C)', () => {
  const miniProgram = aMiniProgram();
  const officialAccount = anOfficialAccount();
  let sandbox: RunningSandbox;
  let clock: TestClock;

  beforeAll(async () => {
    ({ sandbox, clock } = await startTestSandbox({ apps: [miniProgram, officialAccount] }));
  });
  afterAll(() => sandbox.close());

  async function wechatJson(path: string, init?: RequestInit): Promise<Record<string, unknown>> {
    return (await (await fetch(`${sandbox.url}${path}`, init)).json()) as Record<string, unknown>;
  }

  function fetchToken(secret = miniProgram.secret, appid = miniProgram.appid, grantType = 'client_credential') {
    return wechatJson(`/cgi-bin/token?grant_type=${grantType}&appid=${appid}&secret=${secret}`);
  }

  function stableToken(body: object) {
    return wechatJson('/cgi-bin/stable_token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: miniProgram.appid, secret: miniProgram.secret, ...body }),
    });
  }

  /** An authenticated call whose outcome depends only on the token. */
  async function phoneCallErrcode(token: string): Promise<unknown> {
    const answer = await wechatJson(`/wxa/business/getuserphonenumber?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      body: JSON.stringify({ code: 'unknown' }),
    });
    return answer.errcode; // 40029 = the token was accepted
  }

  async function recorded(path: string): Promise<Recorded[]> {
    return (await control<{ requests: Recorded[] }>(sandbox, 'GET', `/requests?path=${path}&appid=${miniProgram.appid}`)).body
      .requests;
  }

  it('issues a token valid for 7200 s and rejects bad credentials without ever answering 40001', async () => {
    const token = await fetchToken();
    expect(token).toEqual({ access_token: expect.stringMatching(/^\d\d_[A-Za-z0-9_-]{100,}$/), expires_in: 7200 });

    expect((await fetchToken('wrong')).errcode).toBe(40125);
    expect((await fetchToken(miniProgram.secret, 'wxnobody')).errcode).toBe(40013);
    expect((await fetchToken(miniProgram.secret, miniProgram.appid, 'password')).errcode).toBe(40002);
  });

  it('lets co-wechat-api fail fast on a wrong secret (a 40001 here would make it recurse forever)', async () => {
    const api = wechatClient(sandbox, { ...miniProgram, secret: 'wrong' });

    expect(await errcodeOf(api.getWXACodeUnlimit('a=1'))).toBe(40125);
  });

  it('keeps the previous token working for 5 minutes after a new fetch, then answers 40001', async () => {
    const previous = (await fetchToken()).access_token as string;
    const latest = (await fetchToken()).access_token as string;

    expect(await phoneCallErrcode(previous)).toBe(40029);
    clock.advance(299 * 1000);
    expect(await phoneCallErrcode(previous)).toBe(40029);
    clock.advance(2 * 1000);
    expect(await phoneCallErrcode(previous)).toBe(40001);
    expect(await phoneCallErrcode(latest)).toBe(40029);
  });

  it('answers 41001 without a token, 40001 for an unknown one and 48001 for the wrong kind of app', async () => {
    const oaToken = (await wechatJson(
      `/cgi-bin/token?grant_type=client_credential&appid=${officialAccount.appid}&secret=${officialAccount.secret}`,
    )).access_token as string;

    expect((await wechatJson('/wxa/business/getuserphonenumber', { method: 'POST', body: '{}' })).errcode).toBe(41001);
    expect(await phoneCallErrcode('not-a-token')).toBe(40001);
    expect(await phoneCallErrcode(oaToken)).toBe(48001);
  });

  it('answers 42001 after /__sandbox/tokens/expire, and co-wechat-api recovers by fetching a new token', async () => {
    await control(sandbox, 'POST', '/reset');
    const api = wechatClient(sandbox, miniProgram);
    await api.getWXACodeUnlimit('before=1');

    const expired = await control<{ expired: number }>(sandbox, 'POST', '/tokens/expire', { appid: miniProgram.appid });
    const image = await api.getWXACodeUnlimit('after=1');

    expect(expired.body.expired).toBe(1);
    expect(image[0]).toBe(0xff);
    expect((await recorded('/cgi-bin/token')).length).toBe(2);
    expect((await recorded('/wxa/getwxacodeunlimit')).map((request) => request.errcode)).toEqual([null, 42001, null]);
  });

  it('answers 42001 once the sandbox clock passes 7200 s, which co-wechat-api also survives', async () => {
    const api: WechatApiClient = wechatClient(sandbox, miniProgram);
    const { accessToken } = await api.ensureAccessToken();
    clock.advance(7201 * 1000);

    expect(await phoneCallErrcode(accessToken)).toBe(42001);
    await expect(postWithToken(api, `${api.wxaPrefix}business/getuserphonenumber`, { code: 'x' })).rejects.toMatchObject({
      code: 40029, // the token problem was solved; only the fake code remains
    });
  });

  describe('stable_token (§C.2)', () => {
    it('returns the same token while it is valid and rotates it with force_refresh', async () => {
      const first = await stableToken({});
      const again = await stableToken({ force_refresh: false });
      const forced = await stableToken({ force_refresh: true });

      expect(again.access_token).toBe(first.access_token);
      expect(forced.access_token).not.toBe(first.access_token);
      expect(forced.expires_in).toBe(7200);
      expect(await phoneCallErrcode(first.access_token as string)).toBe(40029); // 5-minute hand-over
    });

    it('kills a leaked token with two forced refreshes', async () => {
      clock.advance(30 * 1000); // 30 s after the previous test's forced refresh, or this one would not force
      const leaked = (await stableToken({})).access_token as string;
      await stableToken({ force_refresh: true });
      clock.advance(30 * 1000);
      await stableToken({ force_refresh: true });

      expect(await phoneCallErrcode(leaked)).toBe(40001);
    });

    it('rotates in the last 5 minutes, so every answer has expires_in >= 300', async () => {
      const current = await stableToken({});
      clock.advance((7200 - 299) * 1000);
      const rotated = await stableToken({});

      expect(rotated.access_token).not.toBe(current.access_token);
      expect(rotated.expires_in).toBe(7200);
      expect(await phoneCallErrcode(current.access_token as string)).toBe(40029);
    });

    it('is independent of /cgi-bin/token', async () => {
      const stable = (await stableToken({})).access_token as string;
      await fetchToken();
      await fetchToken();
      clock.advance(301 * 1000);

      expect(await phoneCallErrcode(stable)).toBe(40029);
    });

    it('checks credentials like /cgi-bin/token', async () => {
      expect((await stableToken({ secret: 'wrong' })).errcode).toBe(40125);
      expect((await stableToken({ grant_type: 'nope' })).errcode).toBe(40002);
    });
  });
});

describe('stable_token force_refresh limits (§C.2: 20 a day, 30 s apart)', () => {
  const miniProgram = aMiniProgram();
  const other = aMiniProgram();
  let sandbox: RunningSandbox;
  let clock: TestClock;

  beforeAll(async () => {
    ({ sandbox, clock } = await startTestSandbox({ apps: [miniProgram, other] }));
  });
  afterAll(() => sandbox.close());

  async function stableToken(forceRefresh: boolean, app = miniProgram): Promise<Record<string, unknown>> {
    const response = await fetch(`${sandbox.url}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: app.appid, secret: app.secret, force_refresh: forceRefresh }),
    });
    return (await response.json()) as Record<string, unknown>;
  }

  it('does not refresh a second time within 30 s: the current token comes back, no error', async () => {
    clock.travelTo('2031-03-01T09:00:00+08:00');
    const first = await stableToken(true);
    clock.advance(29 * 1000);

    const tooSoon = await stableToken(true);

    expect(tooSoon.errcode).toBeUndefined();
    expect(tooSoon.access_token).toBe(first.access_token);
    clock.advance(1000);
    const later = await stableToken(true);
    expect(later.access_token).not.toBe(first.access_token);
  });

  it('answers 45009 to the 21st forced refresh of a China-time day, per appid, and allows them again the next day', async () => {
    clock.travelTo('2031-03-02T00:00:10+08:00');
    const tokens = new Set<unknown>();
    for (let i = 0; i < 20; i += 1) {
      tokens.add((await stableToken(true)).access_token);
      clock.advance(30 * 1000);
    }

    const over = await stableToken(true);

    expect(tokens.size).toBe(20); // each of the 20 rotated the token
    expect(over).toEqual({ errcode: 45009, errmsg: expect.stringMatching(/^reach max api daily quota limit.* rid: [0-9a-f-]+$/) });
    expect((await stableToken(false)).access_token).toEqual(expect.any(String)); // normal mode is not limited
    expect((await stableToken(true, other)).access_token).toEqual(expect.any(String)); // another appid is not

    clock.travelTo('2031-03-02T23:59:50+08:00');
    expect((await stableToken(true)).errcode).toBe(45009);
    clock.travelTo('2031-03-03T00:00:05+08:00'); // midnight in China, 16:00 UTC
    expect((await stableToken(true)).access_token).toEqual(expect.any(String));
  });
});
