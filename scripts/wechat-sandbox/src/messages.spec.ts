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

  it('answers 41030 for a page the released version does not have, without spending the credit', async () => {
    await accept();

    expect(await errcodeOf(api.sendSubscribeMessage(openid, TEMPLATE_ID, 'pages/nowhere/index', POINTS_DATA))).toBe(41030);
    expect((await api.sendSubscribeMessage(openid, TEMPLATE_ID, 'pages/index/index', POINTS_DATA)).errcode).toBe(0);
  });
});
