import type { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import type { FollowerEvents } from './follower-events';
import { OfficialPushes } from './official-pushes';
import { msgSignature, pushSignature } from './push-crypto';

/** What the server URL answers before any database work: no account configured, and the signature checks. */
describe('OfficialPushes without a database', () => {
  const untouchable = {
    handle: () => {
      throw new Error('no event may be handled here');
    },
  } as unknown as FollowerEvents;
  const withAccount = (officialAccount: AppConfig['officialAccount']) => new OfficialPushes({ officialAccount } as AppConfig, untouchable);
  const codeOf = (run: () => unknown): string | undefined => {
    try {
      run();
    } catch (error) {
      return error instanceof DomainError ? error.code : String(error);
    }
    return undefined;
  };

  it('answers 404 OFFICIAL_ACCOUNT_DISABLED when no official account is configured', async () => {
    const pushes = withAccount(null);
    expect(codeOf(() => pushes.verify({ signature: 'x', timestamp: '1', nonce: '2', echostr: '3' }))).toBe('OFFICIAL_ACCOUNT_DISABLED');
    await expect(pushes.receive({}, '<xml/>')).rejects.toMatchObject({ code: 'OFFICIAL_ACCOUNT_DISABLED' });
  });

  it('echoes the echostr only with the right signature; a missing part is the same 403', () => {
    const pushes = withAccount({ appid: 'wxoa', secret: 's', token: 'tok', encodingAESKey: null });
    const signature = pushSignature('tok', '1700000000', '99');
    expect(pushes.verify({ signature, timestamp: '1700000000', nonce: '99', echostr: '12345' })).toBe('12345');
    expect(codeOf(() => pushes.verify({ signature, timestamp: '1700000001', nonce: '99', echostr: '12345' }))).toBe('OFFICIAL_SIGNATURE_INVALID');
    expect(codeOf(() => pushes.verify({ signature, nonce: '99', echostr: '12345' }))).toBe('OFFICIAL_SIGNATURE_INVALID');
    expect(codeOf(() => pushes.verify({ signature: [signature], timestamp: '1700000000', nonce: '99', echostr: '12345' }))).toBe('OFFICIAL_SIGNATURE_INVALID');
    expect(codeOf(() => pushes.verify({ signature, timestamp: '1700000000', nonce: '99' }))).toBe('OFFICIAL_PUSH_INVALID');
    // encrypt_type=aes without a msg_signature: the echostr is taken as plain (the signature was checked).
    expect(pushes.verify({ signature, timestamp: '1700000000', nonce: '99', echostr: '12345', encrypt_type: 'aes' })).toBe('12345');
    // Safe mode asked for without an EncodingAESKey: the msg_signature is checked first, then 400.
    expect(codeOf(() => pushes.verify({ signature, timestamp: '1700000000', nonce: '99', echostr: 'abc', encrypt_type: 'aes', msg_signature: 'x' }))).toBe('OFFICIAL_SIGNATURE_INVALID');
    const msgSigned = msgSignature('tok', '1700000000', '99', 'abc');
    expect(codeOf(() => pushes.verify({ signature, timestamp: '1700000000', nonce: '99', echostr: 'abc', encrypt_type: 'aes', msg_signature: msgSigned }))).toBe('OFFICIAL_PUSH_INVALID');
  });
});
