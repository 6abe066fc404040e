import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Official-account safe mode (§G.4): AES-256-CBC with the key Base64_Decode(EncodingAESKey + "="),
 * IV = the key's first 16 bytes, PKCS#7 padding to 32-byte blocks (not AES's 16), over
 * random(16) ‖ msg_len(4, network order) ‖ msg ‖ appid.
 */
const PAD_BLOCK = 32;

/** An EncodingAESKey is 43 base64 characters: 32 bytes once "=" is appended. */
export function isEncodingAESKey(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9+/]{43}$/.test(value);
}

function aesKey(encodingAESKey: string): Buffer {
  if (!isEncodingAESKey(encodingAESKey)) throw new Error('EncodingAESKey must be 43 base64 characters');
  return Buffer.from(encodingAESKey + '=', 'base64');
}

/** A fresh EncodingAESKey, as the MP console's "随机生成" makes one. */
export function newEncodingAESKey(): string {
  return randomBytes(32).toString('base64').slice(0, 43);
}

/** §G.4: sha1 of the sorted [token, timestamp, nonce, Encrypt], lowercase hex. */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

export function encryptMessage(encodingAESKey: string, appid: string, message: string, random = randomBytes(16)): string {
  const key = aesKey(encodingAESKey);
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([random, length, body, Buffer.from(appid, 'utf8')]);
  const padLength = PAD_BLOCK - (plain.length % PAD_BLOCK);
  const padded = Buffer.concat([plain, Buffer.alloc(padLength, padLength)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

/** The inverse of encryptMessage: the message and the appid it ends with. Throws on a malformed ciphertext. */
export function decryptMessage(encodingAESKey: string, encrypt: string): { message: string; appid: string } {
  const key = aesKey(encodingAESKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const padLength = padded[padded.length - 1];
  if (padLength < 1 || padLength > PAD_BLOCK || padLength > padded.length - 20) throw new Error('bad PKCS#7 padding');
  const plain = padded.subarray(0, padded.length - padLength);
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new Error('message length exceeds the plaintext');
  return {
    message: plain.subarray(20, 20 + length).toString('utf8'),
    appid: plain.subarray(20 + length).toString('utf8'),
  };
}
