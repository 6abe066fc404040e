import { randomBytes, X509Certificate } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PayParams } from '@wemember/shared';
import Pay from 'wechatpay-node-v3';
import type { Output } from 'wechatpay-node-v3/dist/lib/interface-v2';
import { PayRequest } from 'wechatpay-node-v3/dist/lib/pay-request';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, AppConfig, PayMerchant } from '../config/app-config';
import { decryptResource, freshTimestamp, sameSerial, signatureHeaders, SIGNTEST_PREFIX, verifiesBody, type EncryptedResource, type PaySignatureHeaders } from './pay-crypto';

const WECHATPAY_HOST = 'https://api.mch.weixin.qq.com';
const CERTIFICATE_DOWNLOAD_GAP_MS = 60_000;

/** A payment as WeChat Pay reports it (query answers and TRANSACTION.SUCCESS notifications). */
export interface PayTransaction {
  appid?: string;
  mchid?: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_state: 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR' | string;
  success_time?: string;
  payer?: { openid?: string };
  amount?: { total?: number; payer_total?: number; currency?: string };
}

/** A refund as WeChat Pay reports it (the refund API, its query, and REFUND.* notifications). */
export interface PayRefund {
  refund_id?: string;
  out_refund_no: string;
  out_trade_no?: string;
  /** `status` in answers, `refund_status` in notifications. */
  status?: 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL' | string;
  refund_status?: string;
  success_time?: string;
  mchid?: string;
  amount?: { total?: number; refund?: number };
}

/** The merchant as the client uses it: keys, and where notifications go. */
interface Merchant extends PayMerchant {
  notifyUrl: string | null;
}

/** Thrown inside the request class when the answer cannot be trusted or did not come: WECHAT_PAY_UNAVAILABLE. */
class PayUnavailable extends DomainError {
  constructor(readonly why: string) {
    super('WECHAT_PAY_UNAVAILABLE');
  }
}

/**
 * wechatpay-node-v3 signs every request at `now` from the server's Clock (the library reads
 * Date.now, which tests cannot move together with the sandbox's clock) and with the serial given
 * explicitly (the library's own reading of the certificate is lowercase with a leading 00).
 */
class ClockedPay extends Pay {
  constructor(
    options: ConstructorParameters<typeof Pay>[0] & object,
    private readonly clock: Clock,
  ) {
    super(options as never);
  }

  protected override buildAuthorization(method: string, url: string, params?: Record<string, any>): string {
    const nonce = randomBytes(16).toString('hex');
    const timestamp = String(Math.floor(this.clock.nowMs() / 1000));
    const signature = this.getSignature(method, nonce, timestamp, url.replace(WECHATPAY_HOST, ''), params);
    return this.getAuthorization(nonce, timestamp, signature);
  }

  /**
   * GET /v3/certificates through the same transport (so it is verified and redirected too); the
   * library's own get_certificates decrypts without checking the GCM tag.
   */
  certificates(): Promise<Output> {
    const url = `${WECHATPAY_HOST}/v3/certificates`;
    return this.httpService.get(url, this.getHeaders(this.buildAuthorization('GET', url)));
  }

  /** The merchant key's RSA-SHA256 signature, for the requestPayment parameters. */
  signText(text: string): string {
    return this.sign(text);
  }
}

/**
 * The library's documented transport hook (`createHttp`), pointed at WECHAT_PAY_BASE. It also does
 * what the library never does: checks every answer's Wechatpay-* signature over the raw body and
 * its timestamp (±5 min) before the answer is believed. A network failure, a timeout, a 5xx or an
 * answer that does not verify is WECHAT_PAY_UNAVAILABLE; a 4xx comes back as the library's
 * `{status, error}` for the caller to read.
 */
