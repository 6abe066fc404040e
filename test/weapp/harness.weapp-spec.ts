import { Recharger } from '../support/recharge';
import { TestStack } from '../support/stack';
import { Phones } from './harness/phones';

type Callbacks = { success?: (res: any) => void; fail?: (res: any) => void };
type Wx = Record<string, (options?: Callbacks & Record<string, unknown>) => unknown>;

/** Calls a callback-style wx API and resolves with how it answered. */
function call(wx: Wx, api: string, options: Record<string, unknown> = {}): Promise<{ ok: boolean; res: any }> {
  return new Promise((resolve) => {
    wx[api]({ ...options, success: (res) => resolve({ ok: true, res }), fail: (res) => resolve({ ok: false, res }) });
  });
}

/**
 * The harness itself keeps WeChat's rules, so that a page breaking one fails its test: unknown
 * APIs, request methods WeChat lacks, routing rules, and the app's timers waiting for the clock.
 */
describe('weapp harness: WeChat’s rules', () => {
  let stack: TestStack;
  const phones = new Phones(() => stack);

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterEach(() => phones.closeAll());
  afterAll(() => stack?.close());

  it('refuses what WeChat refuses, naming it', async () => {
    const mp = await phones.launch({ path: 'pages/join/index' });
    await mp.waitForPage('pages/join/index', '员工入口');
    const wx = mp.wx as Wx;

    // A WeChat API the harness does not provide: listed (Taro builds Taro.xxx from the keys), but calling it fails.
    expect(Object.keys(wx)).toContain('openLocation');
    expect(() => wx.openLocation({})).toThrow('wx.openLocation is not provided by the weapp test harness');
    // PATCH is not a method of wx.request.
    const patch = await call(wx, 'request', { url: 'http://127.0.0.1:3000/api/member/profile', method: 'PATCH', data: {} });
    expect(patch.ok).toBe(false);
    // Only the API this build talks to.
    const elsewhere = await call(wx, 'request', { url: 'https://example.com/' });
    expect(elsewhere).toMatchObject({ ok: false, res: { errMsg: 'request:fail url not in domain list' } });
    expect(mp.errors).toEqual([
      expect.stringContaining('wx.openLocation was called'),
      expect.stringContaining('wx.request with method PATCH'),
      expect.stringContaining('wx.request to https://example.com/'),
    ]);
    mp.errors.length = 0;

    // Routing as WeChat routes: unknown pages, tab pages only by switchTab, no going back from the first page.
    expect(await call(wx, 'navigateTo', { url: '/pages/nope/index' })).toMatchObject({ ok: false, res: { errMsg: 'navigateTo:fail page "pages/nope/index" is not found' } });
    expect(await call(wx, 'navigateTo', { url: '/pages/card/index' })).toMatchObject({ ok: false, res: { errMsg: 'navigateTo:fail can not navigateTo a tabbar page' } });
    expect(await call(wx, 'switchTab', { url: '/pages/join/index' })).toMatchObject({ ok: false });
    expect(await call(wx, 'navigateBack')).toMatchObject({ ok: false, res: { errMsg: 'navigateBack:fail cannot navigate back at first page.' } });
    // (a relative URL is relative to the page: pages/join/staff/login/index does not exist)
    expect(await call(wx, 'navigateTo', { url: 'staff/login/index' })).toMatchObject({ ok: false });
    expect(await call(wx, 'navigateTo', { url: '/staff/login/index' })).toMatchObject({ ok: true });
    expect(mp.routes).toEqual(['pages/join/index', 'staff/login/index']);
    const getCurrentPages = (mp as unknown as { globals(): { getCurrentPages(): object[] } }).globals().getCurrentPages;
    expect(getCurrentPages().at(-1)).toBe(mp.page.instance);
  });

  it('pays with wx.requestPayment only what WeChat would accept, and only when the test says the user pays', async () => {
    const mp = await phones.launch({ path: 'pages/join/index' });
    await mp.waitForPage('pages/join/index', '员工入口');
    const wx = mp.wx as Wx;
    const created = await (await Recharger.join(stack)).order('充300送20');
    expect(created.status).toBe(201);
    const { orderNo, payParams } = created.body;

    // The test gave no answer: the sheet is closed and the test is told.
    expect(await call(wx, 'requestPayment', { ...payParams })).toMatchObject({ ok: false, res: { errMsg: 'requestPayment:fail cancel' } });
    // Parameters the merchant did not sign: WeChat refuses them before showing anything.
    mp.device.payAnswers.push('pay');
    expect(await call(wx, 'requestPayment', { ...payParams, package: 'prepay_id=wx00000000000000000000000000000000' })).toMatchObject({
      ok: false,
      res: { errMsg: 'requestPayment:fail 支付验证签名失败' },
    });
    expect(mp.errors).toEqual([expect.stringContaining('gave no answer (device.payAnswers)'), expect.stringContaining('the paySign does not verify')]);
    mp.errors.length = 0;
    expect((await stack.wechat<{ trade_state: string }>(`/pay/orders/${orderNo}`)).trade_state).toBe('NOTPAY');

    // Called without callbacks it is a promise, as in WeChat; the user pays and WeChat Pay has the money.
    mp.device.payAnswers.push('pay');
    await expect(wx.requestPayment({ ...payParams })).resolves.toMatchObject({ errMsg: 'requestPayment:ok' });
    expect((await stack.wechat<{ trade_state: string }>(`/pay/orders/${orderNo}`)).trade_state).toBe('SUCCESS');
  });

  it('opens the subscribe dialog only from a tap, with at most 3 templates, and accepts in the sandbox what the user accepts', async () => {
    const { openid } = await stack.loginCode();
    const mp = await phones.launch({ path: 'pages/join/index', openid });
    await mp.waitForPage('pages/join/index', '员工入口');
    const wx = mp.wx as Wx;
    mp.device.subscribeAnswers.set('T1', 'accept');

    // Outside a tap WeChat refuses at once.
    expect(await call(wx, 'requestSubscribeMessage', { tmplIds: ['T1'] })).toMatchObject({
      ok: false,
      res: { errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.' },
    });
    // From a tap's handler: more than 3 templates is refused, 3 or fewer are asked.
    let answered: Promise<{ ok: boolean; res: any }>[] = [];
    mp.device.tapping = true;
    try {
      answered = [call(wx, 'requestSubscribeMessage', { tmplIds: ['T1', 'T2', 'T3', 'T4'] }), call(wx, 'requestSubscribeMessage', { tmplIds: ['T1'] })];
    } finally {
      mp.device.tapping = false;
    }
    const [four, one] = await Promise.all(answered);
    expect(four).toMatchObject({ ok: false, res: { errMsg: 'requestSubscribeMessage:fail Templates count out of max bounds' } });
    expect(one).toMatchObject({ ok: true, res: { errMsg: 'requestSubscribeMessage:ok', T1: 'accept' } });
    expect(mp.device.subscribeRequests).toEqual([['T1']]);
    expect(mp.errors).toEqual([expect.stringContaining('outside a tap'), expect.stringContaining('asked for 4 templates at once')]);
    mp.errors.length = 0;
    // The accept is one send of T1 to this user in WeChat.
    expect(await stack.wechat('/subscribe-accept', { appid: stack.appid, openid, templateId: 'T1', times: 1 })).toMatchObject({ credits: 2 });
  });

  it('keeps storage as copies and runs the app’s long timers only when the test moves the clock', async () => {
    const mp = await phones.launch({ path: 'pages/join/index' });
    await mp.waitForPage('pages/join/index', '员工入口');
    const wx = mp.wx as unknown as Record<string, (...args: unknown[]) => unknown>;
    const value = { a: 1 };
    wx.setStorageSync('k', value);
    value.a = 2;
    expect(wx.getStorageSync('k')).toEqual({ a: 1 });
    expect(wx.getStorageSync('missing')).toBe('');

    let fired = 0;
    mp.timers.setTimeout(() => (fired += 1), 60_000);
    const started = mp.timers.Date.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fired).toBe(0);
    await mp.advance(59_000);
    expect(fired).toBe(0);
    await mp.advance(1_000);
    expect(fired).toBe(1);
    // The phone's clock is the stack's: moved with it.
    expect(mp.timers.Date.now() - started).toBeGreaterThanOrEqual(60_000);
    expect(Math.abs(mp.timers.Date.now() - stack.clock.now())).toBeLessThan(50);
  });
});
