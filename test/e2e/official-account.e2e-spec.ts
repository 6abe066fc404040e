import { randomBytes } from 'node:crypto';
import { encryptMessage } from '../../scripts/wechat-sandbox/src/oa-crypto';
import { pushSignature } from '../../scripts/wechat-sandbox/src/oa-push';
import { OfficialFollowers } from '../../server/src/official-account/official-followers';
import { decryptPush } from '../../server/src/official-account/push-crypto';
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
async function pushByHand(stack: TestStack, xml: string, options: { token?: string; query?: Record<string, string> } = {}): Promise<HttpResult> {
  const token = options.token ?? (await accountOf(stack)).token;
  const timestamp = String(Math.floor(stack.clock.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
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
