import type { MemberCard } from '@wemember/shared';
import { ACCEPTED_AGREEMENTS, aPhone, TestStack } from '../support/stack';
import type { MiniProgram } from './harness/mini-program';
import { Phones } from './harness/phones';

const TICK_FIRST = '请先阅读并勾选同意《会员协议》和《隐私政策》';

/**
 * The member pages of the weapp build, mirroring test/browser/join-card and the join part of
 * test/browser/member-centre: a shopper scans a store's code in WeChat, lands on the join page of
 * that store, ticks the agreements, answers WeChat's phone-number dialog and gets the card whose
 * code is the live member code a clerk's scan resolves.
 */
describe('weapp: scan a store code → join → card with the live code → points', () => {
  let stack: TestStack;
  const phones = new Phones(() => stack);

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterEach(() => phones.closeAll());
  afterAll(() => stack?.close());

  /** What WeChat opens when the shopper scans the counter code of `store`. */
  async function scanStoreCode(store: 'HZ001' | 'SH001' | 'GZ001') {
    const scene = stack.chain.counterScenes[store];
    await stack.printCode(scene);
    return stack.wechat<{ path: string; query: { scene: string } }>('/scan', { scene });
  }

  const codeOnCard = (mp: MiniProgram) => mp.page.text('.member-code-text').replace(/\s/g, '');
  const joinsSent = (mp: MiniProgram) => mp.device.network.sent.filter((sent) => sent.path === '/api/auth/phone');

  it('joins from the store code once the agreements are ticked; a refused dialog explains and records nothing', async () => {
    const launch = await scanStoreCode('HZ001');
    const before = await stack.counts();
    const mp = await phones.launch({ path: launch.path, query: launch.query });
    const join = await mp.waitForPage('pages/join/index', '我已阅读并同意');
    expect(join.text('.join-welcome')).toBe('欢迎来到杭州西湖店');
    expect(join.text('.join-consent__text')).toBe('我已阅读并同意《会员协议》和《隐私政策》');
    expect(join.text('.join-submit')).toBe('微信手机号一键入会');
    // The join page has no card yet, so no tab bar.
    expect(mp.tabs).toEqual([]);

    // Not ticked: the button is not WeChat's phone button at all, it only asks.
    expect(join.property('.join-submit', 'openType')).not.toBe('getPhoneNumber');
    await join.tap('.join-submit');
    await mp.waitFor(() => join.has('.join-consent__hint'), 'the request to tick');
    expect(join.text('.join-consent__hint')).toBe(TICK_FIRST);
    expect(joinsSent(mp)).toEqual([]);

    // The 隐私政策 opens with its version, and the back arrow returns to the join page.
    await join.tap('.join-link--privacy');
    const privacy = await mp.waitForPage('pages/agreement/index', '版本');
    await mp.waitFor(() => privacy.all('.agreement-paragraph').length > 3, 'the agreement text');
    expect(privacy.text('.agreement-title')).toBe('隐私政策');
    expect(privacy.text('.agreement-version')).toBe(`版本 ${ACCEPTED_AGREEMENTS.privacy} · 2026年11月1日起生效`);
    expect(mp.device.screen.titles.at(-1)).toBe('隐私政策');
    await mp.back();
    expect(mp.routes).toEqual(['pages/join/index']);

    // Ticked: now it is WeChat's phone button. Refusing the dialog explains why the number is needed.
    await join.tap('.join-check');
    await mp.waitFor(() => join.has('.join-check--on'), 'the tick');
    expect(join.property('.join-submit', 'openType')).toBe('getPhoneNumber');
    await join.pressPhoneButton('.join-submit', 'deny');
    await mp.waitFor(() => join.has('.join-error'), 'the message after the refusal');
    expect(join.text('.join-error')).toBe('授权手机号后即可入会，会员卡就是你的手机号');
    expect(mp.routes).toEqual(['pages/join/index']);
    expect(joinsSent(mp)).toEqual([]);
    expect((await stack.counts()).members).toBe(before.members);

    // Allowing it joins with the versions shown and opens the card, a tab page.
    const phone = aPhone();
    await join.pressPhoneButton('.join-submit', { allow: phone });
    const card = await mp.waitForPage('pages/card/index', /会员号 ?\d{10}/);
    expect(joinsSent(mp)).toHaveLength(1);
    expect((joinsSent(mp)[0].body as { acceptedAgreements: unknown }).acceptedAgreements).toEqual(ACCEPTED_AGREEMENTS);
    expect((await stack.counts()).members).toBe(before.members + 1);
    expect(mp.routes).toEqual(['pages/card/index']);
    expect(mp.tabs).toEqual(['会员卡', '积分', '我的']);
    expect(card.text('.card-welcome')).toContain('入会成功');
    expect(card.text('.card-tier')).toBe('普通会员');
    expect(card.text('.card-phone')).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    // A fresh card has no member price: no pill saying so.
    expect(card.has('.card-tier-discount')).toBe(false);

    // The code on screen is the one the server issues now: a clerk's scan finds this member.
    await mp.waitFor(() => /^\d{20}$/.test(codeOnCard(mp)), 'the member code');
    const memberNo = card.text('.card-member-no');
    const clerk = await stack.staffToken('clerk');
    const resolved = await stack.api('POST', '/staff/members/resolve', { token: clerk, body: { code: codeOnCard(mp) } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.memberNo).toBe(memberNo);
    expect(resolved.body.homeStoreName).toBe('杭州西湖店');

    // 积分 in the tab bar: nothing earned yet, and how to earn it.
    await mp.tapTab('积分');
    const points = await mp.waitForPage('pages/points/index', '还没有积分记录');
    expect(points.text('.points-balance')).toBe('0');
    expect(points.text('.points-empty__hint')).toBe('结账时出示会员卡上的会员码，消费即可累积积分');
    expect(mp.routes).toEqual(['pages/points/index']);
  });

  it('a member scanning again goes straight to the card, whose code is live and refreshes on the minute', async () => {
    const phone = aPhone();
    const { openid } = await stack.loginCode();
    const joined = await stack.join(phone, { openid, scene: stack.chain.counterScenes.SH001 });
    const card = (await stack.api<MemberCard>('GET', '/member/card', { token: joined.token })).body;

    const launch = await scanStoreCode('GZ001');
    const mp = await phones.launch({ path: launch.path, query: launch.query, openid });
    const page = await mp.waitForPage('pages/card/index', card.memberNo);
    expect(mp.routes).toEqual(['pages/card/index']);
    expect(page.text('.card-tier')).toBe(card.tierName);
    expect(page.text('.card-phone')).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect(page.text('.member-code-notice')).toBe('每分钟自动更新，截图无效');

    await mp.waitFor(() => /^\d{20}$/.test(codeOnCard(mp)), 'the member code');
    const first = codeOnCard(mp);
    expect(first.startsWith(card.memberNo)).toBe(true);
    const clerk = await stack.staffToken('clerk');
    const resolved = await stack.api('POST', '/staff/members/resolve', { token: clerk, body: { code: first } });
    expect(resolved.body.memberNo).toBe(card.memberNo);

    // The countdown ticks with the phone's clock (the second hand and the refresh wait for the
    // test's clock)…
    const countdown = () => Number(/(\d+) 秒后更新/.exec(page.text('.member-code-countdown'))![1]);
    const shown = countdown();
    expect(shown).toBeGreaterThanOrEqual(9);
    expect(mp.timers.pending).toBe(2);
    await mp.advance(1000);
    await mp.waitFor(() => countdown() < shown, 'the countdown a second on');

    // …and when it runs out the card fetches a new code by itself.
    await mp.advance(shown * 1000);
    await mp.waitFor(() => /^\d{20}$/.test(codeOnCard(mp)) && codeOnCard(mp) !== first, 'a new code');
    const again = await stack.api('POST', '/staff/members/resolve', { token: clerk, body: { code: codeOnCard(mp) } });
    expect(again.body.memberNo).toBe(card.memberNo);

    // Tapping 积分 on the card switches to the points tab.
    await page.tap('.card-points-link');
    await mp.waitForPage('pages/points/index', '还没有积分记录');
    expect(mp.routes).toEqual(['pages/points/index']);
    // Back to the card through the tab bar: the card page was kept, and shows a code again.
    await mp.tapTab('会员卡');
    await mp.waitForPage('pages/card/index', card.memberNo);
    expect(mp.page).toBe(page);
  });

  it('another WeChat account verifying the phone takes the card: this phone is sent to join with the reason', async () => {
    const phone = aPhone();
    const { openid } = await stack.loginCode();
    const joined = await stack.join(phone, { openid });
    const mp = await phones.launch({ path: 'pages/join/index', openid });
    await mp.waitForPage('pages/card/index', joined.member!.memberNo);

    // The same number verified on another WeChat account: the card goes there.
    const other = await stack.join(phone, { openid: `o${Date.now().toString(36)}takeover` });
    expect(other.member!.memberNo).toBe(joined.member!.memberNo);

    // Back from the background, the card finds its login refused and leaves for the join page.
    await mp.background();
    await mp.foreground();
    // (Both the card and its code are refused, and each sends the shopper to the join page: the
    // page on screen is the last one opened.)
    await mp.waitForPage('pages/join/index', '其他微信');
    const join = await mp.waitFor(() => mp.page.has('.join-check') && mp.page, 'the agreements to tick');
    expect(mp.routes).toEqual(['pages/join/index']);
    expect(join.text('.join-notice')).toContain('其他微信');
    expect(mp.device.storage.get('wemember.member-session')).toBe('');

    // Verifying the phone here again brings the same card back: 欢迎回来.
    await join.tap('.join-check');
    await mp.waitFor(() => join.property('.join-submit', 'openType') === 'getPhoneNumber', 'the phone button');
    await join.pressPhoneButton('.join-submit', { allow: phone });
    const card = await mp.waitForPage('pages/card/index', joined.member!.memberNo);
    expect(card.text('.card-welcome')).toContain('欢迎回来');
  });
});