class VerifiedPayRequest extends PayRequest {
  constructor(
    private readonly client: WechatPayClient,
    private readonly base: string,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  override post(url: string, params: Record<string, any>, headers: Record<string, any>): Promise<Output> {
    return this.send('POST', url, headers, JSON.stringify(params));
  }

  override get(url: string, headers: Record<string, any>): Promise<Output> {
    return this.send('GET', url, headers);
  }

  private async send(method: 'GET' | 'POST', url: string, headers: Record<string, any>, body?: string): Promise<Output> {
    const { 'Accept-Encoding': _gzip, ...sent } = headers;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url.replace(WECHATPAY_HOST, this.base), { method, headers: sent, body, signal: AbortSignal.timeout(this.timeoutMs) });
      text = await response.text();
    } catch (error) {
      throw new PayUnavailable(`${method} ${new URL(url).pathname}: ${(error as Error).message}`);
    }
    const path = new URL(url).pathname;
    if (response.status >= 500) throw new PayUnavailable(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
    const signed = signatureHeaders((n) => response.headers.get(n) ?? undefined);
    if (!signed) throw new PayUnavailable(`${method} ${path}: answer without Wechatpay signature headers`);
    const problem = await this.client.checkSignature(signed, text, path === '/v3/certificates' ? text : null);
    if (problem) throw new PayUnavailable(`${method} ${path}: ${problem}`);
    const data = text ? (JSON.parse(text) as Record<string, any>) : undefined;
    if (response.status >= 400) return { status: response.status, error: text, errRaw: data } as Output;
    return { status: response.status, data } as Output;
  }
}

/**
 * WeChat Pay API v3 for recharges (docs/wechat.md §H): JSAPI prepay and the requestPayment
 * parameters, query, close, refund and refund query, and the verification of notifications.
 *
 * The merchant's keys come from the settings; in development and tests, from the sandbox's
 * GET /__sandbox/merchant. Answers and notifications are verified with the platform certificate
 * named by their serial (downloaded from /v3/certificates, decrypted with the APIv3 key, kept) or
 * with the WeChat Pay public key (PUB_KEY_ID_…).
 */
@Injectable()
export class WechatPayClient {
  private readonly logger = new Logger('WechatPayClient');
  private merchant?: Promise<Merchant>;
  private pay?: ClockedPay;
  /** Platform certificates' public keys by serial, as downloaded. */
  private readonly platformKeys = new Map<string, string>();
  private downloading?: Promise<void>;
  private downloadedAt = -Infinity;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  get appid(): string {
    return this.config.wechat.appid;
  }

  /** The merchant number and the APIv3 key (for notifications). */
  async settings(): Promise<Merchant> {
    const merchant = await this.loadMerchant();
    if (merchant.notifyUrl || this.config.pay.merchant) return merchant;
    // Development: the sandbox merchant's notify URL may be set after the first look.
    this.merchant = undefined;
    return this.loadMerchant();
  }

  /** JSAPI prepay (§H.4) and the wx.requestPayment parameters signed with the merchant key. */
  async prepay(order: { outTradeNo: string; description: string; totalFen: number; openid: string; expiresAt: Date }): Promise<{ prepayId: string; payParams: PayParams }> {
    const merchant = await this.settings();
    if (!merchant.notifyUrl) throw new PayUnavailable('no notify URL: set WECHAT_PAY_NOTIFY_URL');
    const pay = await this.client();
    const result = await pay.transactions_jsapi({
      description: order.description,
      out_trade_no: order.outTradeNo,
      notify_url: merchant.notifyUrl,
      time_expire: rfc3339China(order.expiresAt),
      amount: { total: order.totalFen, currency: 'CNY' },
      payer: { openid: order.openid },
    } as never);
    const prepayId = result.status === 200 ? String((result.data as { package?: string })?.package ?? '').replace('prepay_id=', '') : '';
    if (!prepayId) throw this.refused('prepay', result);
    const timeStamp = String(Math.floor(this.clock.nowMs() / 1000));
    const nonceStr = randomBytes(16).toString('hex');
    const pkg = `prepay_id=${prepayId}`;
    const paySign = pay.signText(`${this.appid}\n${timeStamp}\n${nonceStr}\n${pkg}\n`);
    return { prepayId, payParams: { timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign } };
  }

  /** The order at WeChat Pay; null when it has never heard of it (ORDER_NOT_EXIST). */
  async query(outTradeNo: string): Promise<PayTransaction | null> {
    const result = await (await this.client()).query({ out_trade_no: outTradeNo });
    if (result.status === 200) return result.data as PayTransaction;
    if (result.status === 404) return null;
    throw this.refused('query', result);
  }

