import type { RunningSandbox } from './index';
import { decryptMessage, msgSignature } from './oa-crypto';
import { pushSignature } from './oa-push';
import { anOfficialAccount, control, PushReceiver, startTestSandbox, wechatClient, xmlField, type ReceivedPush } from './spec-support';

interface FollowOutcome {
  openid: string;
  unionid: string | null;
  following: boolean;
  event: string | null;
  delivery: { status: number | null; body: string | null; attempts: number; error?: string } | null;
}

describe('signature (§G.1)', () => {
  it('matches the verified vectors of the protocol doc', () => {
    expect(pushSignature('AAAAA', '1714036504', '1514711492')).toBe('f464b24fc39322e44b38aa78f5edd27bd1441696');
  });
});

describe('official-account push (§G)', () => {
  const receiver = new PushReceiver();
  let officialAccount: ReturnType<typeof anOfficialAccount>;
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    officialAccount = anOfficialAccount(await receiver.start());
    ({ sandbox } = await startTestSandbox({ apps: [officialAccount], pushTimeoutMs: 300 }));
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.answer = () => ({ status: 200, body: 'success' });
  });

  function follow(body: object) {
    return control<FollowOutcome>(sandbox, 'POST', '/follow', body);
  }

  it('pushes a correctly signed subscribe event XML and returns the delivery result', async () => {
    const answer = await follow({ openid: 'oOaFollower0000000000000001', unionid: 'oUnionFollower00000000000001' });

    expect(answer.body).toMatchObject({ following: true, event: 'subscribe', delivery: { status: 200, body: 'success', attempts: 1 } });
    const [push] = receiver.received;
    const { query, body } = push;
    expect(query.get('brand')).toBe('test'); // the push URL's own query is kept
    expect(query.get('openid')).toBe('oOaFollower0000000000000001');
    expect(query.get('signature')).toBe(pushSignature(officialAccount.pushToken!, query.get('timestamp')!, query.get('nonce')!));
    expect(Math.abs(Number(query.get('timestamp')) - Date.now() / 1000)).toBeLessThan(5);
    expect(push.contentType).toMatch(/xml/);
    expect(xmlField(body, 'ToUserName')).toMatch(/^gh_[0-9a-f]{12}$/);
    expect(xmlField(body, 'FromUserName')).toBe('oOaFollower0000000000000001');
    expect(xmlField(body, 'MsgType')).toBe('event');
    expect(xmlField(body, 'Event')).toBe('subscribe');
    expect(xmlField(body, 'CreateTime')).toMatch(/^\d{10}$/);
    expect(body).not.toContain('<EventKey>');
  });

  it('carries qrscene_ EventKey and Ticket for a parametric-QR follow, and SCAN for a follower', async () => {
    await follow({ openid: 'oOaQrFollower00000000000001', eventKey: 'qrscene_store9' });
    const again = await follow({ openid: 'oOaQrFollower00000000000001', eventKey: 'qrscene_store9' });
    const twice = await follow({ openid: 'oOaQrFollower00000000000001' });

    const [subscribe, scan] = receiver.received;
    expect(xmlField(subscribe.body, 'EventKey')).toBe('qrscene_store9');
    expect(xmlField(subscribe.body, 'Ticket')).toBeTruthy();
    expect(again.body.event).toBe('SCAN');
    expect(xmlField(scan.body, 'Event')).toBe('SCAN');
    expect(xmlField(scan.body, 'EventKey')).toBe('store9');
    expect(twice.body).toMatchObject({ event: null, delivery: null });
    expect(receiver.received).toHaveLength(2);
  });

  it('pushes unsubscribe on unfollow, and user/info tells whether and with which unionid a user follows', async () => {
    const api = wechatClient(sandbox, officialAccount);
    await follow({ openid: 'oOaLeaver000000000000000001', unionid: 'oUnionLeaver0000000000000001' });

    const followingInfo = await api.getUser('oOaLeaver000000000000000001');
    const answer = await control<FollowOutcome>(sandbox, 'POST', '/unfollow', { openid: 'oOaLeaver000000000000000001' });
    const leftInfo = await api.getUser('oOaLeaver000000000000000001');

    expect(followingInfo).toMatchObject({ subscribe: 1, openid: 'oOaLeaver000000000000000001', unionid: 'oUnionLeaver0000000000000001' });
    expect(answer.body).toMatchObject({ following: false, event: 'unsubscribe', delivery: { status: 200 } });
    expect(xmlField(receiver.received[1].body, 'Event')).toBe('unsubscribe');
    expect(leftInfo).toEqual({ subscribe: 0, openid: 'oOaLeaver000000000000000001' });
  });

  it('tries 3 times in total while the server answers non-2xx', async () => {
    receiver.answer = (attempt) => (attempt < 3 ? { status: 500, body: 'oops' } : { status: 200, body: '' });

    const answer = await follow({ openid: 'oOaRetried00000000000000001' });

    expect(answer.body.delivery).toMatchObject({ status: 200, body: '', attempts: 3 });
    expect(new Set(receiver.received.map((push) => push.query.get('signature'))).size).toBe(1); // same message re-sent
  });

  it('gives up after 3 attempts that each time out', async () => {
    receiver.answer = () => ({ status: 200, body: 'success', delayMs: 1000 });

    const answer = await follow({ openid: 'oOaTimedOut0000000000000001' });

    expect(answer.body.delivery).toMatchObject({ status: null, attempts: 3, error: expect.stringMatching(/300 ms/) });
    expect(receiver.received).toHaveLength(3);
  });

  it('reports a push URL that refuses connections as a failed delivery', async () => {
    const unreachable = anOfficialAccount('http://127.0.0.1:9/wechat/push');
    await control(sandbox, 'POST', '/apps', unreachable);

    const answer = await follow({ openid: 'oOaUnreachable0000000000001', appid: unreachable.appid });

    expect(answer.body.delivery).toMatchObject({ status: null, attempts: 3, error: expect.any(String) });
  });
});

