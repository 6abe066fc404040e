import type { MemberCard } from '@wemember/shared';
import { aPhone, TestStack } from '../support/stack';
import type { MiniProgram } from './harness/mini-program';
import { Phones } from './harness/phones';

/**
 * The member pages of the weapp build, mirroring test/browser/join-card: a shopper scans a store's
 * code in WeChat, lands on the join page of that store, answers WeChat's phone-number dialog and
 * gets the card whose code is the live member code a clerk's scan resolves.
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

  it('refusing the phone-number dialog explains why the number is needed and records nothing', async () => {
    const launch = await scanStoreCode('HZ001');
    const before = await stack.counts();
    const mp = await phones.launch({ path: launch.path, query: launch.query });
    const join = await mp.waitForPage('pages/join/index', '微信手机号一键入会');
    expect(join.text('.join-welcome')).toBe('欢迎来到杭州西湖店');

    await join.pressPhoneButton('.join-submit', 'deny');
    await mp.waitFor(() => join.has('.join-error'), 'the message after the refusal');
    expect(join.text('.join-error')).toBe('授权手机号后即可入会，会员卡就是你的手机号');
    // Still on the join page, the button offered again; no member was made.
    expect(mp.routes).toEqual(['pages/join/index']);
    expect(join.property('.join-submit', 'disabled')).toBe(false);
    expect((await stack.counts()).members).toBe(before.members);
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
    expect(page.text('.card-tier-discount')).toBe(`会员折扣 ${card.tierDiscount}`);
    expect(page.text('.member-code-notice')).toBe('每分钟自动更新，截图无效');

    // The code on screen is the one the server issues now: a clerk's scan finds this member.
    await mp.waitFor(() => /^\d{20}$/.test(codeOnCard(mp)), 'the member code');
    const first = codeOnCard(mp);
    expect(first.startsWith(card.memberNo)).toBe(true);
    const clerk = await stack.staffToken('clerk');
    const resolved = await stack.api('POST', '/staff/members/resolve', { token: clerk, body: { code: first } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.memberNo).toBe(card.memberNo);

    // The countdown ticks with the phone's clock…
    const countdown = () => Number(/(\d+) 秒后更新/.exec(page.text('.member-code-countdown'))![1]);
    const shown = countdown();
    expect(shown).toBeGreaterThan(5);
    // (the second hand and the refresh wait for the test's clock)
    expect(mp.timers.pending).toBe(2);
    await mp.advance(1000);
    await mp.waitFor(() => countdown() < shown, 'the countdown a second on');

    // …and when it runs out the card fetches a new code by itself.
    await mp.advance(shown * 1000);
    await mp.waitFor(() => /^\d{20}$/.test(codeOnCard(mp)) && codeOnCard(mp) !== first, 'a new code');
    const second = codeOnCard(mp);
    const again = await stack.api('POST', '/staff/members/resolve', { token: clerk, body: { code: second } });
    expect(again.body.memberNo).toBe(card.memberNo);

    // 积分 opens the points page: no points yet, and how to earn them.
    await page.tap('.card-points-link');
    const points = await mp.waitForPage('pages/points/index', '还没有积分记录');
    expect(points.text('.points-balance')).toBe('0');
    expect(points.text('.points-empty__hint')).toBe('结账时出示会员卡上的会员码，消费即可累积积分');
    expect(mp.routes).toEqual(['pages/card/index', 'pages/points/index']);
  });
});
