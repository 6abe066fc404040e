import { createDecipheriv, createVerify } from 'node:crypto';

/** The encrypted part of a WeChat Pay notification or certificate (AEAD_AES_256_GCM). */
export interface EncryptedResource {
  ciphertext: string;
  associated_data?: string;
  nonce: string;
}

/** The Wechatpay-* headers that sign an answer or a notification (§H.2). */
export interface PaySignatureHeaders {
  timestamp: string;
  nonce: string;
  serial: string;
  signature: string;
}

/** What a probe carries instead of a signature (§H.8): the merchant must refuse it. */
export const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';

/** How far a signed timestamp may be from our clock, either way. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

/** Reads the Wechatpay-* headers of an answer or notification; null when any is missing. */
export function signatureHeaders(get: (name: string) => string | undefined): PaySignatureHeaders | null {
  const [timestamp, nonce, serial, signature] = ['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-serial', 'wechatpay-signature'].map((n) => get(n)?.trim());
  if (!timestamp || !nonce || !serial || !signature) return null;
  return { timestamp, nonce, serial, signature };
}

/** Is the signed timestamp within ±5 minutes of now? */
export function freshTimestamp(timestamp: string, nowMs: number): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Number(timestamp) - nowMs / 1000) <= SIGNATURE_WINDOW_SECONDS;
}

/** RSA-SHA256 over `timestamp\nnonce\nbody\n`, with the body exactly as received. */
export function verifiesBody(headers: PaySignatureHeaders, rawBody: string, publicKeyPem: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(`${headers.timestamp}\n${headers.nonce}\n${rawBody}\n`).verify(publicKeyPem, headers.signature, 'base64');
  } catch {
    return false;
  }
}

/**
 * AES-256-GCM with the APIv3 key, the 16-byte tag at the end of the ciphertext checked (`final()`
 * throws on a tampered text: the library's decipher_gcm never calls it). Null when it does not open.
 */
export function decryptResource(apiV3Key: string, resource: EncryptedResource): string | null {
  try {
    const data = Buffer.from(resource.ciphertext, 'base64');
    if (data.length <= 16) return null;
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(resource.nonce));
    decipher.setAuthTag(data.subarray(data.length - 16));
    decipher.setAAD(Buffer.from(resource.associated_data ?? ''));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** Serials compared as WeChat Pay does: case-insensitively, leading zeros ignored. */
export function sameSerial(a: string, b: string): boolean {
  const norm = (s: string) => s.toUpperCase().replace(/^0+/, '');
  return norm(a) === norm(b);
}
