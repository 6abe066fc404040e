import type { RunningSandbox } from './index';
import { aMiniProgram, control, errcodeOf, startTestSandbox, TestClock, wechatClient, type WechatApiClient } from './spec-support';

describe('auth.code2Session (§A)', () => {
  const miniProgram = aMiniProgram();
  const otherMiniProgram = aMiniProgram();
  let sandbox: RunningSandbox;
  let clock: TestClock;
  let api: WechatApiClient;

  beforeAll(async () => {
    ({ sandbox, clock } = await startTestSandbox({ apps: [miniProgram, otherMiniProgram] }));
    api = wechatClient(sandbox, miniProgram);
  });
  afterAll(() => sandbox.close());

  async function loginCode(body: object = {}): Promise<{ code: string; openid: string; unionid: string | null }> {
    const answer = await control<{ code: string; openid: string; unionid: string | null }>(sandbox, 'POST', '/login-code', {
      appid: miniProgram.appid,
      ...body,
    });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  it('exchanges a wx.login code for the openid, unionid and a 16-byte session_key', async () => {
    const login = await loginCode({ openid: 'oUserLogin000000000000000001', unionid: 'oUnion00000000000000000000001' });

    const session = await api.code2Session(login.code);

    expect(session.openid).toBe('oUserLogin000000000000000001');
    expect(session.unionid).toBe('oUnion00000000000000000000001');
    expect(Buffer.from(session.session_key, 'base64')).toHaveLength(16);
    expect(session.errcode).toBeUndefined(); // success carries no errcode, as in production
  });

  it('generates a realistic openid and a stable unionid when none is given', async () => {
    const first = await loginCode();
    const again = await loginCode({ openid: first.openid });

    expect(first.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(first.unionid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(again.unionid).toBe(first.unionid);
    expect((await api.code2Session(again.code)).unionid).toBe(first.unionid);
  });

  it('leaves unionid out for an app not bound to an Open Platform account (unionid: null)', async () => {
    const login = await loginCode({ unionid: null });

    const session = await api.code2Session(login.code);

    expect(login.unionid).toBeNull();
    expect(session).not.toHaveProperty('unionid');
  });

  it('answers 40163 when a code is used twice', async () => {
    const { code } = await loginCode();
    await api.code2Session(code);

    expect(await errcodeOf(api.code2Session(code))).toBe(40163);
  });

  it('answers 40029 for an unknown code', async () => {
    expect(await errcodeOf(api.code2Session('0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p'))).toBe(40029);
  });

  it('answers 40029 for a code older than 5 minutes', async () => {
    const { code } = await loginCode();
    clock.advance(301 * 1000);

    expect(await errcodeOf(api.code2Session(code))).toBe(40029);
  });

  it('answers 40029 for a code minted for another appid', async () => {
    const { code } = (
      await control<{ code: string }>(sandbox, 'POST', '/login-code', { appid: otherMiniProgram.appid })
    ).body;

    expect(await errcodeOf(api.code2Session(code))).toBe(40029);
  });

  it('answers 45011 past 100 calls per user per minute', async () => {
    const { openid } = await loginCode();
    for (let call = 0; call < 100; call += 1) await api.code2Session((await loginCode({ openid })).code);

    expect(await errcodeOf(api.code2Session((await loginCode({ openid })).code))).toBe(45011);
    clock.advance(61 * 1000);
    expect((await api.code2Session((await loginCode({ openid })).code)).openid).toBe(openid);
  });

  it('answers 40125 for a wrong secret and 40013 for an unknown appid', async () => {
    const { code } = await loginCode();
    const wrongSecret = wechatClient(sandbox, { ...miniProgram, secret: 'not-the-secret' });
    const unknownApp = wechatClient(sandbox, { ...miniProgram, appid: 'wxunknown000000' });

    expect(await errcodeOf(wrongSecret.code2Session(code))).toBe(40125);
    expect(await errcodeOf(unknownApp.code2Session(code))).toBe(40013);
  });

  it('writes errors as HTTP 200 application/json; encoding=utf-8 with a rid', async () => {
    const response = await fetch(
      `${sandbox.url}/sns/jscode2session?appid=${miniProgram.appid}&secret=${miniProgram.secret}&js_code=nope&grant_type=authorization_code`,
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; encoding=utf-8');
    expect(await response.json()).toEqual({
      errcode: 40029,
      errmsg: expect.stringMatching(/^invalid code rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/),
    });
  });
});
