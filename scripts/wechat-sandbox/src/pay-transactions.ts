import { randomBytes, randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ControlError } from './errors';
import { chinaTime } from './pay-crypto';
import { paramError, PayError, payRoute, type PayCall, type PayContext } from './pay-http';
import { canonicalJson, tradeState, type PayOrder, type TradeState } from './pay-state';

/** A prepay_id can be paid for 2 hours (§H.3). */
const PREPAY_LIFETIME_MS = 2 * 3600 * 1000;
/** Unpaid orders without time_expire stay payable for 7 days (§H.3). */
const DEFAULT_PAYABLE_MS = 7 * 24 * 3600 * 1000;

const TRADE_STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  CLOSED: '订单已关闭',
  REFUND: '转入退款',
};

function digits(count: number): string {
  let text = '';
  for (let i = 0; i < count; i += 1) text += String(randomInt(10));
  return text;
}

/** `yyyyMMddHHmmss` in China time. */
function chinaStamp(at: number): string {
  return chinaTime(at).slice(0, 19).replace(/[-:T]/g, '');
}

/** e.g. wx201410272009395522657a690389285100 (§H.3). */
function newPrepayId(at: number): string {
  return `wx${chinaStamp(at)}${randomBytes(10).toString('hex')}`;
}

/** e.g. 4200002425202411013416118896: 28 digits with the China date in the middle. */
function newTransactionId(at: number): string {
  return `420000${digits(4)}${chinaStamp(at).slice(0, 8)}${digits(10)}`;
}

function orderNotFound(): PayError {
  return new PayError(404, 'ORDER_NOT_EXIST', '订单不存在');
}

/** The Transaction object that query answers and payment notifications carry (§H.5). */
export function transactionJson(order: PayOrder, now: number): Record<string, unknown> {
  const state = tradeState(order, now);
  const common = { appid: order.appid, mchid: order.mchid, out_trade_no: order.out_trade_no };
  if (!order.paid) {
    return { ...common, trade_state: state, trade_state_desc: TRADE_STATE_DESC[state], amount: { total: order.amount.total, payer_currency: 'CNY' }, promotion_detail: [] };
  }
  return {
    ...common,
    transaction_id: order.paid.transaction_id,
    trade_type: 'JSAPI',
    trade_state: state,
    trade_state_desc: TRADE_STATE_DESC[state],
    bank_type: 'OTHERS',
    ...(order.attach !== null && { attach: order.attach }),
    success_time: order.paid.success_time,
    payer: order.payer,
    amount: { total: order.amount.total, payer_total: order.amount.total, currency: order.amount.currency, payer_currency: 'CNY' },
    promotion_detail: [],
  };
}

// --- JSAPI prepay (§H.3) ---------------------------------------------------------------------

function requiredString(body: Record<string, unknown>, field: string, maxLength: number): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw paramError(`/${field}`, `${field} is required (a string)`, value);
  if (value.length > maxLength) throw paramError(`/${field}`, `${field} is longer than ${maxLength}`, value);
  return value;
}

function optionalString(body: Record<string, unknown>, field: string, maxLength: number): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > maxLength) throw paramError(`/${field}`, `${field} must be a string of at most ${maxLength}`, value);
  return value;
}

