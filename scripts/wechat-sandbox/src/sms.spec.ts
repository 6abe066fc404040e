import { sms } from 'tencentcloud-sdk-nodejs-sms';
import type { RunningSandbox } from './index';
import { SMS_DEMO } from './sms';
import { aMiniProgram, anOfficialAccount, control, PushReceiver, startTestSandbox, type TestClock } from './spec-support';

type SmsClient = InstanceType<typeof sms.v20210111.Client>;

/** The provider's own SDK, unmodified, pointed at the sandbox by its httpProfile. */
function smsClient(sandbox: RunningSandbox, secretKey = SMS_DEMO.secretKey): SmsClient {
  return new sms.v20210111.Client({
    credential: { secretId: SMS_DEMO.secretId, secretKey },
    region: 'ap-guangzhou',
    profile: { httpProfile: { endpoint: `127.0.0.1:${sandbox.port}`, protocol: 'http://', reqTimeout: 5 } },
  });
}

const MARKETING = '2000001';
const NOTICE = '1000001';

function marketing(phones: string[], params = ['王女士', '满100减20券', '12月31日']) {
  return { PhoneNumberSet: phones, SmsSdkAppId: SMS_DEMO.sdkAppId, SignName: '微会员', TemplateId: MARKETING, TemplateParamSet: params };
}

async function errorCodeOf(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error('expected the SMS call to fail');
}

interface Delivered {
  to: string;
  sign: string;
  template: string;
  params: string[];
  content: string;
  at: string;
}

