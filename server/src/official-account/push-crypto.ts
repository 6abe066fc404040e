import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/**
 * What WeChat signs and encrypts when it pushes to the official account's server (docs/wechat.md §G).
 * Plain mode proves only that the sender knows the Token; safe and compatible modes also encrypt the
 * message, and `msg_signature` then covers the ciphertext itself.
 */

/** §G.1: hex(sha1(join(sort([token, timestamp, nonce])))), a plain string sort. */
export function pushSignature(token: string, timestamp: string, nonce: string): string {
  return sha1Sorted([token, timestamp, nonce]);
}

/** §G.4: the same over [token, timestamp, nonce, Encrypt]. */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sha1Sorted([token, timestamp, nonce, encrypt]);
}

function sha1Sorted(parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Compares a signature from the query with the expected one without telling, by its timing, how much matched. */
export function sameSignature(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** PKCS#7 as WeChat pads it: to 32-byte blocks, not AES's 16 (WXBizMsgCrypt's PKCS7Encoder). */
const PAD_BLOCK = 32;
/** random(16) ‖ msg_len(4): what precedes the message. */
const HEADER_BYTES = 20;

export class PushDecryptError extends Error {}

/** An EncodingAESKey is 43 base64 characters; with "=" appended it decodes to the 32-byte AES key. */
export function isEncodingAESKey(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}$/.test(value);
}

/**
 * §G.4: AES-256-CBC, key = Base64_Decode(EncodingAESKey + "="), IV = the key's first 16 bytes, over
 * random(16) ‖ msg_len(4, network order) ‖ msg ‖ appid, PKCS#7-padded to 32 bytes. Answers the
 * message and the appid it ends with (the caller checks that it is ours); a ciphertext that does not
 * decrypt to that shape is a PushDecryptError, never a crash.
 */
export function decryptPush(encodingAESKey: string, encrypt: string): { message: string; appid: string } {
  if (!isEncodingAESKey(encodingAESKey)) throw new Error('WECHAT_OA_ENCODING_AES_KEY must be 43 base64 characters');
  const key = Buffer.from(encodingAESKey + '=', 'base64');
  const cipherText = Buffer.from(encrypt, 'base64');
  if (cipherText.length === 0 || cipherText.length % PAD_BLOCK !== 0) throw new PushDecryptError('ciphertext is not whole 32-byte blocks');
  let padded: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    padded = Buffer.concat([decipher.update(cipherText), decipher.final()]);
  } catch {
    throw new PushDecryptError('ciphertext does not decrypt');
  }
  const padLength = padded[padded.length - 1];
  if (padLength < 1 || padLength > PAD_BLOCK || padLength > padded.length - HEADER_BYTES) throw new PushDecryptError('bad PKCS#7 padding');
  const plain = padded.subarray(0, padded.length - padLength);
  const length = plain.readUInt32BE(16);
  if (HEADER_BYTES + length > plain.length) throw new PushDecryptError('message length exceeds the plaintext');
  return {
    message: plain.subarray(HEADER_BYTES, HEADER_BYTES + length).toString('utf8'),
    appid: plain.subarray(HEADER_BYTES + length).toString('utf8'),
  };
}