export function notifyUrlOf(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > 255) throw paramError(`/${field}`, `${field} is required: an http(s) URL of at most 255 characters`, value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw paramError(`/${field}`, `${field} is not a URL`, value);
  }
  // WeChat wants https (http only over a dedicated line); the sandbox delivers to http too.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw paramError(`/${field}`, `${field} must be http(s)`, value);
  if (url.search !== '') throw paramError(`/${field}`, `${field} must not carry a query string`, value);
  return value;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function parseOrder(context: PayContext, body: Record<string, unknown>): Omit<PayOrder, 'prepay_id' | 'prepayExpiresAt' | 'createdAt'> {
  const appid = requiredString(body, 'appid', 32);
  const mchid = requiredString(body, 'mchid', 32);
  if (mchid !== context.keys.mchid) throw paramError('/mchid', 'mchid is not the mchid of the Authorization header', mchid);
  if (!context.state.app(appid)) throw new PayError(400, 'APPID_MCHID_NOT_MATCH', 'AppID和mch_id不匹配');
  const description = requiredString(body, 'description', 127);
  const outTradeNo = requiredString(body, 'out_trade_no', 32);
  if (!/^[0-9A-Za-z_\-|*]{6,32}$/.test(outTradeNo)) throw paramError('/out_trade_no', 'out_trade_no must be 6-32 of [0-9A-Za-z_-|*]', outTradeNo);
  const attach = optionalString(body, 'attach', 128);
  const notifyUrl = notifyUrlOf(body.notify_url, 'notify_url');
  const amount = body.amount as { total?: unknown; currency?: unknown } | undefined;
  if (typeof amount !== 'object' || amount === null) throw paramError('/amount', 'amount is required: {total, currency}', amount);
  if (typeof amount.total !== 'number' || !Number.isSafeInteger(amount.total) || amount.total < 1) {
    throw paramError('/amount/total', 'total must be a positive integer (fen)', amount.total);
  }
  if (amount.currency !== undefined && amount.currency !== 'CNY') throw paramError('/amount/currency', 'currency must be CNY', amount.currency);
  const payer = body.payer as { openid?: unknown } | undefined;
  if (typeof payer?.openid !== 'string' || payer.openid === '') throw paramError('/payer/openid', 'JSAPI支付必须传openid', payer?.openid);
  const now = context.state.now();
  let expiresAt = now + DEFAULT_PAYABLE_MS;
  if (body.time_expire !== undefined) {
    if (typeof body.time_expire !== 'string' || !RFC3339.test(body.time_expire)) {
      throw paramError('/time_expire', 'time_expire must be RFC 3339, e.g. 2018-06-08T10:34:56+08:00', body.time_expire);
    }
    // Sooner than a minute from now is moved to a minute from now (§H.3).
    expiresAt = Math.max(Date.parse(body.time_expire), now + 60 * 1000);
  }
  const { time_expire: _ignored, ...repeated } = body;
  return {
    appid,
    mchid,
    out_trade_no: outTradeNo,
    description,
    attach,
    notify_url: notifyUrl,
    amount: { total: amount.total, currency: 'CNY' },
    payer: { openid: payer.openid },
    request: canonicalJson(repeated),
    expiresAt,
    paid: null,
    closedAt: null,
    refunds: [],
    notifications: [],
    shipping: [],
  };
}

function mintPrepay(context: PayContext, order: PayOrder, now: number): void {
  order.prepay_id = newPrepayId(now);
  order.prepayExpiresAt = now + PREPAY_LIFETIME_MS;
  context.state.pay.prepays.set(order.prepay_id, { out_trade_no: order.out_trade_no, expiresAt: order.prepayExpiresAt });
}

/**
 * Re-entry (§H.3): the same out_trade_no with the same parameters answers the current prepay_id (a
 * new one once 2 hours are over); different parameters are INVALID_REQUEST; a paid or closed order
 * cannot be ordered again.
 */
function jsapi(context: PayContext, { body }: PayCall): { status: 200; json: object } {
  const parsed = parseOrder(context, body);
  const now = context.state.now();
  const ledger = context.state.pay;
  const existing = ledger.orders.get(parsed.out_trade_no);
  if (existing) {
    const state = tradeState(existing, now);
    if (state === 'SUCCESS' || state === 'REFUND') throw new PayError(400, 'ORDERPAID', '该订单已支付');
    if (state === 'CLOSED') throw new PayError(400, 'ORDER_CLOSED', '订单已关闭');
    if (existing.request !== parsed.request) throw new PayError(400, 'INVALID_REQUEST', '请求重入时，参数与首次请求时不一致');
    if (now >= existing.prepayExpiresAt) mintPrepay(context, existing, now);
    return { status: 200, json: { prepay_id: existing.prepay_id } };
  }
  const order: PayOrder = { ...parsed, prepay_id: '', prepayExpiresAt: 0, createdAt: now };
  mintPrepay(context, order, now);
  ledger.orders.set(order.out_trade_no, order);
  return { status: 200, json: { prepay_id: order.prepay_id } };
}

