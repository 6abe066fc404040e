import type { RunningSandbox } from './index';
import { pushSignature } from './oa-push';
import {
  aMiniProgram,
  anOfficialAccount,
  control,
  errcodeOf,
  postWithToken,
  PushReceiver,
  startTestSandbox,
  TestClock,
  wechatClient,
  xmlField,
  type WechatApiClient,
} from './spec-support';

const TEMPLATE_ID = 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY';
const POINTS_DATA = { thing1: { value: '积分到账' }, number2: { value: '120' } };

describe('official-account template messages (§D)', () => {
  const receiver = new PushReceiver();
  let officialAccount: ReturnType<typeof anOfficialAccount>;
  let sandbox: RunningSandbox;
  let api: WechatApiClient;

  beforeAll(async () => {
    officialAccount = anOfficialAccount(await receiver.start());
    ({ sandbox } = await startTestSandbox({ apps: [officialAccount] }));
    api = wechatClient(sandbox, officialAccount);
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });

  async function aFollower(): Promise<string> {
    const openid = 'oFollower' + Math.random().toString(36).slice(2, 12).padEnd(19, '0');
    await control(sandbox, 'POST', '/follow', { openid, appid: officialAccount.appid });
    return openid;
  }

  it('answers 43004 "require subscribe" for a user who does not follow the account', async () => {
    expect(await errcodeOf(api.sendTemplate('oNotAFollower000000000000000', TEMPLATE_ID, '', '', POINTS_DATA))).toBe(43004);
  });

  it('sends to a follower with a msgid above 2^53 written as a bare JSON number', async () => {
    const openid = await aFollower();

    const result = await api.sendTemplate(openid, TEMPLATE_ID, 'https://example.invalid/points', '', POINTS_DATA);

    expect(result.errcode).toBe(0);
    expect(BigInt(String(result.msgid))).toBeGreaterThan(2n ** 53n); // json-bigint hands back a BigNumber
    const { accessToken } = await api.ensureAccessToken();
    const raw = await (
      await fetch(`${sandbox.url}/cgi-bin/message/template/send?access_token=${accessToken}`, {
        method: 'POST',
        body: JSON.stringify({ touser: openid, template_id: TEMPLATE_ID, data: POINTS_DATA }),
      })
    ).text();
    expect(raw).toMatch(/^\{"errcode":0,"errmsg":"ok","msgid":\d{17,19}\}$/);
  });

  it('counts every delivery per recipient in /messages/summary', async () => {
    const [twice, once] = [await aFollower(), await aFollower()];
    for (const openid of [twice, twice, once]) expect((await api.sendTemplate(openid, TEMPLATE_ID, '', '', POINTS_DATA)).errcode).toBe(0);

    const summary = async (query: string) => (await control<Record<string, unknown>>(sandbox, 'GET', `/messages/summary?${query}`)).body;
    expect(await summary(`touser=${twice}`)).toEqual({ count: 2, recipients: 1, repeatedRecipients: 1, repeated: [{ touser: twice, count: 2 }] });
    expect(await summary(`touser=${once}&kind=template&appid=${officialAccount.appid}`)).toEqual({ count: 1, recipients: 1, repeatedRecipients: 0, repeated: [] });
    expect(await summary('kind=subscribe')).toMatchObject({ count: 0, recipients: 0 });
  });

  it('records the message and pushes a signed TEMPLATESENDJOBFINISH success event', async () => {
    const openid = await aFollower();
    const already = receiver.received.length;

    const result = await api.sendTemplate(openid, TEMPLATE_ID, '', '', POINTS_DATA);

    const push = (await receiver.waitFor(already + 1))[already];
    const signature = pushSignature(officialAccount.pushToken!, push.query.get('timestamp')!, push.query.get('nonce')!);
    expect(push.query.get('signature')).toBe(signature);
    expect(xmlField(push.body, 'Event')).toBe('TEMPLATESENDJOBFINISH');
    expect(xmlField(push.body, 'MsgID')).toBe(String(result.msgid));
    expect(xmlField(push.body, 'Status')).toBe('success');
    const sent = await control<{ messages: Array<Record<string, unknown>> }>(sandbox, 'GET', `/messages?kind=template&touser=${openid}`);
    expect(sent.body.messages).toEqual([
      expect.objectContaining({ kind: 'template', touser: openid, templateId: TEMPLATE_ID, data: POINTS_DATA, msgid: String(result.msgid) }),
    ]);
  });

  it('answers 47003 naming the key for data that breaks its key type, and sends nothing', async () => {
    const openid = await aFollower();
    const already = receiver.received.length;

    const call = api.sendTemplate(openid, TEMPLATE_ID, '', '', { thing1: { value: '您的积分已经到账了，请在会员中心查看明细哦' } });

    const error = await call.catch((caught: { code: number; message: string }) => caught);
    expect(error).toMatchObject({ code: 47003, message: expect.stringContaining('data.thing1.value invalid') });
    expect(await errcodeOf(api.sendTemplate(openid, TEMPLATE_ID, '', '', { amount2: { value: '约39元' } }))).toBe(47003);
    const sent = await control<{ messages: unknown[] }>(sandbox, 'GET', `/messages?touser=${openid}`);
    expect(sent.body.messages).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.received).toHaveLength(already);
  });

  it('finishes "failed: system failed" (with the space) for as many sends as the control asks', async () => {
    const openid = await aFollower();
    const failing = await control(sandbox, 'POST', '/template-finish', { appid: officialAccount.appid, times: 1 });
    expect(failing.body).toEqual({ appid: officialAccount.appid, systemFailures: 1 });
    const already = receiver.received.length;

    const failed = await api.sendTemplate(openid, TEMPLATE_ID, '', '', POINTS_DATA);
    const next = await api.sendTemplate(openid, TEMPLATE_ID, '', '', POINTS_DATA);

    expect(failed.errcode).toBe(0); // WeChat accepts the send; only the job fails
    const pushes = (await receiver.waitFor(already + 2)).slice(already);
    const statusOf = (msgid: unknown) => xmlField(pushes.find((push) => xmlField(push.body, 'MsgID') === String(msgid))!.body, 'Status');
    expect(statusOf(failed.msgid)).toBe('failed: system failed');
    expect(statusOf(next.msgid)).toBe('success');
    const sent = await control<{ messages: Array<{ msgid: string; finish: { status: string } }> }>(sandbox, 'GET', `/messages?touser=${openid}`);
    expect(sent.body.messages.map((message) => message.finish.status)).toEqual(['failed: system failed', 'success']);
  });

  it('answers 0 to a user who blocked the account, and the job finishes "failed:user block"', async () => {
    const openid = await aFollower();
    await control(sandbox, 'POST', '/block', { openid, appid: officialAccount.appid });
    const already = receiver.received.length;

    const result = await api.sendTemplate(openid, TEMPLATE_ID, '', '', POINTS_DATA);

    expect(result.errcode).toBe(0);
    const push = (await receiver.waitFor(already + 1))[already];
    expect(xmlField(push.body, 'Status')).toBe('failed:user block');
  });

  it('sends once per openid + client_msg_id within 10 minutes', async () => {
    const openid = await aFollower();
    const body = { touser: openid, template_id: TEMPLATE_ID, data: POINTS_DATA, client_msg_id: 'points-2024-0001' };

    const first = (await postWithToken(api, `${api.prefix}message/template/send`, body)) as { msgid: unknown };
    const second = (await postWithToken(api, `${api.prefix}message/template/send`, body)) as { msgid: unknown };

    expect(String(second.msgid)).toBe(String(first.msgid));
    const sent = await control<{ messages: unknown[] }>(sandbox, 'GET', `/messages?touser=${openid}`);
    expect(sent.body.messages).toHaveLength(1);
  });
});

