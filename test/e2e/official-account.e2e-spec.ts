import { randomBytes } from 'node:crypto';
import { encryptMessage, msgSignature } from '../../scripts/wechat-sandbox/src/oa-crypto';
import { pushSignature } from '../../scripts/wechat-sandbox/src/oa-push';
import { enqueueNotification } from '../../server/src/notifications/outbox';
import { OfficialFollowers } from '../../server/src/official-account/official-followers';
import { decryptPush } from '../../server/src/official-account/push-crypto';
import { OfficialAccountClient } from '../../server/src/wechat/official-account.client';
import { http, type HttpResult } from '../support/http';
import { aPhone, TestStack } from '../support/stack';

/**
 * The official account's server as WeChat (the sandbox, over HTTP) uses it: URL verification, follows
 * and unfollows linked to members by unionid, store attribution by QR scene, retried pushes counted
 * once, the safe and compatible modes, template outcomes, and the 5-second answer while WeChat's
 * user/info fails.
 */

interface OfficialAccountView {
  appid: string;
  token: string;
  encodingAESKey: string | null;
}

interface FollowerRow {
  openid: string;
  unionid: string | null;
  following: number;
  store_id: string | null;
  scene: string | null;
  subscribed_at: Date | null;
  unsubscribed_at: Date | null;
}

async function followerRow(stack: TestStack, openid: string): Promise<FollowerRow | undefined> {
  const [row] = (await stack.db.query('SELECT openid, unionid, following, store_id, scene, subscribed_at, unsubscribed_at FROM oa_followers WHERE appid = ? AND openid = ?', [
    stack.oaAppid,
    openid,
  ])) as FollowerRow[];
  return row && { ...row, following: Number(row.following) };
}

/** Polls until `read` answers something `done` accepts (jobs run after WeChat has its answer); the last answer otherwise. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A shopper who joined in the mini-program: their member id and their unionid there. */
async function member(stack: TestStack): Promise<{ memberId: string; unionid: string }> {
  const { openid, unionid } = await stack.wechat<{ code: string; openid: string; unionid: string }>('/login-code', { appid: stack.appid });
  await stack.join(aPhone(), { openid });
  const [identity] = (await stack.db.query('SELECT member_id FROM wechat_identities WHERE openid = ?', [openid])) as { member_id: string }[];
  return { memberId: identity.member_id, unionid };
}

interface FollowOutcome {
  openid: string;
  unionid: string | null;
  event: string | null;
  delivery: { status: number | null; body: string | null; attempts: number } | null;
}

function follow(stack: TestStack, body: { unionid?: string; openid?: string; eventKey?: string }): Promise<FollowOutcome> {
  return stack.wechat<FollowOutcome>('/follow', { appid: stack.oaAppid, ...body });
}

function unfollow(stack: TestStack, body: { unionid?: string; openid?: string }): Promise<FollowOutcome> {
  return stack.wechat<FollowOutcome>('/unfollow', { appid: stack.oaAppid, ...body });
}

function accountOf(stack: TestStack): Promise<OfficialAccountView> {
  return stack.wechat<OfficialAccountView>(`/official-account?appid=${stack.oaAppid}`);
}

function eventXml(openid: string, createTime: number, event: string, extra: Record<string, string | bigint> = {}): string {
  const fields: Record<string, string | number | bigint> = { ToUserName: 'gh_0123456789ab', FromUserName: openid, CreateTime: createTime, MsgType: 'event', Event: event, ...extra };
  return `<xml>${Object.entries(fields)
    .map(([name, value]) => `<${name}>${typeof value === 'string' ? `<![CDATA[${value}]]>` : value.toString()}</${name}>`)
    .join('')}</xml>`;
}

/** A push as WeChat signs it (§G.1), sent by the test itself. */
async function pushByHand(stack: TestStack, xml: string, options: { token?: string; query?: Record<string, string>; timestamp?: string; nonce?: string } = {}): Promise<HttpResult> {
  const token = options.token ?? (await accountOf(stack)).token;
  const timestamp = options.timestamp ?? String(Math.floor(stack.clock.now() / 1000));
  const nonce = options.nonce ?? String(Math.floor(Math.random() * 1e9));
  const query = new URLSearchParams({ signature: pushSignature(token, timestamp, nonce), timestamp, nonce, ...options.query });
  return http('POST', `${stack.url}/api/wechat/official?${query}`, { rawBody: xml, headers: { 'content-type': 'text/xml' } });
}

