/** What the sandbox's WeChat Pay remembers (§H), per mchid — there is one merchant per sandbox. */

/** JSAPI orders: NOTPAY → SUCCESS | CLOSED, SUCCESS → REFUND once a refund is made (§H.5). */
export type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';

/** How the next notifications are delivered (`POST /__sandbox/faults {notify}`). */
export const NOTIFY_MODES = ['normal', 'drop', 'duplicate', 'delay', 'signtest'] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

export interface NotifyFault {
  notify: NotifyMode;
  /** How many more notifications (a payment's or a refund's) it applies to. */
  remaining: number;
  /** `delay` only: how long (WeChat time, compressed by the time scale) before the first attempt. */
  delaySeconds: number;
}

export interface DeliveryAttempt {
  /** 1.. : the copy of a duplicated notification this attempt belongs to. */
  copy: number;
  /** 1.. : the attempt of this copy (the first retry is attempt 2). */
  attempt: number;
  at: string;
  /** `signtest`: a `WECHATPAY/SIGNTEST/` probe the merchant must reject. */
  signature: 'genuine' | 'signtest';
  /** The merchant's HTTP status, or null when it timed out or could not be reached. */
  status: number | null;
  error?: string;
}

export interface NotificationLog {
  id: string;
  event_type: 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS';
  url: string;
  mode: NotifyMode;
  /** True once a genuine copy was answered 2xx: WeChat Pay stops retrying it. */
  acknowledged: boolean;
  attempts: DeliveryAttempt[];
}

export interface PayRefund {
  refund_id: string;
  out_refund_no: string;
  reason: string | null;
  notify_url: string | null;
  amount: { refund: number; total: number; currency: string };
  status: 'PROCESSING' | 'SUCCESS';
  create_time: string;
  success_time: string | null;
  /** The request, canonical: a retry with the same out_refund_no must ask for the same refund. */
  request: string;
  notifications: NotificationLog[];
}

export interface ShippingUpload {
  at: string;
  logistics_type: number;
  delivery_mode: number;
  shipping_list: unknown;
  upload_time: unknown;
}

export interface PayOrder {
  appid: string;
  mchid: string;
  out_trade_no: string;
  description: string;
  attach: string | null;
  notify_url: string;
  amount: { total: number; currency: string };
  payer: { openid: string };
  /** The jsapi body, canonical and without time_expire: re-entry must repeat it exactly (§H.3). */
  request: string;
  prepay_id: string;
  /** A prepay_id lives 2 hours; re-entry after that mints a new one. */
  prepayExpiresAt: number;
  createdAt: number;
  /** Unpaid orders close by themselves at time_expire (default 7 days). */
  expiresAt: number;
  paid: { transaction_id: string; success_time: string } | null;
  closedAt: number | null;
  refunds: PayRefund[];
  notifications: NotificationLog[];
  shipping: ShippingUpload[];
}

export class PayLedger {
  orders = new Map<string, PayOrder>();
  /** Every prepay_id minted: its order and when its 2 hours are over. */
  prepays = new Map<string, { out_trade_no: string; expiresAt: number }>();
  /** out_refund_no → out_trade_no */
  refunds = new Map<string, string>();
  notifyFault: NotifyFault | null = null;

  reset(): void {
    this.orders = new Map();
    this.prepays = new Map();
    this.refunds = new Map();
    this.notifyFault = null;
  }

  orderByTransactionId(transactionId: string): PayOrder | undefined {
    return [...this.orders.values()].find((order) => order.paid?.transaction_id === transactionId);
  }

  /** Spends one notification of the pending notify fault: how this notification is delivered. */
  takeNotifyMode(): { mode: NotifyMode; delaySeconds: number } {
    const fault = this.notifyFault;
    if (!fault) return { mode: 'normal', delaySeconds: 0 };
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.notifyFault = null;
    return { mode: fault.notify, delaySeconds: fault.delaySeconds };
  }
}

export function tradeState(order: PayOrder, now: number): TradeState {
  if (order.paid) return order.refunds.length > 0 ? 'REFUND' : 'SUCCESS';
  if (order.closedAt !== null || now >= order.expiresAt) return 'CLOSED';
  return 'NOTPAY';
}

/** JSON with sorted keys, so that two requests with the same fields compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