describe('template sends across apps and days (§D, §D.2)', () => {
  const miniProgram = aMiniProgram();
  const officialAccount = { ...anOfficialAccount(), templateDailyQuota: 2 };
  let sandbox: RunningSandbox;
  let clock: TestClock;
  let api: WechatApiClient;

  beforeAll(async () => {
    ({ sandbox, clock } = await startTestSandbox({ apps: [miniProgram, officialAccount] }));
    api = wechatClient(sandbox, officialAccount);
  });
  afterAll(() => sandbox.close());

  it("answers 40003 to the mini-program's openid of a follower: openids are per app", async () => {
    const login = await control<{ openid: string; unionid: string }>(sandbox, 'POST', '/login-code', { appid: miniProgram.appid });
    const followed = await control<{ openid: string }>(sandbox, 'POST', '/follow', { unionid: login.body.unionid });

    expect(followed.body.openid).not.toBe(login.body.openid);
    expect(await errcodeOf(api.sendTemplate(login.body.openid, TEMPLATE_ID, '', '', POINTS_DATA))).toBe(40003);
    expect((await api.sendTemplate(followed.body.openid, TEMPLATE_ID, '', '', POINTS_DATA)).errcode).toBe(0);
  });

  it('answers 45009 past the daily quota of a template, counts other templates apart, and starts again the next China day', async () => {
    clock.travelTo('2026-11-29T15:00:00Z'); // 23:00 in Shanghai
    const { body } = await control<{ openid: string }>(sandbox, 'POST', '/follow', { unionid: 'oUnionQuota00000000000000001' });
    const send = (templateId: string) => api.sendTemplate(body.openid, templateId, '', '', POINTS_DATA);

    expect((await send('tplQuotaA')).errcode).toBe(0);
    expect((await send('tplQuotaA')).errcode).toBe(0);
    expect(await errcodeOf(send('tplQuotaA'))).toBe(45009);
    expect((await send('tplQuotaB')).errcode).toBe(0);

    clock.travelTo('2026-11-29T16:00:01Z'); // past midnight in Shanghai, still the 29th in UTC
    expect((await send('tplQuotaA')).errcode).toBe(0);
  });

  it('shows the quota and safe-mode settings in GET /official-account', async () => {
    const { body } = await control(sandbox, 'GET', '/official-account');
    expect(body).toMatchObject({ appid: officialAccount.appid, templateDailyQuota: 2, pushMode: 'plain', serverUrl: null });
    expect(body.encodingAESKey).toMatch(/^[A-Za-z0-9+/]{43}$/);
  });
});

