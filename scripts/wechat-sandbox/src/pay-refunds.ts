import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { chinaTime } from './pay-crypto';
import { paramError, PayError, payRoute, type PayCall, type PayContext } from './pay-http';
import { canonicalJson, type PayOrder, type PayRefund } from './pay-state';
import { notifyUrlOf } from './pay-transactions';

/** At most 50 partial refunds per order (§H.7). */
const MAX_REFUNDS_PER_ORDER = 50;

/** e.g. 50000000382019052709732678859: 29 digits with the China date inside. */
function newRefundId(at: number): string {
  let random = '';
  for (let i = 0; i < 18; i += 1) random += String(randomInt(10));
  return `503${random.slice(0, 8)}${chinaTime(at).slice(0, 10).replace(/-/g, '')}${random.slice(8)}`;
}

/** The Refund object that create and query answer (§H.7). */
export function refundJson(order: PayOrder, refund: PayRefund): Record<string, unknown> {
  return {
    refund_id: refund.refund_id,
    out_refund_no: refund.out_refund_no,
    transaction_id: order.paid?.transaction_id,
    out_trade_no: order.out_trade_no,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.success_time !== null && { success_time: refund.success_time }),
    create_time: refund.create_time,
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: refund.amount.total,
      refund: refund.amount.refund,
      from: [],
      payer_total: refund.amount.total,
      payer_refund: refund.amount.refund,
      settlement_refund: refund.amount.refund,
      settlement_total: refund.amount.total,
      discount_refund: 0,
      currency: refund.amount.currency,
    },
    promotion_detail: [],
  };
}

/** The plaintext of a REFUND.SUCCESS notification (§H.7). */
function refundNotificationJson(order: PayOrder, refund: PayRefund): Record<string, unknown> {
  return {
    mchid: order.mchid,
    transaction_id: order.paid?.transaction_id,
    out_trade_no: order.out_trade_no,
    refund_id: refund.refund_id,
    out_refund_no: refund.out_refund_no,
    refund_status: refund.status,
    success_time: refund.success_time,
    user_received_account: '支付用户零钱',
    amount: { total: refund.amount.total, refund: refund.amount.refund, payer_total: refund.amount.total, payer_refund: refund.amount.refund },
  };
}

function orderToRefund(context: PayContext, body: Record<string, unknown>): PayOrder {
  const ledger = context.state.pay;
  let order: PayOrder | undefined;
  if (typeof body.transaction_id === 'string' && body.transaction_id !== '') order = ledger.orderByTransactionId(body.transaction_id);
  else if (typeof body.out_trade_no === 'string' && body.out_trade_no !== '') order = ledger.orders.get(body.out_trade_no);
  else throw paramError('/out_trade_no', 'transaction_id or out_trade_no is required');
  // An unknown or unpaid order is the same error (§H.7).
  if (!order?.paid) throw new PayError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
  return order;
}

function parseAmount(body: Record<string, unknown>): PayRefund['amount'] {
  const amount = body.amount as { refund?: unknown; total?: unknown; currency?: unknown } | undefined;
  if (typeof amount !== 'object' || amount === null) throw paramError('/amount', 'amount is required: {refund, total, currency}', amount);
  for (const field of ['refund', 'total'] as const) {
    const value = amount[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw paramError(`/amount/${field}`, `${field} must be a positive integer (fen)`, value);
  }
  if (amount.currency !== 'CNY') throw paramError('/amount/currency', 'currency is required and must be CNY', amount.currency);
  return { refund: amount.refund as number, total: amount.total as number, currency: 'CNY' };
}

/** Refunds stay PROCESSING for a while, then succeed and notify (§H.7). */
function settleLater(context: PayContext, order: PayOrder, refund: PayRefund): void {
  context.notifier.later(context.notifier.settings.refundSeconds, () => {
    const now = context.state.now();
    refund.status = 'SUCCESS';
    refund.success_time = chinaTime(now);
    const url = refund.notify_url ?? context.notifier.settings.notifyUrl;
    // Without a notify_url, WeChat Pay uses the one configured on the merchant platform (if any).
    if (!url) return;
    refund.notifications.push(
      context.notifier.send({ url, eventType: 'REFUND.SUCCESS', summary: '退款成功', originalType: 'refund', plaintext: refundNotificationJson(order, refund) }),
    );
  });
}

/**
 * `POST /v3/refund/domestic/refunds` (§H.7). The same out_refund_no with the same request answers
 * the refund as it is now (retry-safe); with a different one it is INVALID_REQUEST. The sum of an
 * order's refunds never exceeds what was paid.
 */
function createRefund(context: PayContext, { body }: PayCall): { status: 200; json: object } {
  const outRefundNo = body.out_refund_no;
  if (typeof outRefundNo !== 'string' || !/^[0-9A-Za-z_\-|*@]{1,64}$/.test(outRefundNo)) {
    throw paramError('/out_refund_no', 'out_refund_no is required: 1-64 of [0-9A-Za-z_-|*@]', outRefundNo);
  }
  const order = orderToRefund(context, body);
  const amount = parseAmount(body);
  const notifyUrl = body.notify_url === undefined ? null : notifyUrlOf(body.notify_url, 'notify_url');
  const reason = body.reason === undefined ? null : String(body.reason).slice(0, 80);
  const request = canonicalJson(body);
  const ledger = context.state.pay;
  const known = ledger.refunds.get(outRefundNo);
  if (known !== undefined) {
    const refund = ledger.orders.get(known)?.refunds.find((item) => item.out_refund_no === outRefundNo);
    if (!refund || refund.request !== request) throw new PayError(400, 'INVALID_REQUEST', '请求重入时，参数与首次请求时不一致');
    return { status: 200, json: refundJson(order, refund) };
  }
  if (amount.total !== order.amount.total) throw paramError('/amount/total', `total must be the order's amount, ${order.amount.total}`, amount.total);
  const refunded = order.refunds.reduce((sum, item) => sum + item.amount.refund, 0);
  if (amount.refund > order.amount.total - refunded) throw new PayError(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
  if (order.refunds.length >= MAX_REFUNDS_PER_ORDER) throw new PayError(400, 'INVALID_REQUEST', '退款次数超过限制');
  const now = context.state.now();
  const refund: PayRefund = {
    refund_id: newRefundId(now),
    out_refund_no: outRefundNo,
    reason,
    notify_url: notifyUrl,
    amount,
    status: 'PROCESSING',
    create_time: chinaTime(now),
    success_time: null,
    request,
    notifications: [],
  };
  order.refunds.push(refund);
  ledger.refunds.set(outRefundNo, order.out_trade_no);
  settleLater(context, order, refund);
  return { status: 200, json: refundJson(order, refund) };
}

export function registerRefundRoutes(scope: FastifyInstance, context: PayContext): void {
  payRoute(scope, context, 'POST', '/v3/refund/domestic/refunds', (call) => createRefund(context, call));

  payRoute(scope, context, 'GET', '/v3/refund/domestic/refunds/:out_refund_no', (call) => {
    const { out_refund_no: outRefundNo } = call.request.params as { out_refund_no: string };
    const order = context.state.pay.orders.get(context.state.pay.refunds.get(outRefundNo) ?? '');
    const refund = order?.refunds.find((item) => item.out_refund_no === outRefundNo);
    if (!order || !refund) throw new PayError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    return { status: 200, json: refundJson(order, refund) };
  });
}
