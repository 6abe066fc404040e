import { NOTIFICATION_KIND_LABELS, NOTIFICATION_KINDS, type MemberMessageSettings, type NotificationKind } from '@wemember/shared';
import { aPhone, TestStack } from '../support/stack';
import { configureSubscribeTemplates, subscribeTemplateOf } from '../support/subscribe-templates';
import type { MiniProgram } from './harness/mini-program';
import type { PageView } from './harness/page-view';
import { Phones } from './harness/phones';

/**
 * 消息设置 in the weapp build (the `messages` subpackage), mirroring test/browser/messages: every
 * kind with its switch and how it reaches the member; a switch persists; 开启消息提醒 opens
 * WeChat's subscribe dialog with at most 3 templates per tap (the harness refuses more, and any
 * call outside a tap), the most useful first, then 继续开启 for the rest; an accept shows 剩 1 次
 * and the server counts the credit. After joining, the card offers 开启积分变动提醒 once.
 */
describe('weapp: 消息设置 and subscribing to messages', () => {
  let stack: TestStack;
  const phones = new Phones(() => stack);

  beforeAll(async () => {
    stack = await TestStack.start();
    await configureSubscribeTemplates(stack);
  });
  afterEach(() => phones.closeAll());
  afterAll(() => stack?.close());

  async function settingsOf(token: string): Promise<MemberMessageSettings> {
    const result = await stack.api<MemberMessageSettings>('GET', '/member/messages/settings', { token });
    if (result.status !== 200) throw new Error(`GET /member/messages/settings: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }
  const kindOf = (settings: MemberMessageSettings, kind: NotificationKind) => settings.kinds.find((k) => k.kind === kind)!;
  const delivery = (page: PageView, kind: NotificationKind) => page.text(`.msg-kind--${kind} .msg-kind__delivery`);
  /** The answers the phone has had for `method` on the member's message settings (the switch moves before its PUT is answered). */
  const answered = (mp: MiniProgram, method: 'GET' | 'PUT') => mp.device.network.sent.filter((sent) => sent.method === method && sent.path === '/api/member/messages/settings').length;

  /** A member who joined over the API, on their own phone, opening 我的 › 消息设置. */
  async function openSettings(): Promise<{ mp: MiniProgram; page: PageView; token: string }> {
    const { openid } = await stack.loginCode();
    const { token } = await stack.join(aPhone(), { openid, scene: stack.chain.counterScenes.HZ001 });
    await stack.printCode(stack.chain.counterScenes.HZ001);
    const launch = await stack.wechat<{ path: string; query: { scene: string } }>('/scan', { scene: stack.chain.counterScenes.HZ001 });
    const mp = await phones.launch({ path: launch.path, query: launch.query, openid });
    await mp.waitForPage('pages/card/index', /会员号 ?\d{10}/);
    await mp.tapTab('我的');
    const me = await mp.waitForPage('pages/me/index', '消息设置');
    expect(me.text('.me-link-messages')).toBe('消息设置积分、余额和优惠券变动提醒›');
    await me.tap('.me-link-messages');
    const page = await mp.waitForPage('messages/settings/index', '接收哪些消息');
    await mp.waitFor(() => page.has('.msg-kind'), 'the kinds');
    return { mp, page, token };
  }

  it('lists every kind with its switch; a switch persists and its answer shows', async () => {
    const { mp, page, token } = await openSettings();
    expect(page.texts('.msg-kind__label')).toEqual(NOTIFICATION_KINDS.map((k) => NOTIFICATION_KIND_LABELS[k]));
    expect(page.texts('.msg-kind__delivery')).toEqual(NOTIFICATION_KINDS.map(() => '未开启提醒'));
    // Every kind is wanted until the member says otherwise.
    expect(NOTIFICATION_KINDS.map((k) => page.property(`.msg-kind--${k} .msg-kind-switch`, 'checked'))).toEqual(NOTIFICATION_KINDS.map(() => true));
    expect(page.text('.msg-follow')).toBe('关注品牌公众号，消息会通过公众号通知送达，不用每次订阅，也不限次数。');
    expect(page.text('.msg-quiet')).toBe('全天都会及时通知');

    // 生日祝福 off: the switch, the line under it and the server agree.
    const puts = answered(mp, 'PUT');
    await page.toggle('.msg-kind--birthday .msg-kind-switch');
    await mp.waitFor(() => answered(mp, 'PUT') === puts + 1, 'the change saved');
    expect(delivery(page, 'birthday')).toBe('已关闭');
    expect(page.property('.msg-kind--birthday .msg-kind-switch', 'checked')).toBe(false);
    expect(kindOf(await settingsOf(token), 'birthday').enabled).toBe(false);

    // On again, its answer lost on the way back: the page asks what the server holds and shows
    // that (the change went through), with nothing to complain about.
    const gets = answered(mp, 'GET');
    mp.device.network.loseNextAnswer('PUT', '/member/messages/settings');
    await page.toggle('.msg-kind--birthday .msg-kind-switch');
    await mp.waitFor(() => answered(mp, 'GET') === gets + 1, 'the settings asked again');
    await mp.waitFor(() => page.property('.msg-kind--birthday .msg-kind-switch', 'checked') === true, 'the switch as the server holds it');
    expect(delivery(page, 'birthday')).toBe('未开启提醒');
    expect(kindOf(await settingsOf(token), 'birthday').enabled).toBe(true);
    expect(mp.device.screen.toasts).toEqual([]);

    // Shown again, the page shows what the server keeps.
    await mp.back();
    await mp.page.tap('.me-link-messages');
    const again = await mp.waitForPage('messages/settings/index', '接收哪些消息');
    await mp.waitFor(() => again.has('.msg-kind'), 'the kinds');
    expect(again.property('.msg-kind--birthday .msg-kind-switch', 'checked')).toBe(true);
  });

  it('asks for at most 3 templates per tap, the most useful first; an accept shows 剩 1 次 and the server holds the credit', async () => {
    const { mp, page, token } = await openSettings();
    // 生日祝福 off: not asked for.
    await page.toggle('.msg-kind--birthday .msg-kind-switch');
    await mp.waitFor(() => answered(mp, 'PUT') === 1, 'the change saved');
    expect(delivery(page, 'birthday')).toBe('已关闭');
    expect(page.text('.msg-subscribe-button')).toBe('开启消息提醒');
    expect(mp.device.subscribeRequests).toEqual([]);

    for (const kind of NOTIFICATION_KINDS) mp.device.subscribeAnswers.set(subscribeTemplateOf(kind), 'accept');
    mp.device.subscribeAnswers.set(subscribeTemplateOf('balance_changed'), 'reject');
    await page.tap('.msg-subscribe-button');
    await mp.waitFor(() => delivery(page, 'points_changed') === '订阅消息 · 剩 1 次', 'the accepted template counted');
    expect(mp.device.subscribeRequests).toEqual([['points_changed', 'balance_changed', 'coupon_received'].map((k) => subscribeTemplateOf(k as NotificationKind))]);
    expect(delivery(page, 'balance_changed')).toBe('未开启提醒');
    expect(delivery(page, 'coupon_received')).toBe('订阅消息 · 剩 1 次');
    expect(delivery(page, 'points_expiring')).toBe('未开启提醒');
    expect(page.text('.msg-notice')).toBe('已开启 2 种消息提醒，每次允许可收到一条');
    let held = await settingsOf(token);
    expect(kindOf(held, 'points_changed')).toMatchObject({ channel: 'subscribe', credits: 1 });
    expect(kindOf(held, 'coupon_received')).toMatchObject({ channel: 'subscribe', credits: 1 });
    expect(kindOf(held, 'balance_changed')).toMatchObject({ channel: null, credits: 0 });

    // The rest needs its own tap: WeChat shows at most 3 in one dialog.
    expect(page.text('.msg-subscribe-button')).toBe('继续开启');
    expect(page.text('.msg-subscribe__more')).toBe('还有 3 项提醒待开启，微信每次最多 3 项');
    await page.tap('.msg-subscribe-button');
    await mp.waitFor(() => delivery(page, 'tier_changed') === '订阅消息 · 剩 1 次', 'the second batch counted');
    expect(mp.device.subscribeRequests[1]).toEqual(['points_expiring', 'coupon_expiring', 'tier_changed'].map((k) => subscribeTemplateOf(k as NotificationKind)));
    expect(mp.device.subscribeRequests.every((ids) => ids.length <= 3)).toBe(true);
    expect(page.text('.msg-subscribe-button')).toBe('开启消息提醒');
    held = await settingsOf(token);
    expect(kindOf(held, 'points_expiring')).toMatchObject({ channel: 'subscribe', credits: 1 });
    expect(kindOf(held, 'birthday')).toMatchObject({ enabled: false, credits: 0 });
  });

  it('offers 开启余额变动提醒 once a recharge has arrived, and asks only on the tap', async () => {
    const { mp, token } = await openSettings();
    await mp.back();
    await mp.page.tap('.me-link-recharge');
    const recharge = await mp.waitForPage('wallet/recharge/index', '充100');
    mp.device.payAnswers.push('pay');
    await recharge.tap('.recharge-pay');
    const result = await mp.waitForPage('wallet/result/index');
    // The result page asks on the test's clock until WeChat Pay's word has credited the recharge.
    for (let asked = 1; !(await mp.waitFor(() => result.has('.result-credited'), 'the credit', 1_500).then(() => true, () => false)); asked++) {
      if (asked > 10) throw new Error(`never credited: ${result.screenText()}`);
      await mp.advance(2_000);
    }
    await mp.waitFor(() => result.has('.result-subscribe .subscribe-prompt__button'), 'the offer');
    expect(result.text('.result-subscribe .subscribe-prompt__button')).toBe('开启余额变动提醒');
    expect(mp.device.subscribeRequests).toEqual([]);

    mp.device.subscribeAnswers.set(subscribeTemplateOf('points_changed'), 'accept');
    mp.device.subscribeAnswers.set(subscribeTemplateOf('balance_changed'), 'accept');
    await result.tap('.result-subscribe .subscribe-prompt__button');
    await mp.waitFor(() => result.has('.subscribe-prompt__result'), 'the answer');
    expect(result.text('.subscribe-prompt__result')).toBe('已开启，有变动时会在微信里提醒你');
    expect(mp.device.subscribeRequests).toEqual([[subscribeTemplateOf('points_changed'), subscribeTemplateOf('balance_changed')]]);
    const held = await settingsOf(token);
    expect(kindOf(held, 'balance_changed')).toMatchObject({ channel: 'subscribe', credits: 1 });
    expect(kindOf(held, 'points_changed')).toMatchObject({ channel: 'subscribe', credits: 1 });
  });

  it('offers 开启积分变动提醒 on the card after joining, once', async () => {
    await stack.printCode(stack.chain.counterScenes.HZ001);
    const launch = await stack.wechat<{ path: string; query: { scene: string } }>('/scan', { scene: stack.chain.counterScenes.HZ001 });
    const mp = await phones.launch({ path: launch.path, query: launch.query });
    const join = await mp.waitForPage('pages/join/index', '我已阅读并同意');
    await join.tap('.join-check');
    await mp.waitFor(() => join.has('.join-check--on'), 'the tick');
    await join.pressPhoneButton('.join-submit', { allow: aPhone() });
    const card = await mp.waitForPage('pages/card/index', '开启积分变动提醒');
    expect(card.text('.card-subscribe .subscribe-prompt__hint')).toBe('积分到账、抵扣时在微信里提醒你');
    // Nothing is asked of WeChat until the shopper taps.
    expect(mp.device.subscribeRequests).toEqual([]);

    mp.device.subscribeAnswers.set(subscribeTemplateOf('points_changed'), 'accept');
    await card.tap('.card-subscribe .subscribe-prompt__button');
    await mp.waitFor(() => card.has('.subscribe-prompt__result'), 'the answer');
    expect(card.text('.subscribe-prompt__result')).toBe('已开启，有变动时会在微信里提醒你');
    expect(mp.device.subscribeRequests).toEqual([[subscribeTemplateOf('points_changed')]]);
    const { token } = mp.device.storage.get('wemember.member-session') as { token: string };
    expect(kindOf(await settingsOf(token), 'points_changed')).toMatchObject({ channel: 'subscribe', credits: 1 });

    // Remembered: the card does not offer it again.
    await mp.reLaunch('/pages/card/index');
    await mp.waitForPage('pages/card/index', /会员号 ?\d{10}/);
    expect(mp.page.has('.card-subscribe')).toBe(false);
  });
});
