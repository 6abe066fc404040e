import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreatePayKeys } from './pay-keys';

describe('WeChat Pay keys (generated on first run)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sandbox-pay-keys-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('generates real certificates whose serials are the ones announced, and keeps them for the next run', async () => {
    const keys = await loadOrCreatePayKeys(path.join(dir, 'nested'));
    const again = await loadOrCreatePayKeys(path.join(dir, 'nested'));

    expect(again).toEqual(keys);
    expect(keys.mchid).toMatch(/^\d{10}$/);
    expect(keys.apiV3Key).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(keys.publicKeyId).toMatch(/^PUB_KEY_ID_01\d{28}$/);
    for (const [certPem, serial, keyPem] of [
      [keys.merchantCertPem, keys.merchantSerialNo, keys.merchantPrivateKeyPem],
      [keys.platformCertPem, keys.platformSerialNo, keys.platformPrivateKeyPem],
    ]) {
      const certificate = new X509Certificate(certPem);
      expect(serial).toMatch(/^[0-9A-F]{40}$/);
      expect(certificate.serialNumber).toBe(serial);
      expect(certificate.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
      expect(certificate.verify(certificate.publicKey)).toBe(true); // self-signed
      expect(Date.parse(certificate.validTo) - Date.now()).toBeGreaterThan(4 * 365 * 24 * 3600 * 1000);
    }
    expect(new X509Certificate(keys.platformCertPem).subject).toContain('CN=Tenpay.com Root CA');
    const publicOf = (pem: string): string => createPublicKey(pem).export({ type: 'spki', format: 'pem' }) as string;
    expect(publicOf(keys.publicKeyPrivateKeyPem)).toBe(publicOf(keys.publicKeyPem));
    expect(publicOf(keys.publicKeyPem)).not.toBe(publicOf(keys.platformCertPem)); // two distinct WeChat Pay keys
  });

  it('ends with one set of keys when several sandboxes start on an empty folder at once', async () => {
    const all = await Promise.all([1, 2, 3].map(() => loadOrCreatePayKeys(dir)));

    expect(all[1]).toEqual(all[0]);
    expect(all[2]).toEqual(all[0]);
    expect(await readdir(dir)).toEqual(['pay-keys.json']);
  });
});