describe('SMS gateway (Tencent Cloud SendSms 2021-01-11, real tencentcloud-sdk-nodejs-sms as client)', () => {
  let sandbox: RunningSandbox;
  let clock: TestClock;
  let client: SmsClient;

  beforeAll(async () => {
    ({ sandbox, clock } = await startTestSandbox({ apps: [aMiniProgram(), anOfficialAccount()] }));
    client = smsClient(sandbox);
  });
  afterAll(() => sandbox.close());
  beforeEach(() => control(sandbox, 'POST', '/reset'));

  async function delivered(phone?: string): Promise<Delivered[]> {
    return (await control<{ messages: Delivered[] }>(sandbox, 'GET', `/sms${phone ? `?phone=${encodeURIComponent(phone)}` : ''}`)).body.messages;
  }

  it('sends to every number with a signed request, answers SendStatusSet per number and records the text', async () => {
    const answer = await client.SendSms(marketing(['+8613800000001', '13800000002']));

    expect(answer.SendStatusSet).toEqual([
      expect.objectContaining({ PhoneNumber: '+8613800000001', Code: 'Ok', Fee: 1, IsoCode: 'CN', SerialNo: expect.stringMatching(/^2640:\d{20}$/) }),
      expect.objectContaining({ PhoneNumber: '+8613800000002', Code: 'Ok' }),
    ]);
    expect(answer.RequestId).toEqual(expect.any(String));
    const sent = await delivered('13800000001');
    expect(sent).toEqual([
      expect.objectContaining({
        to: '+8613800000001',
        sign: '微会员',
        template: MARKETING,
        params: ['王女士', '满100减20券', '12月31日'],
        content: '【微会员】王女士，送您满100减20券，12月31日前到店可用。拒收请回复R',
      }),
    ]);
  });

  it('refuses a wrong secret key as the provider does (AuthFailure.SignatureFailure) and sends nothing', async () => {
    const forged = smsClient(sandbox, 'not-the-secret-key-000000000000000');

    expect(await errorCodeOf(forged.SendSms(marketing(['+8613800000003'])))).toBe('AuthFailure.SignatureFailure');
    expect(await delivered()).toEqual([]);
  });

  it('refuses a request signed more than 5 minutes off the provider clock (AuthFailure.SignatureExpire)', async () => {
    clock.advance(10 * 60_000);
    try {
      expect(await errorCodeOf(client.SendSms(marketing(['+8613800000004'])))).toBe('AuthFailure.SignatureExpire');
    } finally {
      clock.advance(-10 * 60_000);
    }
  });

  it('checks SmsSdkAppId, SignName, TemplateId and the TemplateParamSet count', async () => {
    const base = marketing(['+8613800000005']);
    expect(await errorCodeOf(client.SendSms({ ...base, SmsSdkAppId: '1400999999' }))).toBe('InvalidParameterValue.SdkAppIdNotExist');
    expect(await errorCodeOf(client.SendSms({ ...base, SignName: '别家' }))).toBe('FailedOperation.SignatureIncorrectOrUnapproved');
    expect(await errorCodeOf(client.SendSms({ ...base, TemplateId: '9999999' }))).toBe('FailedOperation.TemplateIncorrectOrUnapproved');
    expect(await errorCodeOf(client.SendSms({ ...base, TemplateParamSet: ['只有一个'] }))).toBe('FailedOperation.TemplateParamSetNotMatchApprovedTemplate');
    expect(await errorCodeOf(client.SendSms({ ...base, PhoneNumberSet: Array.from({ length: 201 }, (_, i) => `+86139${String(i).padStart(8, '0')}`) }))).toBe(
      'LimitExceeded.PhoneNumberCountLimit',
    );
    expect(await delivered()).toEqual([]);
  });

  it('answers a malformed number per number (InvalidParameterValue.IncorrectPhoneNumber) and still sends the others', async () => {
    const answer = await client.SendSms(marketing(['+86123', '+8613800000006']));

    expect(answer.SendStatusSet?.map((s) => [s.PhoneNumber, s.Code, s.Fee])).toEqual([
      ['+86123', 'InvalidParameterValue.IncorrectPhoneNumber', 0],
      ['+8613800000006', 'Ok', 1],
    ]);
  });

  it('limits one number to the same content once per 30 s, 5 an hour and 10 a China day', async () => {
    // Only Date is faked: the SDK signs with the real time, so the provider clock and the client's move together.
    jest.useFakeTimers({ doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const advance = (ms: number) => jest.setSystemTime(Date.now() + ms);
    const phone = '+8613800000007';
    const notice = (code: string) => ({ PhoneNumberSet: [phone], SmsSdkAppId: SMS_DEMO.sdkAppId, SignName: '微会员', TemplateId: NOTICE, TemplateParamSet: [code, '5'] });
    const codes: string[] = [];
    const send = async (code: string) => codes.push((await client.SendSms(notice(code))).SendStatusSet?.[0]?.Code ?? '');

    // Noon in Shanghai, so the hours below stay within one China day.
    jest.setSystemTime(new Date('2026-06-02T04:00:00Z'));
    try {
      await send('1111');
      await send('1111'); // same content within 30 s
      advance(31_000);
      await send('1111');
      for (const code of ['2222', '3333', '4444', '5555']) await send(code); // the 5th in the hour is refused
      advance(3600_000);
      for (const code of ['6', '7', '8', '9', '10']) await send(code);
      advance(3600_000);
      await send('11'); // the 11th of the day
      advance(24 * 3600_000);
      await send('12');
    } finally {
      jest.useRealTimers();
    }

    expect(codes).toEqual([
      'Ok',
      'LimitExceeded.PhoneNumberThirtySecondLimit',
      'Ok',
      'Ok',
      'Ok',
      'Ok',
      'LimitExceeded.PhoneNumberOneHourLimit',
      'Ok',
      'Ok',
      'Ok',
      'Ok',
      'Ok',
      'LimitExceeded.PhoneNumberDailyLimit',
      'Ok',
    ]);
  });

  it('a TD reply posts Tencent’s reply callback and blacklists the number for marketing, not for notices', async () => {
    const receiver = new PushReceiver();
    receiver.answer = () => ({ status: 200, body: JSON.stringify({ result: 0, errmsg: 'OK' }) });
    const url = await receiver.start('/api/sms/replies?token=abc');
    try {
      await control(sandbox, 'POST', '/sms/account', { replyUrl: url });
      const reply = await control<{ optedOut: boolean; callback: { status: number } }>(sandbox, 'POST', '/sms/reply', { phone: '13800000008', text: ' td ' });

      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ optedOut: true, callback: { status: 200 } });
      const [callback] = await receiver.waitFor(1);
      expect(callback.contentType).toBe('application/json');
      expect(callback.query.get('token')).toBe('abc');
      expect(JSON.parse(callback.body)).toEqual({ extend: '', mobile: '13800000008', nationcode: '86', sign: '微会员', text: ' td ', time: expect.any(Number) });

      const refused = await client.SendSms(marketing(['+8613800000008']));
      expect(refused.SendStatusSet?.[0]?.Code).toBe('FailedOperation.PhoneNumberInBlacklist');
      const notice = await client.SendSms({ PhoneNumberSet: ['+8613800000008'], SmsSdkAppId: SMS_DEMO.sdkAppId, SignName: '微会员', TemplateId: NOTICE, TemplateParamSet: ['1234', '5'] });
      expect(notice.SendStatusSet?.[0]?.Code).toBe('Ok');
    } finally {
      await control(sandbox, 'POST', '/sms/account', { replyUrl: null });
      await receiver.close();
    }
  });

  it('an ordinary reply is passed on without opting out; a bad reply body is 400 naming the field', async () => {
    const plain = await control<{ optedOut: boolean; callback: null }>(sandbox, 'POST', '/sms/reply', { phone: '+8613800000009', text: '好的' });
    const bad = await control<{ error: string }>(sandbox, 'POST', '/sms/reply', { phone: '12345', text: 'TD' });

    expect(plain.body).toMatchObject({ optedOut: false, callback: null });
    expect((await client.SendSms(marketing(['+8613800000009']))).SendStatusSet?.[0]?.Code).toBe('Ok');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^phone/);
  });

  it('injects a provider error with /__sandbox/faults {sms, times}, then sends again', async () => {
    const injected = await control(sandbox, 'POST', '/faults', { sms: 'InternalError.Timeout', times: 1 });
    const listed = await control<{ faults: unknown[] }>(sandbox, 'GET', '/faults');

    expect(injected.body).toMatchObject({ sms: 'InternalError.Timeout', remaining: 1 });
    expect(listed.body.faults).toEqual([{ sms: 'InternalError.Timeout', remaining: 1 }]);
    expect(await errorCodeOf(client.SendSms(marketing(['+8613800000010'])))).toBe('InternalError.Timeout');
    expect((await client.SendSms(marketing(['+8613800000010']))).SendStatusSet?.[0]?.Code).toBe('Ok');
    expect((await control(sandbox, 'POST', '/faults', { sms: 'Nope' })).status).toBe(400);
  });
});

