import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { maskPhone } from '@wemember/shared';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/**
 * Phone numbers (and session keys) are personal data: stored as AES-256-GCM ciphertext, found
 * through a keyed hash, shown masked. The hash key is derived from the PII key, so one secret
 * protects both.
 */
@Injectable()
export class PhoneVault {
  private readonly encryptionKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.encryptionKey = createHmac('sha256', config.secrets.pii).update('encrypt').digest();
    this.indexKey = createHmac('sha256', config.secrets.pii).update('index').digest();
  }

  hash(phone: string): string {
    return createHmac('sha256', this.indexKey).update(phone).digest('hex');
  }

  mask(phone: string): string {
    return maskPhone(phone);
  }

  /** v1.iv.ciphertext.tag, base64url parts. */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== 'v1') throw new Error('unknown ciphertext version');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
