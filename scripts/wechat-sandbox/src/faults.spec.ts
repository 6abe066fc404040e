import type { RunningSandbox } from './index';
import {
  aMiniProgram,
  anOfficialAccount,
  control,
  errcodeOf,
  postWithToken,
  startTestSandbox,
  wechatClient,
  type WechatApiClient,
} from './spec-support';

interface FaultView {
  path: string;
  errcode: number;
  errmsg: string;
  remaining: number;
}

interface Recorded {
  path: string;
  errcode: number | null;
  fault?: true;
}

describe('injected faults (/__sandbox/faults)', () => {
  const miniProgram = aMiniProgram();
  const officialAccount = anOfficialAccount();
  let sandbox: RunningSandbox;
  let api: WechatApiClient;

  beforeAll(async () => {
    ({ sandbox } = await startTestSandbox({ apps: [miniProgram, officialAccount] }));
    api = wechatClient(sandbox, miniProgram);
  });
  afterAll(() => sandbox.close());
  beforeEach(() => control(sandbox, 'POST', '/reset'));

  function stableToken(): Promise<Record<string, unknown>> {
    return fetch(`${sandbox.url}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: miniProgram.appid, secret: miniProgram.secret }),
    }).then((response) => response.json() as Promise<Record<string, unknown>>);
  }

  function fault(body: object) {
    return control<FaultView & { error?: string }>(sandbox, 'POST', '/faults', body);
  }

  it('makes the next `times` calls to the path answer the errcode with WeChat’s errmsg, then serves normally', async () => {
    const injected = await fault({ path: '/cgi-bin/stable_token', errcode: 40001, times: 2 });

    const answers = [await stableToken(), await stableToken(), await stableToken()];

    expect(injected.status).toBe(200);
    expect(injected.body).toEqual({
      path: '/cgi-bin/stable_token',
      errcode: 40001,
      errmsg: 'invalid credential, access_token is invalid or not latest',
      remaining: 2,
    });
    expect(answers[0]).toEqual({ errcode: 40001, errmsg: expect.stringMatching(/^invalid credential, access_token is invalid or not latest rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/) });
    expect(answers[1].errcode).toBe(40001);
    expect(answers[2]).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    const recorded = (await control<{ requests: Recorded[] }>(sandbox, 'GET', '/requests?path=/cgi-bin/stable_token')).body.requests;
    expect(recorded.map((r) => [r.errcode, r.fault ?? false])).toEqual([
      [40001, true],
      [40001, true],
      [null, false],
    ]);
  });

  it('reaches co-wechat-api as a WeChatAPIError on any endpoint, without side effects (the code is still unspent)', async () => {
    const login = await control<{ code: string; openid: string }>(sandbox, 'POST', '/login-code', {});
    await fault({ path: '/sns/jscode2session', errcode: 40226 });

    expect(await errcodeOf(api.code2Session(login.body.code))).toBe(40226);
    expect((await api.code2Session(login.body.code)).openid).toBe(login.body.openid);
  });

  it.each([
    ['/wxa/getwxacodeunlimit', -1],
    ['/wxa/getwxacodeunlimit', 45009],
    ['/wxa/getwxacodeunlimit', 41030],
    ['/wxa/business/getuserphonenumber', 40029],
    ['/cgi-bin/message/subscribe/send', 47003],
    ['/cgi-bin/token', 45009],
  ])('answers %s with %d', async (path, errcode) => {
    await fault({ path, errcode });
    const call =
      path === '/cgi-bin/token'
        ? api.getAccessToken()
        : path === '/wxa/getwxacodeunlimit'
          ? api.getWXACodeUnlimit('a=1')
          : postWithToken(api, `${sandbox.url}${path}`, { code: 'x', touser: 'o', template_id: 'T' });

    expect(await errcodeOf(call)).toBe(errcode);
  });

  it('serves official-account APIs too (template send)', async () => {
    await fault({ path: '/cgi-bin/message/template/send', errcode: 45009 });
    const oa = wechatClient(sandbox, officialAccount);

    expect(await errcodeOf(oa.sendTemplate('oNobody', 'T', '', '', {}))).toBe(45009);
    expect(await errcodeOf(oa.sendTemplate('oNobody', 'T', '', '', {}))).toBe(43004); // the real answer again
  });

  it('lists pending faults and clears them, all or one path', async () => {
    await fault({ path: '/cgi-bin/stable_token', errcode: -1, times: 3 });
    await fault({ path: '/wxa/getwxacodeunlimit', errcode: 45009 });
    await stableToken();

    const listed = await control<{ faults: FaultView[] }>(sandbox, 'GET', '/faults');
    expect(listed.body.faults).toEqual([
      { path: '/cgi-bin/stable_token', errcode: -1, errmsg: 'system error', remaining: 2 },
      { path: '/wxa/getwxacodeunlimit', errcode: 45009, errmsg: 'reach max api daily quota limit', remaining: 1 },
    ]);

    const one = await fetch(`${sandbox.url}/__sandbox/faults?path=${encodeURIComponent('/wxa/getwxacodeunlimit')}`, { method: 'DELETE' });
    expect(await one.json()).toEqual({ cleared: 1 });
    const all = await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
    expect(await all.json()).toEqual({ cleared: 1 });
    expect((await control<{ faults: FaultView[] }>(sandbox, 'GET', '/faults')).body.faults).toEqual([]);
    expect((await stableToken()).access_token).toEqual(expect.any(String));
  });

  it('replaces the pending fault of a path, and /reset clears faults', async () => {
    await fault({ path: '/cgi-bin/stable_token', errcode: -1, times: 5 });
    await fault({ path: '/cgi-bin/stable_token', errcode: 42001, times: 1 });

    expect((await stableToken()).errcode).toBe(42001);
    expect((await stableToken()).access_token).toEqual(expect.any(String));

    await fault({ path: '/cgi-bin/stable_token', errcode: -1 });
    await control(sandbox, 'POST', '/reset');
    expect((await stableToken()).access_token).toEqual(expect.any(String));
  });

  it('rejects a bad body with 400 naming the field', async () => {
    const unknownPath = await fault({ path: '/cgi-bin/menu/create', errcode: -1 });
    const withQuery = await fault({ path: '/cgi-bin/stable_token?x=1', errcode: -1 });
    const noPath = await fault({ errcode: -1 });
    const unknownErrcode = await fault({ path: '/cgi-bin/stable_token', errcode: 12345 });
    const stringErrcode = await fault({ path: '/cgi-bin/stable_token', errcode: '40001' });
    const zeroTimes = await fault({ path: '/cgi-bin/stable_token', errcode: -1, times: 0 });
    const fractionalTimes = await fault({ path: '/cgi-bin/stable_token', errcode: -1, times: 1.5 });

    for (const answer of [unknownPath, withQuery, noPath]) {
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatch(/^path must be one of .*\/cgi-bin\/stable_token/);
    }
    for (const answer of [unknownErrcode, stringErrcode]) {
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatch(/^errcode must be one of .*40001/);
    }
    for (const answer of [zeroTimes, fractionalTimes]) {
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('times must be a positive integer');
    }
    expect((await control<{ faults: FaultView[] }>(sandbox, 'GET', '/faults')).body.faults).toEqual([]);
  });

  it('answers the browser preflight for DELETE', async () => {
    const response = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:10086', 'access-control-request-method': 'DELETE' },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-methods')).toContain('DELETE');
  });
});
