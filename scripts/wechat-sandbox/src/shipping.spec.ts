import type { RunningSandbox } from './index';
import { newOutTradeNo, orderView, payClient, prepayIdOf } from './pay-spec-support';
import { aMiniProgram, control, errcodeOf, postWithToken, startTestSandbox, wechatClient, type WechatApiClient } from './spec-support';

describe('mini-program shipping upload (/wxa/sec/order/upload_shipping_info)', () => {
  const miniProgram = aMiniProgram();
  const otherMiniProgram = aMiniProgram();
  let sandbox: RunningSandbox;
  let api: WechatApiClient;

  beforeAll(async () => {
    ({ sandbox } = await startTestSandbox({ apps: [miniProgram, otherMiniProgram], payTimeScale: 0.001 }));
    api = wechatClient(sandbox, miniProgram);
  });
  afterAll(() => sandbox.close());

  /** A paid stored-value order; answers its keys. */
  async function paidOrder(appid = miniProgram.appid): Promise<{ outTradeNo: string; transactionId: string }> {
    const outTradeNo = newOutTradeNo();
    const placed = await payClient(sandbox, appid).transactions_jsapi({
      description: '会员储值',
      out_trade_no: outTradeNo,
      notify_url: 'http://127.0.0.1:9/pay/notify',
      amount: { total: 100 },
      payer: { openid: 'oShipper000000000000000000001' },
    });
    const paid = await control<{ transaction_id: string }>(sandbox, 'POST', '/pay', { prepay_id: prepayIdOf(placed) });
    return { outTradeNo, transactionId: paid.body.transaction_id };
  }

  function shipping(orderKey: object, overrides: object = {}) {
    return {
      order_key: orderKey,
      logistics_type: 3, // virtual goods: stored value
      delivery_mode: 1,
      shipping_list: [{ item_desc: '会员卡储值 1 元' }],
      upload_time: '2026-11-29T10:00:00+08:00',
      payer: { openid: 'oShipper000000000000000000001' },
      ...overrides,
    };
  }

  const url = (): string => `${sandbox.url}/wxa/sec/order/upload_shipping_info`;

  it('records the upload on the paid order, by transaction_id or by mchid + out_trade_no, and lists the call', async () => {
    const { outTradeNo, transactionId } = await paidOrder();

    const byTransaction = await postWithToken(api, url(), shipping({ order_number_type: 2, transaction_id: transactionId }));
    const byOutTradeNo = await postWithToken(api, url(), shipping({ order_number_type: 1, mchid: sandbox.payKeys.mchid, out_trade_no: outTradeNo }));

    expect(byTransaction).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(byOutTradeNo).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await orderView(sandbox, outTradeNo)).shipping).toEqual([
      expect.objectContaining({ logistics_type: 3, delivery_mode: 1, shipping_list: [{ item_desc: '会员卡储值 1 元' }] }),
      expect.objectContaining({ logistics_type: 3 }),
    ]);
    const recorded = await control<{ requests: Array<{ path: string; errcode: number | null; appid: string | null }> }>(sandbox, 'GET', '/requests?path=/wxa/sec/order');
    expect(recorded.body.requests.map((request) => [request.path, request.errcode, request.appid])).toEqual([
      ['/wxa/sec/order/upload_shipping_info', 0, miniProgram.appid],
      ['/wxa/sec/order/upload_shipping_info', 0, miniProgram.appid],
    ]);
  });

  it('allows one correction, then answers 10060003', async () => {
    const { transactionId } = await paidOrder();
    const key = { order_number_type: 2, transaction_id: transactionId };
    await postWithToken(api, url(), shipping(key));
    await postWithToken(api, url(), shipping(key));

    expect(await errcodeOf(postWithToken(api, url(), shipping(key)))).toBe(10060003);
  });

  it('answers 10060001 for an unknown, unpaid or other mini-program’s transaction, or another payer', async () => {
    const ofOtherApp = await paidOrder(otherMiniProgram.appid);
    const { transactionId } = await paidOrder();

    expect(await errcodeOf(postWithToken(api, url(), shipping({ order_number_type: 2, transaction_id: '4200000000202611290000000000' })))).toBe(10060001);
    expect(await errcodeOf(postWithToken(api, url(), shipping({ order_number_type: 1, mchid: sandbox.payKeys.mchid, out_trade_no: 'never-paid' })))).toBe(10060001);
    expect(await errcodeOf(postWithToken(api, url(), shipping({ order_number_type: 2, transaction_id: ofOtherApp.transactionId })))).toBe(10060001);
    expect(await errcodeOf(postWithToken(api, url(), shipping({ order_number_type: 2, transaction_id: transactionId }, { payer: { openid: 'oSomeoneElse' } })))).toBe(10060001);
  });

  it('answers 47001 for a malformed order_key, logistics_type, delivery_mode or shipping_list', async () => {
    const { transactionId } = await paidOrder();
    const key = { order_number_type: 2, transaction_id: transactionId };

    for (const body of [
      shipping({ order_number_type: 3 }),
      shipping(key, { logistics_type: 9 }),
      shipping(key, { delivery_mode: 0 }),
      shipping(key, { shipping_list: [] }),
      shipping(key, { shipping_list: [{ tracking_no: 'x' }] }),
    ]) {
      expect(await errcodeOf(postWithToken(api, url(), body))).toBe(47001);
    }
    expect((await orderView(sandbox, (await paidOrder()).outTradeNo)).shipping).toEqual([]);
  });

  it('needs a mini-program access_token and can be faulted like any WeChat API', async () => {
    const noToken = (await (await fetch(url(), { method: 'POST', body: '{}' })).json()) as { errcode: number };
    await control(sandbox, 'POST', '/faults', { path: '/wxa/sec/order/upload_shipping_info', errcode: -1 });

    expect(noToken.errcode).toBe(41001);
    expect(await errcodeOf(postWithToken(api, url(), shipping({ order_number_type: 2, transaction_id: 'x' })))).toBe(-1);
  });
});
