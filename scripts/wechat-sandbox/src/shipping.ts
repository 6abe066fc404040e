import type { FastifyInstance } from 'fastify';
import { WechatError } from './errors';
import type { PayOrder } from './pay-state';
import type { SandboxState } from './state';
import { authenticate } from './tokens';
import { jsonObjectBody, queryOf, wechatRoute } from './wechat-http';

/** The first upload, and one correction ("重新发货机会"): a third is 10060003. */
const MAX_UPLOADS = 2;

/** order_key: 1 = mchid + out_trade_no, 2 = transaction_id. Another app's or an unpaid order is 10060001. */
function paidOrder(state: SandboxState, appid: string, orderKey: unknown): PayOrder {
  const key = (orderKey ?? {}) as { order_number_type?: unknown; mchid?: unknown; out_trade_no?: unknown; transaction_id?: unknown };
  let order: PayOrder | undefined;
  if (key.order_number_type === 1 && typeof key.out_trade_no === 'string') {
    const candidate = state.pay.orders.get(key.out_trade_no);
    order = candidate?.mchid === key.mchid ? candidate : undefined;
  } else if (key.order_number_type === 2 && typeof key.transaction_id === 'string') {
    order = state.pay.orderByTransactionId(key.transaction_id);
  } else {
    throw new WechatError(47001, 'order_key needs order_number_type 1 with mchid and out_trade_no, or 2 with transaction_id');
  }
  if (!order?.paid || order.appid !== appid) throw new WechatError(10060001);
  return order;
}

/**
 * `POST /wxa/sec/order/upload_shipping_info` (mini-program, access_token): the shipping record that
 * WeChat wants before it settles a mini-program payment; virtual goods (stored value) are
 * logistics_type 3. Recorded on the order, shown by `GET /__sandbox/pay/orders/:out_trade_no`.
 */
export function registerShippingRoutes(scope: FastifyInstance, state: SandboxState): void {
  wechatRoute(scope, state, 'POST', '/wxa/sec/order/upload_shipping_info', (request) => {
    const appState = authenticate(state, queryOf(request), 'miniprogram');
    const body = jsonObjectBody(request);
    const order = paidOrder(state, appState.app.appid, body.order_key);
    const { logistics_type: logisticsType, delivery_mode: deliveryMode, shipping_list: shippingList, payer } = body;
    if (![1, 2, 3, 4].includes(logisticsType as number)) throw new WechatError(47001, 'logistics_type must be 1 (express), 2 (same-city), 3 (virtual goods) or 4 (pick-up)');
    if (deliveryMode !== 1 && deliveryMode !== 2) throw new WechatError(47001, 'delivery_mode must be 1 (unified) or 2 (split)');
    const items = Array.isArray(shippingList) ? (shippingList as Array<{ item_desc?: unknown }>) : [];
    if (items.length === 0 || items.some((item) => typeof item?.item_desc !== 'string' || item.item_desc === '')) {
      throw new WechatError(47001, 'shipping_list needs at least one entry, each with item_desc');
    }
    if ((payer as { openid?: unknown } | undefined)?.openid !== order.payer.openid) throw new WechatError(10060001, 'payer.openid is not the payer of this order');
    if (order.shipping.length >= MAX_UPLOADS) throw new WechatError(10060003);
    order.shipping.push({
      at: state.isoNow(),
      logistics_type: logisticsType as number,
      delivery_mode: deliveryMode,
      shipping_list: shippingList,
      upload_time: body.upload_time ?? null,
    });
    return { json: { errcode: 0, errmsg: 'ok' } };
  });
}
