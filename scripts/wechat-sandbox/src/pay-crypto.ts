import { createCipheriv, createSign, createVerify, randomBytes, randomInt } from 'node:crypto';

/** The only request authentication scheme of API v3 (§H.1). */
export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';
/** Requests and notifications more than 5 minutes off are refused (§H.1, §H.2). */
export const CLOCK_SKEW_SECONDS = 300;
/** WeChat Pay's signature probes start with this instead of a signature (§H.2). */
export const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomAlphanumeric(length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) text += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return text;
}

/** `Wechatpay-Nonce` / `nonce_str`: 32 uppercase hex, like WeChat's examples. */
export function newPayNonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** Pay v3 dates are RFC 3339 in China time: `2018-06-08T10:34:56+08:00` (§1.2). */
export function chinaTime(at: number): string {
  return new Date(at + 8 * 3600 * 1000).toISOString().slice(0, 19) + '+08:00';
}

export function rsaSign(privateKeyPem: string, message: string): string {
  return createSign('RSA-SHA256').update(message).sign(privateKeyPem, 'base64');
}

export function rsaVerify(publicKeyOrCertPem: string, message: string, signature: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(message).verify(publicKeyOrCertPem, signature, 'base64');
  } catch {
    return false; // not base64 / wrong length: simply a bad signature
  }
}

/** §H.1: the five lines a merchant signs, each ending in \n (an empty body is an empty line). */
export function requestMessage(method: string, pathWithQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** §H.2: the three lines WeChat Pay signs in responses and notifications. */
export function responseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/** The key WeChat Pay signs with, named by `Wechatpay-Serial`: a platform certificate or a public key id. */
export interface SigningKey {
  serial: string;
  privateKeyPem: string;
}

export interface SignatureHeaders {
  'Wechatpay-Timestamp': string;
  'Wechatpay-Nonce': string;
  'Wechatpay-Serial': string;
  'Wechatpay-Signature': string;
}

export function signatureHeaders(key: SigningKey, timestampSeconds: number, body: string): SignatureHeaders {
  const timestamp = String(timestampSeconds);
  const nonce = newPayNonce();
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': key.serial,
    'Wechatpay-Signature': rsaSign(key.privateKeyPem, responseMessage(timestamp, nonce, body)),
  };
}

/** AES-256-GCM with the APIv3 key (§H.8 step 5): ciphertext is base64(encrypted ‖ 16-byte tag). */
export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
}

export function encryptResource(apiV3Key: string, plaintext: string, associatedData: string): EncryptedResource {
  const nonce = randomAlphanumeric(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: encrypted.toString('base64'), associated_data: associatedData, nonce };
}

export interface Authorization {
  mchid?: string;
  nonce_str?: string;
  timestamp?: string;
  serial_no?: string;
  signature?: string;
}

/** `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",…` in any order (§H.1); null if not that scheme. */
export function parseAuthorization(header: string | undefined): Authorization | null {
  if (!header?.startsWith(`${AUTH_SCHEME} `)) return null;
  const fields: Record<string, string> = {};
  for (const match of header.slice(AUTH_SCHEME.length + 1).matchAll(/([a-z_]+)="([^"]*)"/g)) fields[match[1]] = match[2];
  return fields;
}

/** Serials compare case-insensitively and without leading zeros (@fidm/x509 writes `00a1…`). */
export function sameSerial(a: string, b: string): boolean {
  const normal = (serial: string): string => serial.toUpperCase().replace(/^0+/, '');
  return normal(a) === normal(b);
}
