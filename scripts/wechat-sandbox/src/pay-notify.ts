import { randomBytes, randomUUID } from 'node:crypto';
import { postOnce } from './http-post';
import { AUTH_SCHEME, chinaTime, encryptResource, signatureHeaders, SIGNTEST_PREFIX, type SigningKey } from './pay-crypto';
import type { PayKeys } from './pay-keys';
import type { DeliveryAttempt, NotificationLog, NotifyMode, PayLedger } from './pay-state';

/**
 * When WeChat Pay retries a notification the merchant did not acknowledge with 2xx in 5 s: after
 * 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h — 24h4m in all (§H.8).
 */
export const RETRY_SCHEDULE_SECONDS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600];
/** How many copies a `duplicate` fault delivers at once (WeChat may use a second link, §H.8). */
export const DUPLICATE_COPIES = 3;

/** Which key WeChat Pay signs with (§H.2): its platform certificate, or its public key (`PUB_KEY_ID_…`). */
export type Verification = 'certificate' | 'public_key';

export interface PaySettings {
  verification: Verification;
  /** The notify URL configured on the merchant platform: where refund notifications go without a notify_url. */
  notifyUrl: string | null;
  /** Multiplies every WeChat Pay delay (retries, refund processing, `delay` faults): 0.001 in tests. */
  timeScale: number;
  /** How long one delivery waits for the merchant's answer (5 s, not scaled). */
  notifyTimeoutMs: number;
  /** How long a refund stays PROCESSING, in WeChat time. */
  refundSeconds: number;
}

export interface Notification {
  url: string;
  eventType: NotificationLog['event_type'];
  summary: string;
  /** `transaction` or `refund`: resource.original_type and the AES associated data. */
  originalType: 'transaction' | 'refund';
  plaintext: object;
}

/** Signs, encrypts and delivers payment / refund notifications, and runs WeChat Pay's timers. */
export class PayNotifier {
  private readonly cancel = new AbortController();

  constructor(
    private readonly keys: PayKeys,
    readonly settings: PaySettings,
    private readonly ledger: PayLedger,
    private readonly now: () => number,
  ) {}

  /** The key WeChat Pay signs with in a verification mode (default: the sandbox's current one). */
  signingKey(verification: Verification = this.settings.verification): SigningKey {
    return verification === 'public_key'
      ? { serial: this.keys.publicKeyId, privateKeyPem: this.keys.publicKeyPrivateKeyPem }
      : { serial: this.keys.platformSerialNo, privateKeyPem: this.keys.platformPrivateKeyPem };
  }

  /** Runs `task` after `seconds` of WeChat time, compressed by the time scale; never after close(). */
  later(seconds: number, task: () => void): void {
    void this.wait(seconds).then((due) => {
      if (due) task();
    });
  }

  /**
   * Starts delivering a notification as the pending notify fault says, and returns its log (which
   * fills in as attempts are made). The body is built once: copies and retries carry the same
   * `id` and ciphertext, each attempt freshly signed.
   */
  send(notification: Notification): NotificationLog {
    const { mode, delaySeconds } = this.ledger.takeNotifyMode();
    const id = randomUUID();
    const log: NotificationLog = { id, event_type: notification.eventType, url: notification.url, mode, acknowledged: false, attempts: [] };
    if (mode === 'drop') return log;
    const body = JSON.stringify({
      id,
      create_time: chinaTime(this.now()),
      resource_type: 'encrypt-resource',
      event_type: notification.eventType,
      summary: notification.summary,
      resource: {
        original_type: notification.originalType,
        ...encryptResource(this.keys.apiV3Key, JSON.stringify(notification.plaintext), notification.originalType),
      },
    });
    const copies = mode === 'duplicate' ? DUPLICATE_COPIES : 1;
    for (let copy = 1; copy <= copies; copy += 1) {
      void this.deliverCopy(log, body, copy, mode, mode === 'delay' ? delaySeconds : 0);
    }
    return log;
  }

  close(): void {
    this.cancel.abort();
  }

  private async deliverCopy(log: NotificationLog, body: string, copy: number, mode: NotifyMode, delaySeconds: number): Promise<void> {
    if (!(await this.wait(delaySeconds))) return;
    if (mode === 'signtest' && copy === 1) await this.attempt(log, body, copy, 1, 'signtest');
    for (let attempt = 1; ; attempt += 1) {
      if (await this.attempt(log, body, copy, attempt, 'genuine')) {
        log.acknowledged = true;
        return;
      }
      const pause = RETRY_SCHEDULE_SECONDS[attempt - 1];
      if (pause === undefined || !(await this.wait(pause))) return;
    }
  }

  /** One POST; true when the merchant answered 2xx (200 or 204, whatever the body says, §H.8). */
  private async attempt(log: NotificationLog, body: string, copy: number, attempt: number, signature: DeliveryAttempt['signature']): Promise<boolean> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Mozilla/4.0',
      'wechatpay-signature-type': AUTH_SCHEME,
      ...signatureHeaders(this.signingKey(), Math.floor(this.now() / 1000), body),
    };
    if (signature === 'signtest') headers['Wechatpay-Signature'] = SIGNTEST_PREFIX + randomBytes(256).toString('base64');
    const record: DeliveryAttempt = { copy, attempt, at: new Date(this.now()).toISOString(), signature, status: null };
    log.attempts.push(record);
    try {
      record.status = (await postOnce(new URL(log.url), body, headers, this.settings.notifyTimeoutMs, this.cancel.signal)).status;
    } catch (error) {
      record.error = (error as Error).message;
    }
    return record.status !== null && record.status >= 200 && record.status < 300;
  }

  /** Resolves true after `seconds` of compressed WeChat time, false if the sandbox closes first. */
  private wait(seconds: number): Promise<boolean> {
    const signal = this.cancel.signal;
    if (signal.aborted) return Promise.resolve(false);
    if (seconds <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const stop = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', stop);
        resolve(true);
      }, seconds * 1000 * this.settings.timeScale);
      signal.addEventListener('abort', stop, { once: true });
    });
  }
}