describe('bulk users (/__sandbox/bulk)', () => {
  let sandbox: RunningSandbox;
  const miniProgram = aMiniProgram();
  const officialAccount = anOfficialAccount();

  beforeAll(async () => {
    ({ sandbox } = await startTestSandbox({ apps: [miniProgram, officialAccount] }));
  });
  afterAll(() => sandbox.close());

  it('creates 100k followers with subscribe credits, which the WeChat APIs then see', async () => {
    const started = Date.now();
    const made = await control<{
      followers: { count: number; first: { openid: string; unionid: string }; last: { openid: string; unionid: string } };
      subscribeCredits: { count: number; first: { openid: string } };
    }>(sandbox, 'POST', '/bulk', { followers: { count: 100_000, unionidPrefix: 'uscale' }, subscribeCredits: { templateId: 'tpl-scale', perUser: 2 } });
    const elapsedMs = Date.now() - started;

    expect(made.status).toBe(200);
    expect(made.body.followers.count).toBe(100_000);
    expect(made.body.followers.last.unionid).toBe('uscale99999');
    expect(made.body.subscribeCredits.count).toBe(100_000);
    process.stdout.write(`bulk: 100k followers + credits in ${elapsedMs} ms\n`);

    const token = (await (
      await fetch(`${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${officialAccount.appid}&secret=${officialAccount.secret}`)
    ).json()) as { access_token: string };
    const info = (await (await fetch(`${sandbox.url}/cgi-bin/user/info?access_token=${token.access_token}&openid=${made.body.followers.last.openid}`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ subscribe: 1, openid: made.body.followers.last.openid, unionid: 'uscale99999' });

    const mpToken = (await (
      await fetch(`${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${miniProgram.appid}&secret=${miniProgram.secret}`)
    ).json()) as { access_token: string };
    const subscribe = () =>
      fetch(`${sandbox.url}/cgi-bin/message/subscribe/send?access_token=${mpToken.access_token}`, {
        method: 'POST',
        body: JSON.stringify({ touser: made.body.subscribeCredits.first.openid, template_id: 'tpl-scale', data: { thing1: { value: '回来看看' } } }),
      }).then((r) => r.json() as Promise<{ errcode: number }>);
    expect([(await subscribe()).errcode, (await subscribe()).errcode, (await subscribe()).errcode]).toEqual([0, 0, 43101]);
  });

  it('refuses a bad count with 400 naming it', async () => {
    const bad = await control<{ error: string }>(sandbox, 'POST', '/bulk', { followers: { count: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^followers\.count/);
  });
});