const text = (result: HttpResult) => (Buffer.isBuffer(result.body) ? result.body.toString('utf8') : result.body);
const createTime = (stack: TestStack) => Math.floor(stack.clock.now() / 1000);
const anOpenid = () => `oOA${randomBytes(12).toString('base64url')}`;

describe('official account server (plain mode)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterEach(() => http('DELETE', `${stack.sandbox.url}/__sandbox/faults`));
  afterAll(() => stack?.close());

  it('passes the MP console URL check and refuses a wrong signature with 403', async () => {
    const check = await stack.wechat<{ verified: boolean; status: number }>('/verify-url', { appid: stack.oaAppid });
    expect(check).toMatchObject({ verified: true, status: 200 });

    const forged = await stack.api('GET', '/wechat/official?signature=0123456789abcdef0123456789abcdef01234567&timestamp=1&nonce=2&echostr=3');
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('OFFICIAL_SIGNATURE_INVALID');
  });

  it('links a follow to the member with the same unionid, and forgets the openid on unfollow', async () => {
    const { memberId, unionid } = await member(stack);
    const followers = stack.app.get(OfficialFollowers);
    expect(await followers.oaOpenidOf(memberId)).toBeNull();

    const followed = await follow(stack, { unionid });
    expect(followed).toMatchObject({ event: 'subscribe', delivery: { status: 200, body: 'success', attempts: 1 } });
    const row = await eventually(
      () => followerRow(stack, followed.openid),
      (r) => r?.unionid === unionid,
    );
    expect(row).toMatchObject({ following: 1, unionid, store_id: null, scene: null, unsubscribed_at: null });
    expect(row?.subscribed_at).not.toBeNull();
    expect(await followers.oaOpenidOf(memberId)).toBe(followed.openid);

    const left = await unfollow(stack, { unionid });
    expect(left).toMatchObject({ event: 'unsubscribe', delivery: { status: 200, body: 'success' } });
    expect(await followerRow(stack, followed.openid)).toMatchObject({ following: 0, unionid });
    expect((await followerRow(stack, followed.openid))?.unsubscribed_at).not.toBeNull();
    expect(await followers.oaOpenidOf(memberId)).toBeNull();

    // Following again brings the openid back.
    stack.clock.advance(60_000);
    await follow(stack, { unionid });
    expect(await followers.oaOpenidOf(memberId)).toBe(followed.openid);
  });

  it('refuses a push with a wrong signature with 403 and records nothing', async () => {
    const openid = anOpenid();
    const forged = await pushByHand(stack, eventXml(openid, createTime(stack), 'subscribe'), { token: 'not-the-token' });
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('OFFICIAL_SIGNATURE_INVALID');

    const unsigned = await http('POST', `${stack.url}/api/wechat/official?timestamp=1&nonce=2`, { rawBody: eventXml(openid, createTime(stack), 'subscribe'), headers: { 'content-type': 'text/xml' } });
    expect(unsigned.status).toBe(403);

    expect(await followerRow(stack, openid)).toBeUndefined();
    expect(await stack.db.query('SELECT dedupe_key FROM oa_push_events WHERE dedupe_key LIKE ?', [`${openid}%`])).toEqual([]);
  });

  it('attributes a follower to the store whose code they came through; the first store stays', async () => {
    const [first, second] = [stack.chain.stores[0], stack.chain.stores[1]];
    const firstScene = stack.chain.counterScenes[first.code];
    const secondScene = stack.chain.counterScenes[second.code];

    const viaQr = await follow(stack, { openid: anOpenid(), eventKey: `qrscene_${firstScene}` });
    expect(viaQr).toMatchObject({ event: 'subscribe', delivery: { body: 'success' } });
    expect(await followerRow(stack, viaQr.openid)).toMatchObject({ following: 1, store_id: first.id, scene: firstScene });

    // Already following, they scan another store's code: WeChat says SCAN, and the first store stays.
    const scanned = await follow(stack, { openid: viaQr.openid, eventKey: secondScene });
    expect(scanned).toMatchObject({ event: 'SCAN', delivery: { body: 'success' } });
    expect(await followerRow(stack, viaQr.openid)).toMatchObject({ following: 1, store_id: first.id, scene: firstScene });

    // Someone who followed by search and later scans a store's code is that store's.
    const bySearch = await follow(stack, { openid: anOpenid() });
    expect(await followerRow(stack, bySearch.openid)).toMatchObject({ following: 1, store_id: null, scene: null });
    expect(await follow(stack, { openid: bySearch.openid, eventKey: secondScene })).toMatchObject({ event: 'SCAN' });
    expect(await followerRow(stack, bySearch.openid)).toMatchObject({ following: 1, store_id: second.id, scene: secondScene });

    // A scene that is no store's is kept as the scene, with no store.
    const campaign = await follow(stack, { openid: anOpenid(), eventKey: 'qrscene_spring-campaign' });
    expect(await followerRow(stack, campaign.openid)).toMatchObject({ following: 1, store_id: null, scene: 'spring-campaign' });
  });

  it('handles the same signed push once, however often it is delivered', async () => {
    const openid = anOpenid();
    const subscribedAt = createTime(stack);
    const subscribe = eventXml(openid, subscribedAt, 'subscribe');

    const copies = [await pushByHand(stack, subscribe), await pushByHand(stack, subscribe), await pushByHand(stack, subscribe)];
    expect(copies.map((c) => [c.status, text(c)])).toEqual(Array(3).fill([200, 'success']));
    expect(await stack.db.query('SELECT event FROM oa_push_events WHERE dedupe_key LIKE ?', [`${openid}:%`])).toEqual([{ event: 'subscribe' }]);
    expect(await followerRow(stack, openid)).toMatchObject({ following: 1 });

    // They unfollow a minute later; a late copy of the subscribe changes nothing.
    expect(text(await pushByHand(stack, eventXml(openid, subscribedAt + 60, 'unsubscribe')))).toBe('success');
    expect(text(await pushByHand(stack, subscribe))).toBe('success');
    expect(await followerRow(stack, openid)).toMatchObject({ following: 0 });
    expect(await stack.db.query('SELECT event FROM oa_push_events WHERE dedupe_key LIKE ? ORDER BY event', [`${openid}:%`])).toEqual([{ event: 'subscribe' }, { event: 'unsubscribe' }]);
  });

  it("records a template message's outcome on its notification: failed: system failed", async () => {
    const { memberId, unionid } = await member(stack);
    const followed = await follow(stack, { unionid });
    const followers = stack.app.get(OfficialFollowers);
    const openid = await eventually(
      () => followers.oaOpenidOf(memberId),
      (o) => o !== null,
    );
    expect(openid).toBe(followed.openid);
    const dedupeKey = `tier:${randomBytes(6).toString('hex')}`;
    await stack.uow.transaction((m) =>
      enqueueNotification(m, {
        brandId: stack.chain.brand.id,
        memberId,
        dedupeKey,
        payload: { kind: 'tier_changed', from: '普卡', to: '银卡', at: new Date(stack.clock.now()).toISOString() },
        at: new Date(stack.clock.now()),
      }),
    );
    const [{ id }] = (await stack.db.query('SELECT id FROM notifications WHERE dedupe_key = ?', [dedupeKey])) as { id: string }[];

    await stack.wechat('/template-finish', { appid: stack.oaAppid, times: 1 });
    const msgid = await stack.app.get(OfficialAccountClient).sendTemplate({ touser: openid ?? '', templateId: 'TPL-tier-changed', data: { thing1: { value: '会员等级变更' } } });
    // As the sender does once WeChat answered: WeChat's outcome push may already have arrived.
    await stack.db.query('UPDATE notifications SET wechat_msgid = ? WHERE id = ?', [msgid, id]);

    const row = await eventually(
      async () => ((await stack.db.query('SELECT finish_status FROM notifications WHERE id = ?', [id])) as { finish_status: string | null }[])[0],
      (r) => r.finish_status !== null,
    );
    expect(row.finish_status).toBe('failed: system failed');
    // The handler sends nothing: the one template message is the test's.
    const sent = await stack.wechat<{ messages: unknown[] }>(`/messages?kind=template&touser=${openid}`);
    expect(sent.messages).toHaveLength(1);
  });

  it('ignores the outcome of a template message no notification has', async () => {
    const answer = await pushByHand(stack, eventXml(anOpenid(), createTime(stack), 'TEMPLATESENDJOBFINISH', { MsgID: 9_223_372_036_854_775_001n, Status: 'success' }));
    expect([answer.status, text(answer)]).toEqual([200, 'success']);
    expect(await stack.db.query('SELECT id FROM notifications WHERE wechat_msgid = ?', ['9223372036854775001'])).toEqual([]);
  });

  it('answers WeChat at once while user/info fails, and fills the unionid when the lookup is retried', async () => {
    await stack.wechat('/faults', { path: '/cgi-bin/user/info', errcode: -1, times: 2 });
    const { memberId, unionid } = await member(stack);

    const followed = await follow(stack, { unionid });
    // One delivery, answered success: WeChat did not wait for user/info (it would have retried).
    expect(followed.delivery).toMatchObject({ status: 200, body: 'success', attempts: 1 });
    expect(await followerRow(stack, followed.openid)).toMatchObject({ following: 1 });

    const row = await eventually(
      () => followerRow(stack, followed.openid),
      (r) => r?.unionid === unionid,
    );
    expect(row?.unionid).toBe(unionid);
    const lookups = await stack.wechat<{ requests: { query: { openid?: string }; errcode: number | null }[] }>('/requests?path=/cgi-bin/user/info');
    expect(lookups.requests.filter((r) => r.query.openid === followed.openid).map((r) => r.errcode ?? 0)).toEqual([-1, -1, 0]);
    expect(await stack.app.get(OfficialFollowers).oaOpenidOf(memberId)).toBe(followed.openid);
  });

  it('reads the JSON push format too, keeping every digit of a MsgID', async () => {
    const openid = anOpenid();
    const { token } = await accountOf(stack);
    const timestamp = String(createTime(stack));
    const nonce = '42';
    const query = new URLSearchParams({ signature: pushSignature(token, timestamp, nonce), timestamp, nonce });
    const body = JSON.stringify({ ToUserName: 'gh_0123456789ab', FromUserName: openid, CreateTime: Number(timestamp), MsgType: 'event', Event: 'subscribe' });
    const answer = await http('POST', `${stack.url}/api/wechat/official?${query}`, { rawBody: body });
    expect([answer.status, text(answer)]).toEqual([200, 'success']);
    expect(await followerRow(stack, openid)).toMatchObject({ following: 1 });

    const finish = `{"ToUserName":"gh_0123456789ab","FromUserName":"${openid}","CreateTime":${timestamp},"MsgType":"event","Event":"TEMPLATESENDJOBFINISH","MsgID":9223372036854775123,"Status":"success"}`;
    expect(text(await http('POST', `${stack.url}/api/wechat/official?${query}`, { rawBody: finish }))).toBe('success');
    expect(await stack.db.query('SELECT dedupe_key FROM oa_push_events WHERE dedupe_key LIKE ?', [`${openid}:%:TEMPLATESENDJOBFINISH:%`])).toEqual([
      { dedupe_key: `${openid}:${timestamp}:TEMPLATESENDJOBFINISH:9223372036854775123` },
    ]);
  });

  it('answers success to messages and events it has nothing to do with, and 400 to a signed body it cannot read', async () => {
    const message = `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[${anOpenid()}]]></FromUserName><CreateTime>${createTime(stack)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 </Content>]]></Content><MsgId>23456789012345678901</MsgId></xml>`;
    expect(text(await pushByHand(stack, message))).toBe('success');
    expect(text(await pushByHand(stack, eventXml(anOpenid(), createTime(stack), 'CLICK', { EventKey: 'MENU_CARD' })))).toBe('success');

    for (const body of ['<xml><FromUserName>', 'not xml', eventXml('', createTime(stack), 'subscribe'), eventXml(anOpenid(), 0, 'subscribe').replace('<CreateTime>0', '<CreateTime>soon')]) {
      const answer = await pushByHand(stack, body);
      expect([answer.status, answer.body.code]).toEqual([400, 'OFFICIAL_PUSH_INVALID']);
    }
  });
});

