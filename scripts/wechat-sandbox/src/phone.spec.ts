import type { RunningSandbox } from './index';
import { aMiniProgram, control, errcodeOf, postWithToken, startTestSandbox, TestClock, wechatClient, type WechatApiClient } from './spec-support';

describe('phonenumber.getPhoneNumber (§B.1)', () => {
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

  async function phoneCode(phone: unknown, appid = miniProgram.appid): Promise<string> {
    const answer = await control<{ code: string }>(sandbox, 'POST', '/phone-code', { phone, appid });
    expect(answer.status).toBe(200);
    return answer.body.code;
  }

  function getPhoneNumber(code: string): Promise<unknown> {
    return postWithToken(api, `${api.wxaPrefix}business/getuserphonenumber`, { code });
  }

  it('returns the phone number the user shared, with a watermark of our appid', async () => {
    const before = Math.floor(clock.now() / 1000);

    const answer = await getPhoneNumber(await phoneCode('13800138000'));

    expect(answer).toEqual({
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: '13800138000',
        purePhoneNumber: '13800138000',
        countryCode: '86',
        watermark: { timestamp: expect.any(Number), appid: miniProgram.appid },
      },
    });
    expect((answer as { phone_info: { watermark: { timestamp: number } } }).phone_info.watermark.timestamp).toBeGreaterThanOrEqual(before);
  });

  it('answers 40029 for a reused, expired, unknown or foreign code, and for a wx.login code', async () => {
    const used = await phoneCode('13800138001');
    await getPhoneNumber(used);
    const expired = await phoneCode('13800138002');
    const foreign = await phoneCode('13800138003', otherMiniProgram.appid);
    const loginCode = (await control<{ code: string }>(sandbox, 'POST', '/login-code', { appid: miniProgram.appid })).body.code;

    expect(await errcodeOf(getPhoneNumber(used))).toBe(40029);
    expect(await errcodeOf(getPhoneNumber('ffffffff'))).toBe(40029);
    expect(await errcodeOf(getPhoneNumber(foreign))).toBe(40029);
    expect(await errcodeOf(getPhoneNumber(loginCode))).toBe(40029);
    clock.advance(301 * 1000);
    expect(await errcodeOf(getPhoneNumber(expired))).toBe(40029);
  });

  it('refuses to mint a code for a phone that is not 11 digits', async () => {
    for (const phone of ['1380013800', '138001380000', '+8613800138000', undefined]) {
      const answer = await control(sandbox, 'POST', '/phone-code', { phone });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: expect.any(String) });
    }
  });
});