function checkMchidQuery(context: PayContext, call: PayCall): void {
  const { mchid } = call.request.query as { mchid?: string };
  if (mchid !== context.keys.mchid) throw paramError('mchid', 'mchid (query) must be the merchant\'s mchid', mchid, 'query');
}

/** Close (§H.6): 204; a paid order cannot be closed (refund it), a closed one is ORDER_CLOSED. */
function close(context: PayContext, call: PayCall, outTradeNo: string): { status: 204 } {
  if (call.body.mchid !== context.keys.mchid) throw paramError('/mchid', 'mchid must be the merchant\'s mchid', call.body.mchid);
  const order = context.state.pay.orders.get(outTradeNo);
  // WeChat answers 204 for an out_trade_no it never saw (§H.6): 204 proves nothing.
  if (!order) return { status: 204 };
  const state = tradeState(order, context.state.now());
  if (state === 'SUCCESS' || state === 'REFUND') throw new PayError(400, 'ORDERPAID', '订单已支付');
  if (order.closedAt !== null) throw new PayError(400, 'ORDER_CLOSED', '订单已关闭');
  order.closedAt = context.state.now();
  return { status: 204 };
}

export function registerTransactionRoutes(scope: FastifyInstance, context: PayContext): void {
  payRoute(scope, context, 'POST', '/v3/pay/transactions/jsapi', (call) => jsapi(context, call));

  payRoute(scope, context, 'GET', '/v3/pay/transactions/out-trade-no/:out_trade_no', (call) => {
    checkMchidQuery(context, call);
    const order = context.state.pay.orders.get((call.request.params as { out_trade_no: string }).out_trade_no);
    if (!order) throw orderNotFound();
    return { status: 200, json: transactionJson(order, context.state.now()) };
  });

  payRoute(scope, context, 'GET', '/v3/pay/transactions/id/:transaction_id', (call) => {
    checkMchidQuery(context, call);
    const order = context.state.pay.orderByTransactionId((call.request.params as { transaction_id: string }).transaction_id);
    if (!order) throw orderNotFound();
    return { status: 200, json: transactionJson(order, context.state.now()) };
  });

  payRoute(scope, context, 'POST', '/v3/pay/transactions/out-trade-no/:out_trade_no/close', (call) =>
    close(context, call, (call.request.params as { out_trade_no: string }).out_trade_no),
  );
}

// --- the user pays (control API) -------------------------------------------------------------

/**
 * `POST /__sandbox/pay {prepay_id}`: the user confirms wx.requestPayment. The order becomes SUCCESS
 * and its TRANSACTION.SUCCESS notification goes out as the pending notify fault says.
 */
export function payPrepay(context: PayContext, prepayId: unknown): { out_trade_no: string; transaction_id: string } {
  if (typeof prepayId !== 'string' || prepayId === '') throw new ControlError(400, 'prepay_id is required');
  const ledger = context.state.pay;
  const prepay = ledger.prepays.get(prepayId);
  const order = prepay && ledger.orders.get(prepay.out_trade_no);
  if (!prepay || !order) throw new ControlError(404, `unknown prepay_id ${prepayId}`);
  const now = context.state.now();
  const state = tradeState(order, now);
  if (state !== 'NOTPAY') throw new ControlError(409, `order ${order.out_trade_no} is ${state}: it cannot be paid`);
  if (now >= prepay.expiresAt) throw new ControlError(409, `prepay_id ${prepayId} has expired (2 hours): order again for a new one`);
  order.paid = { transaction_id: newTransactionId(now), success_time: chinaTime(now) };
  order.notifications.push(
    context.notifier.send({
      url: order.notify_url,
      eventType: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      originalType: 'transaction',
      plaintext: transactionJson(order, now),
    }),
  );
  return { out_trade_no: order.out_trade_no, transaction_id: order.paid.transaction_id };
}
