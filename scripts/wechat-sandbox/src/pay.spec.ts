import { createPublicKey, createVerify } from 'node:crypto';
import type { RunningSandbox } from './index';
import {
  decryptResource,
  newOutTradeNo,
  orderView,
  Pay,
  payClient,
  payStack,
  prepayIdOf,
  signedFetch,
  verifyParams,
  waitForOrder,
  type NotificationEnvelope,
  type PayStack,
} from './pay-spec-support';
import { control, type TestClock } from './spec-support';

interface RequestPayment {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: string;
  paySign: string;
}

describe('WeChat Pay v3 merchant API (§H) with wechatpay-node-v3', () => {
  const stack = payStack();
  let miniProgram: PayStack['miniProgram'];
  let receiver: PayStack['receiver'];
  let notifyUrl: string;
  let sandbox: RunningSandbox;
  let clock: TestClock;
  let pay: Pay;

  beforeAll(() => {
    ({ miniProgram, receiver, notifyUrl, sandbox, clock, pay } = stack);
  });

  function order(outTradeNo: string, overrides: Record<string, unknown> = {}) {
    return {
      description: '会员储值 100 元',
      out_trade_no: outTradeNo,
      notify_url: notifyUrl,
      amount: { total: 10000, currency: 'CNY' },
      payer: { openid: 'oPayer00000000000000000000001' },
      attach: 'store=9',
      ...overrides,
    };
  }

  async function prepay(outTradeNo: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const result = await pay.transactions_jsapi(order(outTradeNo, overrides));
    expect(result.status).toBe(200);
    return prepayIdOf(result);
  }

  async function userPays(prepayId: string) {
    return control<{ out_trade_no: string; transaction_id: string; error?: string }>(sandbox, 'POST', '/pay', { prepay_id: prepayId });
  }

  it('orders, builds requestPayment, and after the user pays notifies a signed, encrypted TRANSACTION.SUCCESS', async () => {
    const outTradeNo = newOutTradeNo();
    const placed = await pay.transactions_jsapi(order(outTradeNo));
    const params = placed.data as RequestPayment;
    const prepayId = prepayIdOf(placed);

    expect(placed.status).toBe(200);
    expect(prepayId).toMatch(/^wx\d{14}[0-9a-f]{20}$/);
    // requestPayment is signed with the merchant key over appId, timeStamp, nonceStr, package (§H.4)
    const message = `${miniProgram.appid}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
    expect(createVerify('RSA-SHA256').update(message).verify(sandbox.payKeys.merchantCertPem, params.paySign, 'base64')).toBe(true);
    expect((await orderView(sandbox, outTradeNo)).trade_state).toBe('NOTPAY');

    const paid = await userPays(prepayId);
    const [received] = await receiver.waitFor(1);

    expect(paid.body).toEqual({ out_trade_no: outTradeNo, transaction_id: expect.stringMatching(/^4200\d{24}$/) });
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers['wechatpay-serial']).toBe(sandbox.payKeys.platformSerialNo);
    expect(received.headers['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048');
    expect(Math.abs(Number(received.headers['wechatpay-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    // verifySign downloads /v3/certificates for the unknown serial and decrypts it with the APIv3 key
    expect(await pay.verifySign(verifyParams(received, sandbox.payKeys.apiV3Key))).toBe(true);
    const envelope = JSON.parse(received.body) as NotificationEnvelope;
    expect(envelope).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      create_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', associated_data: 'transaction', nonce: expect.stringMatching(/^[0-9A-Za-z]{12}$/) },
    });
    const transaction = decryptResource(sandbox.payKeys.apiV3Key, envelope.resource);
    const { resource } = envelope;
    expect(pay.decipher_gcm(resource.ciphertext, resource.associated_data, resource.nonce, sandbox.payKeys.apiV3Key)).toEqual(transaction);
    expect(transaction).toMatchObject({
      appid: miniProgram.appid,
      mchid: sandbox.payKeys.mchid,
      out_trade_no: outTradeNo,
      transaction_id: paid.body.transaction_id,
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      attach: 'store=9',
      payer: { openid: 'oPayer00000000000000000000001' },
      amount: { total: 10000, payer_total: 10000, currency: 'CNY', payer_currency: 'CNY' },
      success_time: expect.stringMatching(/\+08:00$/),
    });
    const queried = await pay.query({ out_trade_no: outTradeNo });
    expect(queried).toMatchObject({ status: 200, data: transaction });
    expect((await pay.query({ transaction_id: paid.body.transaction_id })).data).toEqual(transaction);
    const seen = await waitForOrder(sandbox, outTradeNo, (view) => view.notifications[0]?.acknowledged);
    expect(seen.notifications[0]).toMatchObject({ event_type: 'TRANSACTION.SUCCESS', mode: 'normal', attempts: [{ copy: 1, attempt: 1, signature: 'genuine', status: 204 }] });
  });

  it('signs every answer with the platform key, or with the public key when the merchant sends its PUB_KEY_ID', async () => {
    const outTradeNo = newOutTradeNo();
    const body = { appid: miniProgram.appid, mchid: sandbox.payKeys.mchid, ...order(outTradeNo) };

    const certificateSigned = await signedFetch(sandbox, 'POST', '/v3/pay/transactions/jsapi', body, { keys: sandbox.payKeys });
    const publicKeySigned = await signedFetch(sandbox, 'GET', `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${sandbox.payKeys.mchid}`, null, {
      keys: sandbox.payKeys,
      headers: { 'wechatpay-serial': sandbox.payKeys.publicKeyId },
    });

    for (const [answer, serial, keyPem] of [
      [certificateSigned, sandbox.payKeys.platformSerialNo, sandbox.payKeys.platformCertPem],
      [publicKeySigned, sandbox.payKeys.publicKeyId, sandbox.payKeys.publicKeyPem],
    ] as const) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('request-id')).toEqual(expect.any(String));
      expect(answer.headers.get('wechatpay-serial')).toBe(serial);
      const message = `${answer.headers.get('wechatpay-timestamp')}\n${answer.headers.get('wechatpay-nonce')}\n${answer.text}\n`;
      expect(createVerify('RSA-SHA256').update(message).verify(keyPem, answer.headers.get('wechatpay-signature')!, 'base64')).toBe(true);
    }
    expect(publicKeySigned.json).toMatchObject({ out_trade_no: outTradeNo, trade_state: 'NOTPAY', trade_state_desc: '订单未支付' });
  });

  it('answers re-entry with the same prepay_id, refuses different parameters, and a paid order cannot be ordered or paid again', async () => {
    const outTradeNo = newOutTradeNo();
    const first = await prepay(outTradeNo);

    const again = await prepay(outTradeNo);
    const changed = await pay.transactions_jsapi(order(outTradeNo, { amount: { total: 20000, currency: 'CNY' } }));
    await userPays(first);
    const paidAgain = await userPays(first);
    const afterPaid = await pay.transactions_jsapi(order(outTradeNo));

    expect(again).toBe(first);
    expect(changed.status).toBe(400);
    expect(JSON.parse(changed.error as string)).toEqual({ code: 'INVALID_REQUEST', message: '请求重入时，参数与首次请求时不一致' });
    expect(paidAgain.status).toBe(409);
    expect(paidAgain.body.error).toMatch(/is SUCCESS/);
    expect(afterPaid.status).toBe(400);
    expect(JSON.parse(afterPaid.error as string).code).toBe('ORDERPAID');
  });

  it('mints a new prepay_id once 2 hours are over; the old one can no longer be paid', async () => {
    const outTradeNo = newOutTradeNo();
    const first = await prepay(outTradeNo);
    clock.advance(2 * 3600 * 1000 + 1000);

    const second = await signedFetch(sandbox, 'POST', '/v3/pay/transactions/jsapi', { appid: miniProgram.appid, mchid: sandbox.payKeys.mchid, ...order(outTradeNo) }, {
      keys: sandbox.payKeys,
      timestamp: Math.floor(clock.now() / 1000),
    });
    const stale = await userPays(first);

    expect(second.json?.prepay_id).toEqual(expect.stringMatching(/^wx/));
    expect(second.json?.prepay_id).not.toBe(first);
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/expired/);
    expect((await userPays(second.json!.prepay_id as string)).status).toBe(200);
  });

  it('rejects bad order fields with 400 PARAM_ERROR naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ amount: { total: 0, currency: 'CNY' } }, '/amount/total'],
      [{ amount: { total: 1.5, currency: 'CNY' } }, '/amount/total'],
      [{ amount: { total: 100, currency: 'USD' } }, '/amount/currency'],
      [{ out_trade_no: 'a b' }, '/out_trade_no'],
      [{ notify_url: `${notifyUrl}?brand=1` }, '/notify_url'],
      [{ payer: {} }, '/payer/openid'],
      [{ description: '' }, '/description'],
      [{ time_expire: 'tomorrow' }, '/time_expire'],
    ];
    for (const [overrides, field] of cases) {
      const result = await pay.transactions_jsapi(order(newOutTradeNo(), overrides));
      expect([result.status, JSON.parse(result.error as string)]).toEqual([400, { code: 'PARAM_ERROR', message: '参数错误', detail: expect.objectContaining({ field, location: 'body' }) }]);
    }
    const otherApp = await payClient(sandbox, 'wxnotbound000000').transactions_jsapi(order(newOutTradeNo()));
    expect([otherApp.status, JSON.parse(otherApp.error as string).code]).toEqual([400, 'APPID_MCHID_NOT_MATCH']);
  });

  it('closes an unpaid order (204): it then shows CLOSED and cannot be paid, ordered or closed again', async () => {
    const outTradeNo = newOutTradeNo();
    const prepayId = await prepay(outTradeNo);

    const closed = await pay.close(outTradeNo);
    const query = await pay.query({ out_trade_no: outTradeNo });
    const payClosed = await userPays(prepayId);
    const orderClosed = await pay.transactions_jsapi(order(outTradeNo));
    const closeAgain = await pay.close(outTradeNo);
    const closeUnknown = await pay.close(newOutTradeNo());

    expect(closed.status).toBe(204);
    expect(query.data).toMatchObject({ out_trade_no: outTradeNo, trade_state: 'CLOSED', trade_state_desc: '订单已关闭' });
    expect(payClosed.status).toBe(409);
    expect(JSON.parse(orderClosed.error as string).code).toBe('ORDER_CLOSED');
    expect([closeAgain.status, JSON.parse(closeAgain.error as string).code]).toEqual([400, 'ORDER_CLOSED']);
    expect(closeUnknown.status).toBe(204); // as WeChat does: 204 does not prove the order existed
  });

  it('refuses to close a paid order, and answers 404 ORDER_NOT_EXIST for an unknown one', async () => {
    const outTradeNo = newOutTradeNo();
    await userPays(await prepay(outTradeNo));

    const close = await pay.close(outTradeNo);
    const unknown = await pay.query({ out_trade_no: newOutTradeNo() });

    expect([close.status, JSON.parse(close.error as string).code]).toEqual([400, 'ORDERPAID']);
    expect([unknown.status, JSON.parse(unknown.error as string)]).toEqual([404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' }]);
  });

  it('closes an unpaid order by itself at time_expire', async () => {
    const outTradeNo = newOutTradeNo();
    await prepay(outTradeNo, { time_expire: new Date(Date.now() + 10 * 60 * 1000).toISOString() });

    clock.advance(11 * 60 * 1000);
    const view = await orderView(sandbox, outTradeNo);

    expect(view.trade_state).toBe('CLOSED');
  });

  describe('refunds (§H.7)', () => {
    it('refunds in parts: PROCESSING, then SUCCESS with a REFUND.SUCCESS notification; the order shows REFUND', async () => {
      const outTradeNo = newOutTradeNo();
      const { body: paid } = await userPays(await prepay(outTradeNo));
      await receiver.waitFor(1);
      const refundNotifyUrl = notifyUrl.replace('/notify', '/refund-notify');

      const created = await pay.refunds({
        out_trade_no: outTradeNo,
        out_refund_no: 'RF' + outTradeNo,
        reason: '顾客退卡',
        notify_url: refundNotifyUrl,
        amount: { refund: 3000, total: 10000, currency: 'CNY' },
      });
      const [, refundNotification] = await receiver.waitFor(2);
      const found = await pay.find_refunds('RF' + outTradeNo);

      expect(created.status).toBe(200);
      expect(created.data).toMatchObject({
        refund_id: expect.stringMatching(/^503\d{26}$/),
        out_refund_no: 'RF' + outTradeNo,
        transaction_id: paid.transaction_id,
        out_trade_no: outTradeNo,
        channel: 'ORIGINAL',
        status: 'PROCESSING',
        amount: { refund: 3000, total: 10000, payer_refund: 3000, payer_total: 10000, currency: 'CNY' },
      });
      expect(found.data).toMatchObject({ refund_id: created.data!.refund_id, status: 'SUCCESS', success_time: expect.stringMatching(/\+08:00$/) });
      expect(await pay.verifySign(verifyParams(refundNotification, sandbox.payKeys.apiV3Key))).toBe(true);
      const envelope = JSON.parse(refundNotification.body) as NotificationEnvelope;
      expect(envelope).toMatchObject({ event_type: 'REFUND.SUCCESS', summary: '退款成功', resource: { original_type: 'refund', associated_data: 'refund' } });
      expect(decryptResource(sandbox.payKeys.apiV3Key, envelope.resource)).toEqual({
        mchid: sandbox.payKeys.mchid,
        transaction_id: paid.transaction_id,
        out_trade_no: outTradeNo,
        refund_id: created.data!.refund_id,
        out_refund_no: 'RF' + outTradeNo,
        refund_status: 'SUCCESS',
        success_time: found.data!.success_time,
        user_received_account: '支付用户零钱',
        amount: { total: 10000, refund: 3000, payer_total: 10000, payer_refund: 3000 },
      });
      expect((await pay.query({ out_trade_no: outTradeNo })).data).toMatchObject({ trade_state: 'REFUND', trade_state_desc: '转入退款' });
      const view = await orderView(sandbox, outTradeNo);
      expect(view.refunds).toEqual([expect.objectContaining({ out_refund_no: 'RF' + outTradeNo, status: 'SUCCESS', reason: '顾客退卡', notify_url: refundNotifyUrl })]);
    });

    it('answers a retried out_refund_no with the same refund, refuses a changed one, and never refunds more than was paid', async () => {
      const outTradeNo = newOutTradeNo();
      const { body: paid } = await userPays(await prepay(outTradeNo));
      const refund = (outRefundNo: string, amount: number) =>
        pay.refunds({ transaction_id: paid.transaction_id, out_refund_no: outRefundNo, amount: { refund: amount, total: 10000, currency: 'CNY' } });

      const first = await refund('R1' + outTradeNo, 6000);
      const retried = await refund('R1' + outTradeNo, 6000);
      const changed = await refund('R1' + outTradeNo, 5000);
      const tooMuch = await refund('R2' + outTradeNo, 4001);
      const rest = await refund('R3' + outTradeNo, 4000);
      const nothingLeft = await refund('R4' + outTradeNo, 1);

      expect(retried.data!.refund_id).toBe(first.data!.refund_id);
      expect([changed.status, JSON.parse(changed.error as string).code]).toEqual([400, 'INVALID_REQUEST']);
      expect([tooMuch.status, JSON.parse(tooMuch.error as string)]).toEqual([400, { code: 'INVALID_REQUEST', message: '申请退款金额超过订单可退金额' }]);
      expect(rest.status).toBe(200);
      expect(nothingLeft.status).toBe(400);
      expect((await orderView(sandbox, outTradeNo)).refunds.map((item) => item.amount.refund)).toEqual([6000, 4000]);
    });

    it('refuses refunds of unpaid or unknown orders, a wrong total, and answers 404 for an unknown out_refund_no', async () => {
      const unpaid = newOutTradeNo();
      await prepay(unpaid);
      const paidNo = newOutTradeNo();
      await userPays(await prepay(paidNo));

      const ofUnpaid = await pay.refunds({ out_trade_no: unpaid, out_refund_no: 'RU' + unpaid, amount: { refund: 1, total: 10000, currency: 'CNY' } });
      const ofUnknown = await pay.refunds({ out_trade_no: newOutTradeNo(), out_refund_no: 'RX1', amount: { refund: 1, total: 10000, currency: 'CNY' } });
      const wrongTotal = await pay.refunds({ out_trade_no: paidNo, out_refund_no: 'RW' + paidNo, amount: { refund: 1, total: 9999, currency: 'CNY' } });
      const notFound = await pay.find_refunds('RNONE');

      expect([ofUnpaid.status, JSON.parse(ofUnpaid.error as string).code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);
      expect([ofUnknown.status, JSON.parse(ofUnknown.error as string).code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);
      expect([wrongTotal.status, JSON.parse(wrongTotal.error as string).detail.field]).toEqual([400, '/amount/total']);
      expect([notFound.status, JSON.parse(notFound.error as string).code]).toEqual([404, 'RESOURCE_NOT_EXISTS']);
    });
  });

  describe('request authentication (§H.1)', () => {
    const query = (): string => `/v3/pay/transactions/out-trade-no/${newOutTradeNo()}?mchid=${sandbox.payKeys.mchid}`;

    it('accepts the serial in any case and with the leading zeros @fidm/x509 adds', async () => {
      const lower = await signedFetch(sandbox, 'GET', query(), null, { keys: sandbox.payKeys, serial: '00' + sandbox.payKeys.merchantSerialNo.toLowerCase() });
      const viaLibrary = await payClient(sandbox, miniProgram.appid, sandbox.payKeys, sandbox.payKeys.merchantSerialNo).query({ out_trade_no: newOutTradeNo() });

      expect(lower.status).toBe(404); // authenticated: the order is simply unknown
      expect(viaLibrary.status).toBe(404);
    });

    it.each([
      ['a wrong serial', { serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' }, 'serial_no'],
      ['a timestamp 6 minutes old', { timestamp: Math.floor(Date.now() / 1000) - 360 }, 'timestamp'],
      ['a timestamp 6 minutes ahead', { timestamp: Math.floor(Date.now() / 1000) + 360 }, 'timestamp'],
      ['a signature over another body', { signedBody: '{"mchid":"1"}' }, 'signature'],
    ])('answers 401 SIGN_ERROR for %s', async (_case, options, field) => {
      const answer = await signedFetch(sandbox, 'POST', '/v3/refund/domestic/refunds', { out_trade_no: 'x', out_refund_no: 'y' }, { keys: sandbox.payKeys, ...options });

      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ code: 'SIGN_ERROR', message: '错误的签名，验签失败', detail: { field, location: 'authorization' } });
      expect(answer.headers.get('wechatpay-signature')).toEqual(expect.any(String)); // errors are signed too
    });

    it('answers 401 SIGN_ERROR without Authorization or with another scheme, and records every call', async () => {
      const missing = await fetch(`${sandbox.url}/v3/certificates`);
      const basic = await fetch(`${sandbox.url}/v3/certificates`, { headers: { authorization: 'Basic eDp5' } });

      expect([missing.status, ((await missing.json()) as { code: string }).code]).toEqual([401, 'SIGN_ERROR']);
      expect(basic.status).toBe(401);
      const recorded = await control<{ requests: Array<Record<string, unknown>> }>(sandbox, 'GET', '/requests?path=/v3/certificates');
      expect(recorded.body.requests).toEqual([
        expect.objectContaining({ method: 'GET', path: '/v3/certificates', status: 401, code: 'SIGN_ERROR', errcode: null }),
        expect.objectContaining({ status: 401, code: 'SIGN_ERROR' }),
      ]);
    });
  });

  it('serves the platform certificate encrypted with the APIv3 key (§H.10)', async () => {
    const certificates = await pay.get_certificates(sandbox.payKeys.apiV3Key);

    expect(certificates).toEqual([
      expect.objectContaining({
        serial_no: sandbox.payKeys.platformSerialNo,
        effective_time: expect.stringMatching(/\+08:00$/),
        expire_time: expect.stringMatching(/\+08:00$/),
        encrypt_certificate: expect.objectContaining({ algorithm: 'AEAD_AES_256_GCM', associated_data: 'certificate' }),
      }),
    ]);
    // the library decrypted the PEM and read its public key: the platform certificate's
    const publicKey = (pem: string): string => createPublicKey(pem).export({ type: 'spki', format: 'pem' }) as string;
    expect(publicKey((certificates[0] as unknown as { publicKey: string }).publicKey)).toBe(publicKey(sandbox.payKeys.platformCertPem));
  });
});
