import type { RunningSandbox } from './index';
import { RETRY_SCHEDULE_SECONDS } from './pay-notify';
import {
  newOutTradeNo,
  orderView,
  Pay,
  payClient,
  payStack,
  prepayIdOf,
  verifyParams,
  waitForOrder,
  type NotificationEnvelope,
  type PayStack,
} from './pay-spec-support';
import { control, startTestSandbox, type ReceivedPush } from './spec-support';

/** Every delay of WeChat Pay is multiplied by this in these specs: 15 s → 15 ms. */
const SCALE = 0.001;

describe('WeChat Pay notifications (§H.8)', () => {
  const stack = payStack({ payTimeScale: SCALE });
  let miniProgram: PayStack['miniProgram'];
  let receiver: PayStack['receiver'];
  let notifyUrl: string;
  let sandbox: RunningSandbox;
  let pay: Pay;

  beforeAll(() => {
    ({ miniProgram, receiver, notifyUrl, sandbox, pay } = stack);
  });
  beforeEach(() => {
    receiver.answer = () => ({ status: 200, body: '{"code":"SUCCESS","message":"成功"}' });
  });

  /** Orders and pays; answers the out_trade_no. */
  async function payOrder(): Promise<string> {
    const outTradeNo = newOutTradeNo();
    const placed = await pay.transactions_jsapi({
      description: '会员储值',
      out_trade_no: outTradeNo,
      notify_url: notifyUrl,
      amount: { total: 5000, currency: 'CNY' },
      payer: { openid: 'oPayer00000000000000000000002' },
    });
    const paid = await control(sandbox, 'POST', '/pay', { prepay_id: prepayIdOf(placed) });
    expect(paid.status).toBe(200);
    return outTradeNo;
  }

  function fault(body: object) {
    return control<Record<string, unknown>>(sandbox, 'POST', '/faults', body);
  }

  function idOf(received: ReceivedPush): string {
    return (JSON.parse(received.body) as NotificationEnvelope).id;
  }

  /** A merchant that verifies with the library and answers 401 to what fails, as it must (§H.8). */
  function verifyingMerchant(): void {
    receiver.answer = async (_n, received) =>
      (await pay.verifySign(verifyParams(received, sandbox.payKeys.apiV3Key))) ? { status: 204, body: '' } : { status: 401, body: '{"code":"FAIL","message":"签名错误"}' };
  }

  it('retries on WeChat Pay’s schedule (15s, 15s, 30s, … compressed) until the merchant answers 2xx, re-sending the same notification', async () => {
    receiver.answer = (n) => (n <= 3 ? { status: 500, body: '{"code":"FAIL","message":"失败"}' } : { status: 200, body: '' });

    const outTradeNo = await payOrder();
    const view = await waitForOrder(sandbox, outTradeNo, (order) => order.notifications[0]?.acknowledged);

    const attempts = view.notifications[0].attempts;
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([[1, 500], [2, 500], [3, 500], [4, 200]]);
    const gaps = attempts.slice(1).map((attempt, i) => Date.parse(attempt.at) - Date.parse(attempts[i].at));
    RETRY_SCHEDULE_SECONDS.slice(0, 3).forEach((seconds, i) => expect(gaps[i]).toBeGreaterThanOrEqual(seconds * 1000 * SCALE - 2));
    expect(new Set(receiver.received.map(idOf)).size).toBe(1);
    expect(new Set(receiver.received.map((received) => received.headers['wechatpay-nonce'])).size).toBe(4); // each attempt freshly signed
  });

  it('counts a 200 with a FAIL body as acknowledged: the HTTP status decides', async () => {
    receiver.answer = () => ({ status: 200, body: '{"code":"FAIL","message":"失败"}' });

    const outTradeNo = await payOrder();

    expect((await waitForOrder(sandbox, outTradeNo, (order) => order.notifications[0]?.acknowledged)).notifications[0].attempts).toHaveLength(1);
  });

  it('gives up after the 15 retries of the schedule (24h4m of WeChat time)', async () => {
    const fast = await startTestSandbox({ apps: [miniProgram], payTimeScale: 0.00002 });
    try {
      receiver.answer = () => ({ status: 503, body: '' });
      const fastPay = payClient(fast.sandbox, miniProgram.appid);
      const outTradeNo = newOutTradeNo();
      const placed = await fastPay.transactions_jsapi({ description: '储值', out_trade_no: outTradeNo, notify_url: notifyUrl, amount: { total: 1 }, payer: { openid: 'oX' } });
      await control(fast.sandbox, 'POST', '/pay', { prepay_id: prepayIdOf(placed) });

      await receiver.waitFor(16, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 21600 * 1000 * 0.00002 * 2)); // longer than the last pause
      const view = await orderView(fast.sandbox, outTradeNo);

      expect(RETRY_SCHEDULE_SECONDS.reduce((sum, seconds) => sum + seconds, 0)).toBe(24 * 3600 + 4 * 60);
      expect(view.notifications[0]).toMatchObject({ acknowledged: false });
      expect(view.notifications[0].attempts).toHaveLength(1 + RETRY_SCHEDULE_SECONDS.length);
      expect(receiver.received).toHaveLength(16);
    } finally {
      await fast.sandbox.close();
    }
  });

  it('drop: the payment succeeds but no notification is ever sent — the merchant must query', async () => {
    const injected = await fault({ notify: 'drop' });

    const outTradeNo = await payOrder();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const view = await orderView(sandbox, outTradeNo);

    expect(injected.body).toEqual({ notify: 'drop', remaining: 1, delaySeconds: 60 });
    expect(receiver.received).toHaveLength(0);
    expect(view).toMatchObject({ trade_state: 'SUCCESS', notifications: [{ mode: 'drop', acknowledged: false, attempts: [] }] });
    expect((await pay.query({ out_trade_no: outTradeNo })).data).toMatchObject({ trade_state: 'SUCCESS' });
  });

  it('duplicate: the same notification arrives several times at once, each validly signed', async () => {
    verifyingMerchant();
    await fault({ notify: 'duplicate' });

    const outTradeNo = await payOrder();
    const received = await receiver.waitFor(3);
    const view = await waitForOrder(sandbox, outTradeNo, (order) => order.notifications[0]?.attempts.length === 3 && order.notifications[0].attempts.every((a) => a.status !== null));

    expect(new Set(received.map(idOf)).size).toBe(1);
    expect(view.notifications[0].attempts.map((attempt) => [attempt.copy, attempt.status]).sort()).toEqual([[1, 204], [2, 204], [3, 204]]);
  });

  it('delay: the first attempt comes later than the first retry would have', async () => {
    await fault({ notify: 'delay', delaySeconds: 100 }); // > the 15 s before the first retry

    const before = Date.now();
    const outTradeNo = await payOrder();
    await receiver.waitFor(1);
    const view = await orderView(sandbox, outTradeNo);

    expect(Date.parse(view.notifications[0].attempts[0].at) - before).toBeGreaterThanOrEqual(100 * 1000 * SCALE - 2);
    expect(view.notifications[0]).toMatchObject({ mode: 'delay', acknowledged: true });
  });

  it('signtest: a WECHATPAY/SIGNTEST/ probe first, which a verifying merchant rejects, then the genuine notification', async () => {
    verifyingMerchant();
    await fault({ notify: 'signtest' });

    const outTradeNo = await payOrder();
    const [probe, genuine] = await receiver.waitFor(2);
    const view = await waitForOrder(sandbox, outTradeNo, (order) => order.notifications[0]?.acknowledged);

    expect(String(probe.headers['wechatpay-signature'])).toMatch(/^WECHATPAY\/SIGNTEST\//);
    expect(probe.body).toBe(genuine.body);
    expect(view.notifications[0].attempts.map((attempt) => [attempt.signature, attempt.status])).toEqual([
      ['signtest', 401],
      ['genuine', 204],
    ]);
  });

  it('applies a notify fault to the next `times` notifications, lists it beside path faults, and clears either kind', async () => {
    await fault({ notify: 'drop', times: 2 });
    await fault({ path: '/cgi-bin/stable_token', errcode: -1 });

    const listed = await control<{ faults: unknown[] }>(sandbox, 'GET', '/faults');
    const dropped = [await payOrder(), await payOrder()];
    const delivered = await payOrder();
    await receiver.waitFor(1);

    expect(listed.body.faults).toEqual([
      { path: '/cgi-bin/stable_token', errcode: -1, errmsg: 'system error', remaining: 1 },
      { notify: 'drop', remaining: 2, delaySeconds: 60 },
    ]);
    for (const outTradeNo of dropped) expect((await orderView(sandbox, outTradeNo)).notifications[0].mode).toBe('drop');
    expect((await orderView(sandbox, delivered)).notifications[0].mode).toBe('normal');

    await fault({ notify: 'duplicate', times: 5 });
    const clearNotify = await fetch(`${sandbox.url}/__sandbox/faults?notify`, { method: 'DELETE' });
    expect(await clearNotify.json()).toEqual({ cleared: 1 });
    await fault({ notify: 'delay' });
    const clearAll = await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
    expect(await clearAll.json()).toEqual({ cleared: 2 });
    expect((await control<{ faults: unknown[] }>(sandbox, 'GET', '/faults')).body.faults).toEqual([]);
  });

  it('rejects a bad notify fault with 400 naming the field', async () => {
    expect((await fault({ notify: 'lost' })).body).toEqual({ error: 'notify must be one of normal, drop, duplicate, delay, signtest' });
    expect((await fault({ notify: 'drop', times: 0 })).body).toEqual({ error: 'times must be a positive integer' });
    expect((await fault({ notify: 'delay', delaySeconds: -1 })).body).toEqual({ error: 'delaySeconds must be a number of seconds, 0 or more' });
    expect((await control<{ faults: unknown[] }>(sandbox, 'GET', '/faults')).body.faults).toEqual([]);
  });

  it('signs with the WeChat Pay public key (PUB_KEY_ID_…) in public-key mode; the library verifies once the key is seeded', async () => {
    const merchant = await control<{ verification: string; publicKeyId: string; publicKeyPem: string }>(sandbox, 'POST', '/merchant', { verification: 'public_key' });
    // wechatpay-node-v3 has no public-key mode: a merchant seeds its key map with the id (§1.3).
    (Pay as unknown as { certificates: Record<string, string> }).certificates[merchant.body.publicKeyId] = merchant.body.publicKeyPem;
    verifyingMerchant();

    const outTradeNo = await payOrder();
    const [received] = await receiver.waitFor(1);

    expect(merchant.body.verification).toBe('public_key');
    expect(received.headers['wechatpay-serial']).toMatch(/^PUB_KEY_ID_01\d+$/);
    expect(received.headers['wechatpay-serial']).toBe(sandbox.payKeys.publicKeyId);
    expect((await waitForOrder(sandbox, outTradeNo, (order) => order.notifications[0]?.acknowledged)).notifications[0].attempts[0].status).toBe(204);
  });

  it('sends refund notifications without a notify_url to the merchant platform’s configured URL', async () => {
    const platformUrl = notifyUrl.replace('/notify', '/platform-refunds');
    await control(sandbox, 'POST', '/merchant', { notifyUrl: platformUrl });
    const outTradeNo = await payOrder();
    await receiver.waitFor(1);

    await pay.refunds({ out_trade_no: outTradeNo, out_refund_no: 'RP' + outTradeNo, amount: { refund: 100, total: 5000, currency: 'CNY' } });
    const [, refund] = await receiver.waitFor(2);

    expect(JSON.parse(refund.body)).toMatchObject({ event_type: 'REFUND.SUCCESS' });
    expect((await control(sandbox, 'GET', '/merchant')).body.notifyUrl).toBe(platformUrl);
    expect((await control(sandbox, 'POST', '/merchant', { notifyUrl: 'ftp://x' })).status).toBe(400);
  });

  it('/pay refuses an unknown prepay_id (404) and a missing one (400)', async () => {
    expect((await control(sandbox, 'POST', '/pay', { prepay_id: 'wx000' })).status).toBe(404);
    expect((await control(sandbox, 'POST', '/pay', {})).body).toEqual({ error: 'prepay_id is required' });
    expect((await control(sandbox, 'GET', '/pay/orders/nope')).status).toBe(404);
  });
});