  /** Closes an unpaid order; 'paid' when WeChat Pay says it was paid meanwhile. */
  async close(outTradeNo: string): Promise<'closed' | 'paid'> {
    const result = await (await this.client()).close(outTradeNo);
    if (result.status === 204 || result.status === 200) return 'closed';
    const code = errorCode(result);
    if (code === 'ORDER_CLOSED') return 'closed';
    if (code === 'ORDERPAID') return 'paid';
    throw this.refused('close', result);
  }

  /** Refunds (§H.6) with a stable out_refund_no: asked twice, WeChat Pay refunds once and answers the same refund. */
  async refund(request: { outTradeNo: string; outRefundNo: string; refundFen: number; totalFen: number; reason: string }): Promise<PayRefund> {
    const merchant = await this.settings();
    const result = await (await this.client()).refunds({
      out_trade_no: request.outTradeNo,
      out_refund_no: request.outRefundNo,
      reason: request.reason.slice(0, 80),
      ...(merchant.notifyUrl && { notify_url: merchant.notifyUrl }),
      amount: { refund: request.refundFen, total: request.totalFen, currency: 'CNY' },
    } as never);
    if (result.status === 200) return result.data as unknown as PayRefund;
    throw this.refused('refund', result as unknown as Output);
  }

  /** The refund at WeChat Pay; null when unknown (RESOURCE_NOT_EXISTS: the refund call never arrived). */
  async queryRefund(outRefundNo: string): Promise<PayRefund | null> {
    const result = (await (await this.client()).find_refunds(outRefundNo)) as unknown as Output;
    if (result.status === 200) return result.data as unknown as PayRefund;
    if (result.status === 404) return null;
    throw this.refused('refund query', result);
  }

  /**
   * Checks a notification's (or answer's) signature: SIGNTEST probes, a timestamp off by more than 5
   * minutes, an unknown serial or a signature that does not verify are refused. Returns the reason,
   * or null when it verifies. `certificates` is the body of /v3/certificates itself, whose signing
   * certificate is inside it.
   */
  async checkSignature(headers: PaySignatureHeaders, rawBody: string, certificates: string | null = null): Promise<string | null> {
    if (headers.signature.startsWith(SIGNTEST_PREFIX)) return 'signtest probe';
    if (!freshTimestamp(headers.timestamp, this.clock.nowMs())) return `timestamp ${headers.timestamp} is not within 5 minutes`;
    // The certificates' own answer is signed by a certificate inside it (or by the public key).
    const inside = certificates === null ? null : this.keysIn(certificates, await this.settings());
    const key = inside && !headers.serial.startsWith('PUB_KEY_ID_') ? inside.get(headers.serial.toUpperCase()) : await this.keyFor(headers.serial);
    if (!key) return `unknown serial ${headers.serial}`;
    if (!verifiesBody(headers, rawBody, key)) return 'signature does not verify';
    // Certificates are kept only from an answer that verified.
    for (const [serial, found] of inside ?? []) this.platformKeys.set(serial, found);
    return null;
  }

  /** Opens a notification's resource with the APIv3 key (tag checked); null when it does not open. */
  async decrypt(resource: EncryptedResource): Promise<string | null> {
    return decryptResource((await this.settings()).apiV3Key, resource);
  }

  private async keyFor(serial: string): Promise<string | null> {
    const merchant = await this.settings();
    if (serial.startsWith('PUB_KEY_ID_')) return merchant.publicKey && merchant.publicKey.id === serial ? merchant.publicKey.pem : null;
    const known = [...this.platformKeys].find(([s]) => sameSerial(s, serial));
    if (known) return known[1];
    // A serial not seen yet: WeChat Pay rotated its certificate (or this is the first answer). At most
    // one download a minute, so notifications naming made-up serials cannot make us call WeChat Pay.
    if (!this.downloading && this.clock.nowMs() - this.downloadedAt < CERTIFICATE_DOWNLOAD_GAP_MS) return null;
    this.downloading ??= this.downloadCertificates().finally(() => {
      this.downloading = undefined;
      this.downloadedAt = this.clock.nowMs();
    });
    await this.downloading;
    return [...this.platformKeys].find(([s]) => sameSerial(s, serial))?.[1] ?? null;
  }

