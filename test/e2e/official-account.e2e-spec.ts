import { encryptMessage, msgSignature } from '../../scripts/wechat-sandbox/src/oa-crypto';
import { OfficialFollowers } from '../../server/src/official-account/official-followers';
import { decryptPush } from '../../server/src/official-account/push-crypto';
import type { HttpResult } from '../support/http';
import { TestStack } from '../support/stack';
import { accountOf, anOpenid, createTime, describeOfficialAccount, eventually, eventXml, follow, followerRow, member, pushByHand, text, unfollow } from './official-account-journey';

/** Plain mode on MariaDB (the SQLite run is official-account.sqlite.e2e-spec.ts), then the encrypted modes. */
describeOfficialAccount('mysql');

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