describe('mini-program subscribe messages (§E)', () => {
  const miniProgram = aMiniProgram();
  const openid = 'oSubscriber00000000000000001';
  let sandbox: RunningSandbox;
  let api: WechatApiClient;

  beforeAll(async () => {
    ({ sandbox } = await startTestSandbox({ apps: [miniProgram], pages: ['pages/index/index', 'pages/points/index'] }));
    api = wechatClient(sandbox, miniProgram);
  });
  afterAll(() => sandbox.close());

  function accept(times?: number) {
    return control<{ credits: number }>(sandbox, 'POST', '/subscribe-accept', { openid, templateId: TEMPLATE_ID, times });
  }

  it('answers 43101 when the user has not accepted the template', async () => {
    expect(await errcodeOf(api.sendSubscribeMessage(openid, TEMPLATE_ID, 'pages/points/index', POINTS_DATA))).toBe(43101);
  });

  it('spends one credit per send: two accepts, two sends, then 43101', async () => {
    expect((await accept(2)).body.credits).toBe(2);

    expect(await api.sendSubscribeMessage(openid, TEMPLATE_ID, 'pages/points/index?from=msg', POINTS_DATA)).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await api.sendSubscribeMessage(openid, TEMPLATE_ID, undefined, POINTS_DATA)).errcode).toBe(0);
    expect(await errcodeOf(api.sendSubscribeMessage(openid, TEMPLATE_ID, 'pages/points/index', POINTS_DATA))).toBe(43101);

    const sent = await control<{ messages: Array<Record<string, unknown>> }>(sandbox, 'GET', `/messages?kind=subscribe&touser=${openid}`);
    expect(sent.body.messages).toEqual([
      expect.objectContaining({ kind: 'subscribe', templateId: TEMPLATE_ID, page: 'pages/points/index?from=msg', data: POINTS_DATA }),
      expect.objectContaining({ kind: 'subscribe', page: null }),
    ]);
  });

  it('answers 47003 for data that breaks its key type, without spending the credit', async () => {
    await accept();

    expect(await errcodeOf(api.sendSubscribeMessage(openid, TEMPLATE_ID, undefined, { phrase1: { value: '积分已经到账' } }))).toBe(47003);
    expect(await errcodeOf(api.sendSubscribeMessage(openid, TEMPLATE_ID, undefined, { date2: { value: '明天' } }))).toBe(47003);
    expect((await api.sendSubscribeMessage(openid, TEMPLATE_ID, undefined, { phrase1: { value: '已到账' } })).errcode).toBe(0);
    expect(await errcodeOf(api.sendSubscribeMessage(openid, TEMPLATE_ID, undefined, POINTS_DATA))).toBe(43101);
  });

  it('answers 41030 for a page the released version does not have, without spending the credit', async () => {
    await accept();

    expect(await errcodeOf(api.sendSubscribeMessage(openid, TEMPLATE_ID, 'pages/nowhere/index', POINTS_DATA))).toBe(41030);
    expect((await api.sendSubscribeMessage(openid, TEMPLATE_ID, 'pages/index/index', POINTS_DATA)).errcode).toBe(0);
  });
});