  private async downloadCertificates(): Promise<void> {
    // The transport verifies the answer with a certificate inside it and keeps the keys (keysIn).
    const result = await (await this.client()).certificates();
    if (result.status !== 200) throw this.refused('certificates', result);
  }

  /** The platform certificates in a /v3/certificates body, decrypted (tag checked) and their serials compared; serial → public key. */
  private keysIn(body: string, merchant: Merchant): Map<string, string> {
    const found = new Map<string, string>();
    let items: Array<{ serial_no: string; encrypt_certificate: EncryptedResource }> = [];
    try {
      items = (JSON.parse(body) as { data?: typeof items }).data ?? [];
    } catch {
      return found;
    }
    for (const item of items) {
      const pem = decryptResource(merchant.apiV3Key, item.encrypt_certificate);
      if (!pem) continue;
      try {
        const cert = new X509Certificate(pem);
        if (!sameSerial(cert.serialNumber, item.serial_no)) continue;
        const key = cert.publicKey.export({ type: 'spki', format: 'pem' }) as string;
        found.set(item.serial_no.toUpperCase(), key);
      } catch {
        continue;
      }
    }
    return found;
  }

  private async client(): Promise<ClockedPay> {
    if (this.pay) return this.pay;
    const merchant = await this.loadMerchant();
    const pay = new ClockedPay(
      {
        appid: this.appid,
        mchid: merchant.mchid,
        serial_no: merchant.serialNo,
        publicKey: Buffer.from(merchant.certPem),
        privateKey: Buffer.from(merchant.privateKeyPem),
        key: merchant.apiV3Key,
      },
      this.clock,
    );
    pay.createHttp(new VerifiedPayRequest(this, this.config.pay.base, this.config.wechat.timeoutMs));
    this.pay = pay;
    return pay;
  }

  private loadMerchant(): Promise<Merchant> {
    this.merchant ??= this.readMerchant().catch((error: unknown) => {
      this.merchant = undefined;
      throw error;
    });
    return this.merchant;
  }

  private async readMerchant(): Promise<Merchant> {
    const { merchant, sandboxUrl, notifyUrl } = this.config.pay;
    if (merchant) return { ...merchant, notifyUrl };
    let answer: Record<string, any>;
    try {
      const response = await fetch(`${sandboxUrl}/__sandbox/merchant`, { signal: AbortSignal.timeout(this.config.wechat.timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      answer = (await response.json()) as Record<string, any>;
    } catch (error) {
      throw new PayUnavailable(`the sandbox's merchant settings: ${(error as Error).message}`);
    }
    return {
      mchid: String(answer.mchid),
      serialNo: String(answer.merchantSerialNo),
      privateKeyPem: String(answer.merchantPrivateKeyPem),
      certPem: String(answer.merchantCertPem),
      apiV3Key: String(answer.apiV3Key),
      publicKey: answer.publicKeyId ? { id: String(answer.publicKeyId), pem: String(answer.publicKeyPem) } : null,
      notifyUrl: notifyUrl ?? (answer.notifyUrl ? String(answer.notifyUrl) : null),
    };
  }

  /** A 4xx WeChat Pay gave: logged with its code, and to the caller WeChat Pay being unavailable. */
  private refused(what: string, result: Output): DomainError {
    this.logger.warn(`WeChat Pay ${what} refused: HTTP ${result.status} ${String(result.error ?? '').slice(0, 300)}`);
    return new DomainError('WECHAT_PAY_UNAVAILABLE');
  }
}

export function errorCode(result: Output): string | null {
  const raw = (result as { errRaw?: { code?: unknown } }).errRaw;
  return typeof raw?.code === 'string' ? raw.code : null;
}

/** RFC 3339 in China time, as WeChat Pay writes it: 2026-11-29T20:05:00+08:00. */
export function rfc3339China(at: Date): string {
  const local = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
  return `${local}+08:00`;
}

export { PayUnavailable };
