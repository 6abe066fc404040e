import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { dbTime } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { signatureHeaders } from '../wechat-pay/pay-crypto';
import { WechatPayClient, type PayRefund, type PayTransaction } from '../wechat-pay/wechat-pay.client';
import { orderByNo } from './recharge-order-rows';
import { RechargeOrders } from './recharge-orders';
import { RechargeRefunds } from './recharge-refunds';

interface Envelope {
  id?: unknown;
  event_type?: unknown;
  resource_type?: unknown;
  resource?: { algorithm?: unknown; ciphertext?: unknown; associated_data?: unknown; nonce?: unknown; original_type?: unknown };
}

/** What one notification came to, as recorded in pay_notifications. */
interface Handled {
  eventId: string;
  eventType: string;
  outTradeNo: string | null;
  outRefundNo: string | null;
  outcome: string;
}

/**
 * POST /api/wechat/pay/notify (docs/wechat.md §H.8). In this order, each failure refusing with
 * nothing changed: the signature over the raw body (SIGNTEST probes, timestamps more than 5 minutes
 * off, unknown serials and bad signatures → 401), the envelope, the resource decrypted with the GCM
 * tag checked, then the content against our order (mchid, appid, out_trade_no, amount). Only then
 * the credit (or the refund's end), and 204 after it committed. WeChat Pay retries anything else, so
 * a notification refused for a transient reason comes back. Every signed one is recorded with its
 * outcome; unsigned or forged posts are only logged, so junk cannot grow the table.
 */
@Injectable()
export class PayNotifications {
  private readonly logger = new Logger('PayNotifications');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly pay: WechatPayClient,
    private readonly orders: RechargeOrders,
    private readonly refunds: RechargeRefunds,
    private readonly clock: Clock,
  ) {}

  async receive(headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<void> {
    const header = (name: string) => {
      const v = headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const signed = signatureHeaders(header);
    let envelope: Envelope = {};
    try {
      const parsed: unknown = JSON.parse(rawBody);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) envelope = parsed as Envelope;
    } catch {
      /* recorded below as unreadable, after the signature says whether it is WeChat Pay's */
    }
    const base = { eventId: str(envelope.id).slice(0, 64) || '-', eventType: str(envelope.event_type).slice(0, 40) || '-', outTradeNo: null, outRefundNo: null };
    const problem = signed ? await this.pay.checkSignature(signed, rawBody) : 'no Wechatpay signature headers';
    if (problem) {
      // Logged, not stored: anyone can post here, and only what WeChat Pay signed earns a row.
      this.logger.warn(`pay notification refused: ${problem}`);
      throw new DomainError('PAY_SIGNATURE_INVALID');
    }
    const resource = envelope.resource;
    if (!resource || typeof resource !== 'object' || typeof resource.ciphertext !== 'string' || typeof resource.nonce !== 'string' || resource.algorithm !== 'AEAD_AES_256_GCM') {
      return this.refuse({ ...base, outcome: 'rejected:envelope' }, 'resource');
    }
    const plain = await this.pay.decrypt({ ciphertext: resource.ciphertext, nonce: resource.nonce, associated_data: str(resource.associated_data) });
    if (plain === null) return this.refuse({ ...base, outcome: 'rejected:decrypt' }, 'resource.ciphertext');
    let content: Record<string, unknown>;
    try {
      content = JSON.parse(plain) as Record<string, unknown>;
    } catch {
      return this.refuse({ ...base, outcome: 'rejected:content' }, 'resource');
    }
    if (base.eventType.startsWith('REFUND.')) return this.refund(base, content as unknown as PayRefund);
    if (base.eventType === 'TRANSACTION.SUCCESS') return this.payment(base, content as unknown as PayTransaction);
    await this.record({ ...base, outcome: 'ignored' });
  }

  private async payment(base: Omit<Handled, 'outcome'>, tx: PayTransaction): Promise<void> {
    const merchant = await this.pay.settings();
    const handled = { ...base, outTradeNo: str(tx.out_trade_no).slice(0, 32) || null };
    if (tx.mchid !== merchant.mchid) return this.refuse({ ...handled, outcome: 'rejected:mchid' }, 'mchid');
    if (tx.appid !== this.pay.appid) return this.refuse({ ...handled, outcome: 'rejected:appid' }, 'appid');
    const order = handled.outTradeNo ? await orderByNo(this.uow.reader, handled.outTradeNo) : null;
    if (!order) return this.refuse({ ...handled, outcome: 'rejected:unknown-order' }, 'out_trade_no');
    if (tx.amount?.total !== order.payFen) return this.refuse({ ...handled, outcome: 'rejected:amount' }, 'amount.total');
    if (tx.trade_state !== 'SUCCESS') return this.refuse({ ...handled, outcome: `rejected:${str(tx.trade_state).slice(0, 20)}` }, 'trade_state');
    const outcome = await this.orders.settle(order, tx);
    await this.record({ ...handled, outcome });
  }

  private async refund(base: Omit<Handled, 'outcome'>, refund: PayRefund): Promise<void> {
    const merchant = await this.pay.settings();
    const handled = { ...base, outTradeNo: str(refund.out_trade_no).slice(0, 32) || null, outRefundNo: str(refund.out_refund_no).slice(0, 64) || null };
    if (refund.mchid !== merchant.mchid) return this.refuse({ ...handled, outcome: 'rejected:mchid' }, 'mchid');
    const outcome = handled.outRefundNo ? await this.refunds.settle(handled.outRefundNo, refund) : 'unknown';
    if (outcome === 'unknown') return this.refuse({ ...handled, outcome: 'rejected:unknown-refund' }, 'out_refund_no');
    await this.record({ ...handled, outcome });
  }

  private async refuse(handled: Handled, field: string): Promise<never> {
    await this.record(handled);
    throw new DomainError('PAY_NOTIFY_INVALID', undefined, [{ field, message: handled.outcome }]);
  }

  private async record(h: Handled): Promise<void> {
    await this.uow.transaction((m) =>
      m.query('INSERT INTO pay_notifications (id, event_id, event_type, out_trade_no, out_refund_no, outcome, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        randomUUID(),
        h.eventId,
        h.eventType,
        h.outTradeNo,
        h.outRefundNo,
        h.outcome.slice(0, 64),
        dbTime(this.clock.now()),
      ]),
    );
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