interface AccountSettings {
  appid: string;
  token: string;
  encodingAESKey: string;
  serverUrl: string | null;
  pushMode: string;
}

interface Verification {
  url: string;
  status: number | null;
  body: string | null;
  echostr: string;
  verified: boolean;
}

describe('safe mode and URL verification (§G.1, §G.4)', () => {
  const receiver = new PushReceiver();
  let sandbox: RunningSandbox;
  let account: AccountSettings;

  beforeAll(async () => {
    ({ sandbox } = await startTestSandbox({ apps: [anOfficialAccount(await receiver.start())], pushTimeoutMs: 300 }));
    account = (await control<AccountSettings>(sandbox, 'GET', '/official-account')).body;
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });
  beforeEach(async () => {
    receiver.received.length = 0;
    receiver.answer = () => ({ status: 200, body: 'success' });
    await control(sandbox, 'POST', '/official-account', { pushMode: 'plain' });
  });

  /** What the account's server does with a push in safe mode: check both signatures, decrypt. */
  function openSafePush(push: ReceivedPush): { message: string; appid: string } {
    const [timestamp, nonce] = [push.query.get('timestamp')!, push.query.get('nonce')!];
    const encrypt = xmlField(push.body, 'Encrypt')!;
    expect(push.query.get('signature')).toBe(pushSignature(account.token, timestamp, nonce));
    expect(push.query.get('encrypt_type')).toBe('aes');
    expect(push.query.get('msg_signature')).toBe(msgSignature(account.token, timestamp, nonce, encrypt));
    return decryptMessage(account.encodingAESKey, encrypt);
  }

  /** A server answering URL verification as it should: the echostr, decrypted in safe mode, only when signed. */
  function answerVerification(_attempt: number, request: ReceivedPush) {
    const [timestamp, nonce, echostr] = ['timestamp', 'nonce', 'echostr'].map((name) => request.query.get(name)!);
    if (request.query.get('signature') !== pushSignature(account.token, timestamp, nonce)) return { status: 403, body: 'bad signature' };
    if (request.query.get('encrypt_type') !== 'aes') return { status: 200, body: echostr };
    if (request.query.get('msg_signature') !== msgSignature(account.token, timestamp, nonce, echostr)) {
      return { status: 403, body: 'bad msg_signature' };
    }
    return { status: 200, body: decryptMessage(account.encodingAESKey, echostr).message };
  }

  it('tells any client how to sign and encrypt pushes as WeChat would', () => {
    expect(account).toEqual({
      appid: expect.stringMatching(/^wxtest/),
      token: expect.stringMatching(/^push-token-/),
      encodingAESKey: expect.stringMatching(/^[A-Za-z0-9+/]{43}$/),
      serverUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/wechat\/push\?brand=test$/),
      pushMode: 'plain',
      templateDailyQuota: 100000,
    });
  });

  it('pushes only ToUserName and Encrypt in safe mode, signed twice; the plaintext ends with the appid', async () => {
    await control(sandbox, 'POST', '/official-account', { pushMode: 'safe' });

    const answer = await control<FollowOutcome>(sandbox, 'POST', '/follow', { unionid: 'oUnionSafe000000000000000001' });

    const [push] = receiver.received;
    expect(push.body).toMatch(/^<xml><ToUserName><!\[CDATA\[gh_[0-9a-f]{12}\]\]><\/ToUserName><Encrypt><!\[CDATA\[[A-Za-z0-9+/=]+\]\]><\/Encrypt><\/xml>$/);
    const { message, appid } = openSafePush(push);
    expect(appid).toBe(account.appid);
    expect(xmlField(message, 'Event')).toBe('subscribe');
    expect(xmlField(message, 'FromUserName')).toBe(answer.body.openid);
    expect(answer.body).toMatchObject({ unionid: 'oUnionSafe000000000000000001', following: true });
  });

  it('pushes the plain fields and Encrypt together in compatible mode', async () => {
    await control(sandbox, 'POST', '/official-account', { pushMode: 'compatible' });

    await control(sandbox, 'POST', '/follow', { openid: 'oOaCompatible00000000000001' });

    const [push] = receiver.received;
    expect(xmlField(push.body, 'Event')).toBe('subscribe');
    expect(xmlField(openSafePush(push).message, 'FromUserName')).toBe('oOaCompatible00000000000001');
  });

  it('follows and unfollows by unionid alone: one openid per unionid', async () => {
    const first = await control<FollowOutcome>(sandbox, 'POST', '/follow', { unionid: 'oUnionOnly000000000000000001' });
    const left = await control<FollowOutcome>(sandbox, 'POST', '/unfollow', { unionid: 'oUnionOnly000000000000000001' });
    const again = await control<FollowOutcome>(sandbox, 'POST', '/follow', { unionid: 'oUnionOnly000000000000000001' });

    expect(first.body.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(left.body).toMatchObject({ openid: first.body.openid, following: false, event: 'unsubscribe' });
    expect(again.body).toMatchObject({ openid: first.body.openid, following: true, event: 'subscribe' });
  });

  it('verifies the URL in plain mode: a GET with signature, timestamp, nonce and echostr', async () => {
    receiver.answer = answerVerification;

    const { body } = await control<Verification>(sandbox, 'POST', '/verify-url', {});

    expect(body).toMatchObject({ status: 200, verified: true });
    expect(body.body).toBe(body.echostr);
    const [request] = receiver.received;
    expect(request.query.get('echostr')).toBe(body.echostr);
    expect(request.query.has('openid')).toBe(false);
  });

  it('verifies the URL in safe mode with an encrypted echostr the server must decrypt', async () => {
    await control(sandbox, 'POST', '/official-account', { pushMode: 'safe' });
    receiver.answer = answerVerification;

    const { body } = await control<Verification>(sandbox, 'POST', '/verify-url', {});

    expect(body).toMatchObject({ status: 200, verified: true });
    expect(receiver.received[0].query.get('echostr')).not.toBe(body.echostr);
  });

  it('reports a server that echoes the wrong text as not verified', async () => {
    await control(sandbox, 'POST', '/official-account', { pushMode: 'safe' });
    receiver.answer = (_attempt, request) => ({ status: 200, body: request.query.get('echostr')! }); // not decrypted

    const { body } = await control<Verification>(sandbox, 'POST', '/verify-url', {});

    expect(body).toMatchObject({ status: 200, verified: false });
  });

  it('refuses bad settings with 400, and verification without a server URL with 409', async () => {
    expect((await control(sandbox, 'POST', '/official-account', { pushMode: 'aes' })).body).toEqual({
      error: 'pushMode must be one of plain, compatible, safe',
    });
    expect((await control(sandbox, 'POST', '/official-account', { encodingAESKey: 'too-short' })).status).toBe(400);
    expect((await control(sandbox, 'POST', '/official-account', { templateDailyQuota: -1 })).status).toBe(400);
    const bare = anOfficialAccount();
    await control(sandbox, 'POST', '/apps', bare);
    expect((await control(sandbox, 'POST', '/verify-url', { appid: bare.appid })).status).toBe(409);
    expect((await control<AccountSettings>(sandbox, 'GET', '/official-account')).body.pushMode).toBe('plain');
  });
});
