import type { RunningSandbox } from './index';
import { aMiniProgram, anOfficialAccount, control, startTestSandbox, wechatClient } from './spec-support';

describe('control API (/__sandbox)', () => {
  const miniProgram = aMiniProgram();
  const officialAccount = anOfficialAccount();
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    ({ sandbox } = await startTestSandbox({ apps: [miniProgram, officialAccount] }));
  });
  afterAll(() => sandbox.close());

  it('answers health with CORS open to any origin', async () => {
    const answer = await control(sandbox, 'GET', '/health');

    expect(answer.body).toEqual({ ok: true });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers the browser preflight', async () => {
    const response = await fetch(`${sandbox.url}/__sandbox/login-code`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:10086', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('mints login codes for the first mini-program by default, reading a text/plain JSON body too', async () => {
    const response = await fetch(`${sandbox.url}/__sandbox/login-code`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    const login = (await response.json()) as { code: string; openid: string };

    expect(login.code).toMatch(/^[0-9A-Za-z]{32}$/);
    expect((await wechatClient(sandbox, miniProgram).code2Session(login.code)).openid).toBe(login.openid);
  });

  it('registers apps at run time and rejects incomplete ones', async () => {
    const brand = aMiniProgram();

    const registered = await control(sandbox, 'POST', '/apps', brand);
    const login = await control<{ code: string }>(sandbox, 'POST', '/login-code', { appid: brand.appid });

    expect(registered.body).toEqual({ appid: brand.appid, kind: 'miniprogram', pushUrl: null });
    expect((await wechatClient(sandbox, brand).code2Session(login.body.code)).openid).toEqual(expect.any(String));
    expect((await control(sandbox, 'POST', '/apps', { appid: 'wxhalf' })).status).toBe(400);
    expect((await control(sandbox, 'POST', '/apps', { ...anOfficialAccount(), pushUrl: 'http://x.invalid/' })).status).toBe(400);
  });

  it('answers 404 for an unknown appid and 400 for the wrong kind or a malformed body', async () => {
    expect((await control(sandbox, 'POST', '/login-code', { appid: 'wxnobody' })).status).toBe(404);
    expect((await control(sandbox, 'POST', '/login-code', { appid: officialAccount.appid })).status).toBe(400);
    expect((await control(sandbox, 'POST', '/follow', {})).body).toEqual({ error: 'openid or unionid is required' });
    const malformed = await fetch(`${sandbox.url}/__sandbox/phone-code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(malformed.status).toBe(400);
  });

  it('lists the WeChat requests received, filtered by path prefix', async () => {
    await control(sandbox, 'POST', '/reset');
    const api = wechatClient(sandbox, miniProgram);
    await api.getWXACodeUnlimit('count=1');
    await api.getWXACodeUnlimit('count=2');

    const tokenFetches = await control<{ requests: Array<Record<string, unknown>> }>(sandbox, 'GET', '/requests?path=/cgi-bin/token');
    const all = await control<{ requests: unknown[] }>(sandbox, 'GET', '/requests');

    expect(tokenFetches.body.requests).toEqual([
      {
        method: 'GET',
        path: '/cgi-bin/token',
        query: { grant_type: 'client_credential', appid: miniProgram.appid, secret: miniProgram.secret },
        body: null,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        appid: miniProgram.appid,
        errcode: null,
      },
    ]);
    expect(all.body.requests).toHaveLength(3);
  });

  it('resets everything but the apps', async () => {
    await wechatClient(sandbox, miniProgram).getWXACodeUnlimit('before-reset=1');
    await control(sandbox, 'POST', '/subscribe-accept', { openid: 'oReset', templateId: 'T' });

    await control(sandbox, 'POST', '/reset');

    expect((await control<{ requests: unknown[] }>(sandbox, 'GET', '/requests')).body.requests).toEqual([]);
    expect((await control<{ wxacodes: unknown[] }>(sandbox, 'GET', '/wxacodes')).body.wxacodes).toEqual([]);
    expect((await control(sandbox, 'POST', '/scan', { scene: 'before-reset=1' })).status).toBe(404);
    expect((await control(sandbox, 'POST', '/login-code', { appid: miniProgram.appid })).status).toBe(200);
  });

  it('answers 43002 to a GET on a POST-only WeChat API, and 404 to an API it does not implement', async () => {
    const get = await fetch(`${sandbox.url}/cgi-bin/message/template/send?access_token=x`);
    const missing = await fetch(`${sandbox.url}/cgi-bin/menu/create?access_token=x`, { method: 'POST', body: '{}' });

    expect(((await get.json()) as { errcode: number }).errcode).toBe(43002);
    expect(missing.status).toBe(404);
  });
});