/** Safe and compatible modes: the message travels AES-encrypted, signed by msg_signature (§G.4). */
describe.each(['safe', 'compatible'] as const)('official account server (%s mode)', (pushMode) => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ pushMode });
  });
  afterAll(() => stack?.close());

  /** An encrypted push signed by hand, as WeChat writes it in this mode. */
  async function encryptedPush(xml: string, options: { appid?: string; msgSignature?: string; encrypt?: string; plainXml?: string } = {}): Promise<HttpResult> {
    const account = await accountOf(stack);
    const encrypt = options.encrypt ?? encryptMessage(account.encodingAESKey ?? '', options.appid ?? stack.oaAppid, xml);
    const timestamp = String(createTime(stack));
    const nonce = '7';
    const element = `<Encrypt><![CDATA[${encrypt}]]></Encrypt>`;
    const body = pushMode === 'safe' ? `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>${element}</xml>` : (options.plainXml ?? xml).replace('</xml>', `${element}</xml>`);
    return pushByHand(stack, body, { query: { encrypt_type: 'aes', msg_signature: options.msgSignature ?? msgSignature(account.token, timestamp, nonce, encrypt) }, nonce, timestamp });
  }

  it('passes the URL check and links a follow to the member', async () => {
    expect(await stack.wechat('/verify-url', { appid: stack.oaAppid })).toMatchObject({ verified: true, status: 200 });
    const { memberId, unionid } = await member(stack);
    const followed = await follow(stack, { unionid });
    expect(followed.delivery).toMatchObject({ status: 200, body: 'success' });
    const row = await eventually(
      () => followerRow(stack, followed.openid),
      (r) => r?.unionid === unionid,
    );
    expect(row).toMatchObject({ following: 1, unionid });
    expect(await stack.app.get(OfficialFollowers).oaOpenidOf(memberId)).toBe(followed.openid);
    expect(await unfollow(stack, { unionid })).toMatchObject({ event: 'unsubscribe', delivery: { body: 'success' } });
    expect(await stack.app.get(OfficialFollowers).oaOpenidOf(memberId)).toBeNull();
  });

  it('acts on the decrypted message, and refuses one encrypted for another account or with a wrong msg_signature', async () => {
    const openid = anOpenid();
    expect(text(await encryptedPush(eventXml(openid, createTime(stack), 'subscribe')))).toBe('success');
    expect(await followerRow(stack, openid)).toMatchObject({ following: 1 });

    const other = anOpenid();
    const forAnother = await encryptedPush(eventXml(other, createTime(stack), 'subscribe'), { appid: 'wxanotheraccount01' });
    expect([forAnother.status, forAnother.body.code]).toEqual([403, 'OFFICIAL_SIGNATURE_INVALID']);
    const badSignature = await encryptedPush(eventXml(other, createTime(stack), 'subscribe'), { msgSignature: '0'.repeat(40) });
    expect([badSignature.status, badSignature.body.code]).toEqual([403, 'OFFICIAL_SIGNATURE_INVALID']);
    const garbage = await encryptedPush(eventXml(other, createTime(stack), 'subscribe'), { encrypt: Buffer.from('not an AES message').toString('base64') });
    expect([garbage.status, garbage.body.code]).toEqual([400, 'OFFICIAL_PUSH_INVALID']);
    expect(await followerRow(stack, other)).toBeUndefined();

    // Compatible mode's plain copy is not what counts: only the encrypted message is signed over.
    const plainSays = anOpenid();
    const encrypted = anOpenid();
    expect(text(await encryptedPush(eventXml(encrypted, createTime(stack), 'subscribe'), { plainXml: eventXml(plainSays, createTime(stack), 'subscribe') }))).toBe('success');
    expect(await followerRow(stack, encrypted)).toMatchObject({ following: 1 });
    expect(await followerRow(stack, plainSays)).toBeUndefined();
  });
});

describe('safe-mode decryption against the sandbox (§G.4)', () => {
  it("reads what the sandbox's encryptMessage wrote, appid included", () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const xml = eventXml('o我是中文', 1_700_000_000, 'subscribe');
    expect(decryptPush(key, encryptMessage(key, 'wxb11529c136998cb6', xml))).toEqual({ message: xml, appid: 'wxb11529c136998cb6' });
    for (const length of [0, 1, 11, 12, 13, 44, 100]) {
      const message = 'x'.repeat(length);
      expect(decryptPush(key, encryptMessage(key, 'wxab', message)).message).toBe(message);
    }
  });
});
