import { sign, type KeyObject } from 'node:crypto';

/*
 * A self-signed X.509 v3 certificate written with node:crypto alone. Node 20 parses certificates
 * (X509Certificate) but cannot create them, and the sandbox needs real ones: wechatpay-node-v3
 * reads the merchant serial from apiclient_cert.pem and the platform key from the certificate that
 * GET /v3/certificates hands out, both with @fidm/x509. DER is small enough to write by hand.
 */

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...items: Buffer[]): Buffer => der(0x30, ...items);
const set = (...items: Buffer[]): Buffer => der(0x31, ...items);
const utf8 = (text: string): Buffer => der(0x0c, Buffer.from(text, 'utf8'));
const printable = (text: string): Buffer => der(0x13, Buffer.from(text, 'ascii'));

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const group = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) group.unshift((value & 0x7f) | 0x80);
    bytes.push(...group);
  }
  return der(0x06, Buffer.from(bytes));
}

/** A positive INTEGER from hex: a leading 00 keeps a high first bit from reading as negative. */
function positiveInteger(hex: string): Buffer {
  const bytes = Buffer.from(hex, 'hex');
  return der(0x02, bytes[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

/** UTCTime up to 2049, GeneralizedTime after, as RFC 5280 §4.1.2.5 requires. */
function time(at: Date): Buffer {
  const iso = at.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  return at.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(iso.slice(2), 'ascii')) : der(0x18, Buffer.from(iso, 'ascii'));
}

function name(fields: Array<[string, string]>): Buffer {
  const types: Record<string, string> = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };
  return sequence(...fields.map(([type, value]) => set(sequence(oid(types[type]), type === 'C' ? printable(value) : utf8(value)))));
}

const SHA256_WITH_RSA = sequence(oid('1.2.840.113549.1.1.11'), der(0x05));

export interface CertificateSpec {
  /** Hex, as WeChat shows serials (40 hex digits). */
  serialHex: string;
  subject: Array<[string, string]>;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  /** Self-signed: the private key of `publicKey`. */
  privateKey: KeyObject;
}

/** A PEM certificate signed with SHA256withRSA by its own key. */
export function selfSignedCertificate(spec: CertificateSpec): string {
  const subject = name(spec.subject);
  const spki = spec.publicKey.export({ type: 'spki', format: 'der' });
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))), // [0] version v3
    positiveInteger(spec.serialHex),
    SHA256_WITH_RSA,
    subject, // issuer = subject
    sequence(time(spec.notBefore), time(spec.notAfter)),
    subject,
    spki,
  );
  const signature = sign('sha256', tbs, spec.privateKey);
  const certificate = sequence(tbs, SHA256_WITH_RSA, der(0x03, Buffer.from([0]), signature));
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}
