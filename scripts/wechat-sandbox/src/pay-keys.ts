import { generateKeyPair, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { selfSignedCertificate } from './x509';

/**
 * Everything both sides of WeChat Pay need (§H): the merchant's API key and certificate (the merchant
 * signs requests and requestPayment with them), the APIv3 key (AES-256-GCM of notifications and
 * certificates), and WeChat Pay's own keys in both of its verification modes: a platform certificate
 * (40-hex serial) and a "WeChat Pay public key" (`PUB_KEY_ID_…`). The sandbox holds the private keys
 * of WeChat Pay too, so that a test can act as WeChat Pay against the server.
 */
export interface PayKeys {
  mchid: string;
  apiV3Key: string;
  merchantSerialNo: string;
  merchantPrivateKeyPem: string;
  merchantCertPem: string;
  platformSerialNo: string;
  platformPrivateKeyPem: string;
  platformCertPem: string;
  publicKeyId: string;
  publicKeyPem: string;
  publicKeyPrivateKeyPem: string;
}

/** Where the CLI keeps the generated keys: git-ignored, next to the sources. */
export const DEFAULT_PAY_KEYS_DIR = path.join(__dirname, '..', 'data');
const FILE_NAME = 'pay-keys.json';

const newRsaKeyPair = promisify(generateKeyPair);

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Real serials are 40 uppercase hex digits; a high first digit exercises the leading-00 case of @fidm/x509. */
function newSerial(): string {
  return (randomInt(8, 16).toString(16) + randomBytes(20).toString('hex').slice(1)).toUpperCase();
}

function pem(key: KeyObject, type: 'private' | 'public'): string {
  return type === 'private'
    ? (key.export({ type: 'pkcs8', format: 'pem' }) as string)
    : (key.export({ type: 'spki', format: 'pem' }) as string);
}

async function certificateFor(serial: string, subject: Array<[string, string]>): Promise<{ keyPem: string; certPem: string }> {
  const { publicKey, privateKey } = await newRsaKeyPair('rsa', { modulusLength: 2048 });
  const notBefore = new Date(Date.now() - 24 * 3600 * 1000);
  // Platform certificates last 5 years (§H.2); merchant ones as long.
  const notAfter = new Date(notBefore.getTime() + 5 * 365 * 24 * 3600 * 1000);
  const certPem = selfSignedCertificate({ serialHex: serial, subject, notBefore, notAfter, publicKey, privateKey });
  return { keyPem: pem(privateKey, 'private'), certPem };
}

export async function generatePayKeys(): Promise<PayKeys> {
  const mchid = String(randomInt(1_600_000_000, 1_700_000_000));
  const merchantSerialNo = newSerial();
  const platformSerialNo = newSerial();
  const [merchant, platform, publicKeyPair] = await Promise.all([
    certificateFor(merchantSerialNo, [['C', 'CN'], ['O', '微信商户系统'], ['OU', '沙箱商户'], ['CN', mchid]]),
    certificateFor(platformSerialNo, [['C', 'CN'], ['O', '财付通支付科技有限公司'], ['OU', 'Tenpay.com CA Center'], ['CN', 'Tenpay.com Root CA']]),
    newRsaKeyPair('rsa', { modulusLength: 2048 }),
  ]);
  let apiV3Key = '';
  for (let i = 0; i < 32; i += 1) apiV3Key += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return {
    mchid,
    apiV3Key,
    merchantSerialNo,
    merchantPrivateKeyPem: merchant.keyPem,
    merchantCertPem: merchant.certPem,
    platformSerialNo,
    platformPrivateKeyPem: platform.keyPem,
    platformCertPem: platform.certPem,
    // e.g. PUB_KEY_ID_0114232134912410000000000000000000 in the merchant platform
    publicKeyId: `PUB_KEY_ID_01${mchid}${randomBytes(9).toString('hex').replace(/[a-f]/g, '0')}`,
    publicKeyPem: pem(publicKeyPair.publicKey, 'public'),
    publicKeyPrivateKeyPem: pem(publicKeyPair.privateKey, 'private'),
  };
}

function isPayKeys(value: unknown): value is PayKeys {
  const keys = value as Record<string, unknown> | null;
  return (
    typeof keys === 'object' &&
    keys !== null &&
    ['mchid', 'apiV3Key', 'merchantSerialNo', 'merchantPrivateKeyPem', 'merchantCertPem', 'platformSerialNo',
      'platformPrivateKeyPem', 'platformCertPem', 'publicKeyId', 'publicKeyPem', 'publicKeyPrivateKeyPem'].every((field) => typeof keys[field] === 'string')
  );
}

async function readKeys(file: string): Promise<PayKeys | undefined> {
  try {
    const parsed: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    return isPayKeys(parsed) ? parsed : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The keys in `dir`, generated on first use. Several sandboxes may start at once on one folder
 * (e2e workers): the first complete file wins (a hard link never replaces an existing file), and
 * every sandbox then uses the keys that are on disk.
 */
export async function loadOrCreatePayKeys(dir: string): Promise<PayKeys> {
  const file = path.join(dir, FILE_NAME);
  const existing = await readKeys(file);
  if (existing) return existing;
  await fs.mkdir(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temporary, JSON.stringify(await generatePayKeys(), null, 2) + '\n', { mode: 0o600 });
  try {
    await fs.link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await fs.unlink(temporary);
  }
  const written = await readKeys(file);
  if (!written) throw new Error(`${file} is not a sandbox key file: delete it to generate new keys`);
  return written;
}
