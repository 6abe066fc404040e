import type { GiftSettings, LoyaltySettings } from '@wemember/shared';
import { createTemplate } from '../support/coupons';
import { aPhone, TestStack } from '../support/stack';
import type { MiniProgram } from './harness/mini-program';
import { Phones } from './harness/phones';

/**
 * 10:00 in Shanghai: 25 November 2026 is a Wednesday (会员日), the 26th a Thursday. Days of the
 * past week, so the tokens the phone keeps are not yet expired by its clock.
 */
const WEDNESDAY = '2026-11-25T02:00:00Z';
const THURSDAY = '2026-11-26T02:00:00Z';

/**
 * 会员日 on the card of the weapp build: on a Wednesday the banner says what the day gives and
 * takes the member-day coupons once (the card's coupon count follows); the birthday bonus shows in
 * the birthday month; on Thursday the card keeps one quiet line with the next member day.
 */
describe('weapp: 会员日 and the birthday bonus on the card', () => {
  let stack: TestStack;
  const phones = new Phones(() => stack);
  let shopper: MiniProgram;

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(async () => {
    await phones.closeAll();
    await stack?.close();
  });

  it('announces member day, takes its coupons once, and says when the next one comes', async () => {
    stack.clock.travelTo(WEDNESDAY);
    const admin = await stack.staffToken('admin');
    const marketer = await stack.staffToken('marketer');
    // 会员日: double points and an extra 2 % off; two 满50减8 coupons to take.
    const loyalty = await stack.api<LoyaltySettings>('GET', '/staff/settings/loyalty', { token: admin });
    const rules = loyalty.body.rules;
    const savedRules = await stack.api('PUT', '/staff/settings/loyalty', {
      token: admin,
      body: { version: loyalty.body.version, rules: { ...rules, earning: { ...rules.earning, memberDay: { ...rules.earning.memberDay, discountOffPercent: 2 } } } },
    });
    expect(savedRules.status).toBe(200);
    const coupon = await createTemplate(stack, marketer, { name: '会员日满50减8', valueFen: 800, thresholdFen: 5_000, claimable: false, stock: 1_000, perMemberLimit: 1 });
    const gifts = await stack.api<GiftSettings>('GET', '/staff/settings/gifts', { token: marketer });
    const savedGifts = await stack.api('PUT', '/staff/settings/gifts', {
      token: marketer,
      body: { welcome: { points: 0, coupons: [] }, tierPacks: [], memberDay: { coupons: [{ templateId: coupon.id, quantity: 2 }] }, version: gifts.body.version },
    });
    expect(savedGifts.status).toBe(200);

    const { openid } = await stack.loginCode();
    const token = (await stack.join(aPhone(), { openid, scene: stack.chain.counterScenes.HZ001 })).token;
    expect((await stack.api('PUT', '/member/birthday', { token, body: { birthday: '1994-11-28' } })).status).toBe(200);

    await stack.printCode(stack.chain.counterScenes.HZ001);
    const launch = await stack.wechat<{ path: string; query: { scene: string } }>('/scan', { scene: stack.chain.counterScenes.HZ001 });
    shopper = await phones.launch({ path: launch.path, query: launch.query, openid });
    const card = await shopper.waitForPage('pages/card/index', '今天是会员日');
    expect(card.text('.member-day-banner__title')).toBe('今天是会员日 · 积分2倍 · 额外9.8折');
    expect(card.text('.member-day-banner__coupons')).toBe('会员日礼券：满50减8 ×2');
    expect(card.text('.member-day-birthday')).toBe('生日礼遇生日月消费积分 2 倍');
    await shopper.waitFor(() => card.text('.card-coupon-count') === '0 张可用 ›', 'the coupon count');

    await card.tap('.member-day-claim');
    await shopper.waitFor(() => card.has('.member-day-claimed'), 'the claim');
    expect(card.text('.member-day-claimed')).toBe('已领取 会员日满50减8 ×2，已放入我的券 ›');
    expect(card.has('.member-day-claim')).toBe(false);
    await shopper.waitFor(() => card.text('.card-coupon-count') === '2 张可用 ›', 'the coupon count after the claim');
    const mine = await stack.api('GET', '/member/coupons?status=usable', { token });
    expect(mine.body.coupons.map((c: { name: string; sourceName: string }) => [c.name, c.sourceName])).toEqual([
      ['会员日满50减8', '会员日礼券'],
      ['会员日满50减8', '会员日礼券'],
    ]);

    // Back on the card later the same day: taken already, nothing more to take.
    await shopper.tapTab('我的');
    await shopper.waitForPage('pages/me/index');
    await shopper.tapTab('会员卡');
    const again = await shopper.waitForPage('pages/card/index', '已领取 会员日满50减8 ×2');
    expect(again.has('.member-day-claim')).toBe(false);
    // Another phone of the same shopper (a fresh launch) reads it from the server.
    const other = await phones.launch({ path: launch.path, query: launch.query, openid });
    const fresh = await other.waitForPage('pages/card/index', '今日礼券已领取，去我的券查看 ›');
    expect(fresh.has('.member-day-claim')).toBe(false);

    // Thursday: a quiet line with the next member day.
    stack.clock.travelTo(THURSDAY);
    await shopper.tapTab('我的');
    await shopper.waitForPage('pages/me/index');
    await shopper.tapTab('会员卡');
    const thursday = await shopper.waitForPage('pages/card/index', '会员日：每周三');
    expect(thursday.has('.member-day-banner')).toBe(false);
    expect(thursday.text('.member-day-line__next')).toBe('下次 12月2日 · 积分2倍 · 额外9.8折');
  });
});
