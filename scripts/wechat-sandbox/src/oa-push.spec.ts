import type { RunningSandbox } from './index';
import { pushSignature } from './oa-push';
import { anOfficialAccount, control, PushReceiver, startTestSandbox, wechatClient, xmlField } from './spec-support';

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
