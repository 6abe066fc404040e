import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ControlError } from './errors';
import type { PayContext } from './pay-http';
import type { Verification } from './pay-notify';
import { chinaTime } from './pay-crypto';
import { refundJson } from './pay-refunds';
import { tradeState } from './pay-state';
import { payPrepay, transactionJson } from './pay-transactions';

/**
 * `GET /__sandbox/merchant`: everything needed to act as the merchant against the sandbox (mchid,
 * merchant key, certificate and serial, APIv3 key) or as WeChat Pay against the server (platform and
 * public-key private keys). Other tools rely on these names: keep them.
 */
function merchantView(context: PayContext): Record<string, unknown> {
  const { keys, state, notifier } = context;
  const miniProgram = state.allApps().find((app) => app.app.kind === 'miniprogram');
  return {
    mchid: keys.mchid,
    appid: miniProgram?.app.appid ?? null,
    merchantSerialNo: keys.merchantSerialNo,
    merchantPrivateKeyPem: keys.merchantPrivateKeyPem,
    merchantCertPem: keys.merchantCertPem,
    apiV3Key: keys.apiV3Key,
    platformSerialNo: keys.platformSerialNo,
    platformCertPem: keys.platformCertPem,
    platformPrivateKeyPem: keys.platformPrivateKeyPem,
    publicKeyId: keys.publicKeyId,
    publicKeyPem: keys.publicKeyPem,
    publicKeyPrivateKeyPem: keys.publicKeyPrivateKeyPem,
    verification: notifier.settings.verification,
    notifyUrl: notifier.settings.notifyUrl,
  };
}

/** `POST /__sandbox/merchant {verification?, notifyUrl?}`: the merchant platform's settings. */
function updateMerchant(context: PayContext, body: Record<string, unknown>): Record<string, unknown> {
  const settings = context.notifier.settings;
  if (body.verification !== undefined) {
    if (body.verification !== 'certificate' && body.verification !== 'public_key') {
      throw new ControlError(400, "verification must be 'certificate' or 'public_key'");
    }
    settings.verification = body.verification as Verification;
  }
  if (body.notifyUrl !== undefined) {
    if (body.notifyUrl !== null && (typeof body.notifyUrl !== 'string' || !/^https?:\/\/[^?]+$/.test(body.notifyUrl))) {
      throw new ControlError(400, 'notifyUrl must be an http(s) URL without a query, or null');
    }
    settings.notifyUrl = body.notifyUrl as string | null;
  }
  return merchantView(context);
}

/** `GET /__sandbox/pay/orders/:out_trade_no`: the order as WeChat Pay sees it, with its refunds and deliveries. */
function orderView(context: PayContext, outTradeNo: string): Record<string, unknown> {
  const order = context.state.pay.orders.get(outTradeNo);
  if (!order) throw new ControlError(404, `unknown out_trade_no ${outTradeNo}`);
  const now = context.state.now();
  return {
    ...transactionJson(order, now),
    trade_state: tradeState(order, now),
    description: order.description,
    attach: order.attach,
    notify_url: order.notify_url,
    payer: order.payer,
    prepay_id: order.prepay_id,
    time_expire: chinaTime(order.expiresAt),
    created_at: chinaTime(order.createdAt),
    closed_at: order.closedAt === null ? null : chinaTime(order.closedAt),
    notifications: order.notifications,
    refunds: order.refunds.map((refund) => ({ ...refundJson(order, refund), reason: refund.reason, notify_url: refund.notify_url, notifications: refund.notifications })),
    shipping: order.shipping,
  };
}

export function registerPayControlRoutes(
  scope: FastifyInstance,
  context: PayContext,
  bodyOf: (request: FastifyRequest) => Record<string, unknown>,
): void {
  scope.get('/merchant', async () => merchantView(context));
  scope.post('/merchant', async (request) => updateMerchant(context, bodyOf(request)));
  scope.post('/pay', async (request) => payPrepay(context, bodyOf(request).prepay_id));
  scope.get('/pay/orders/:out_trade_no', async (request) => orderView(context, (request.params as { out_trade_no: string }).out_trade_no));
}
