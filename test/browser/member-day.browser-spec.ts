import type { GiftSettings, LoyaltySettings } from '@wemember/shared';
import type { Page } from 'playwright-core';
import { BrowserHarness, textOf, visible } from '../support/browser';
import { createTemplate } from '../support/coupons';
import { aPhone, type TestStack } from '../support/stack';

/** 10:00 in Shanghai: 25 November 2026 is a Wednesday (会员日), the 26th a Thursday. */
const WEDNESDAY = '2026-11-25T02:00:00Z';
const THURSDAY = '2026-11-26T02:00:00Z';

/**
 * 会员日 on the card in a real browser on the H5 build: the banner with the day's perks and its
 * coupons taken with one tap, the birthday bonus under it, the quiet line on Thursday, and the tier
 * page listing the tier's birthday coupon.
 */
describe('H5 in Chromium: 会员日 and birthdays on the card', () => {
  let stack: TestStack;
  let browser: BrowserHarness;
  let shopper: Page;

  beforeAll(async () => {
    browser = await BrowserHarness.start();
    stack = browser.stack;
  });
  afterAll(() => browser?.close());


  it('announces member day, takes its coupons, and lists the birthday coupon among the tier benefits', async () => {
    stack.clock.travelTo(WEDNESDAY);
    const admin = await stack.staffToken('admin');
    const marketer = await stack.staffToken('marketer');
    const loyalty = await stack.api<LoyaltySettings>('GET', '/staff/settings/loyalty', { token: admin });
    const rules = loyalty.body.rules;
    const body = { version: loyalty.body.version, rules: { ...rules, earning: { ...rules.earning, memberDay: { ...rules.earning.memberDay, discountOffPercent: 2 } } } };
    expect((await stack.api('PUT', '/staff/settings/loyalty', { token: admin, body })).status).toBe(200);
    const dayCoupon = await createTemplate(stack, marketer, { name: '会员日满50减8', valueFen: 800, thresholdFen: 5_000, claimable: false, stock: 1_000, perMemberLimit: 1 });
    const cake = await createTemplate(stack, marketer, { name: '生日蛋糕券', type: 'gift', giftName: '生日蛋糕一个', valueFen: undefined, thresholdFen: undefined, claimable: false, stock: 1_000, perMemberLimit: 1 });
    const gifts = await stack.api<GiftSettings>('GET', '/staff/settings/gifts', { token: marketer });
    const saved = await stack.api('PUT', '/staff/settings/gifts', {
      token: marketer,
      body: {
        welcome: { points: 0, coupons: [] },
        tierPacks: [],
        birthday: { grantOn: 'month_start', tierCoupons: [{ tier: 'normal', coupons: [{ templateId: cake.id, quantity: 1 }] }] },
        memberDay: { coupons: [{ templateId: dayCoupon.id, quantity: 2 }] },
        version: gifts.body.version,
      },
    });
    expect(saved.status).toBe(200);

    const joined = await browser.joinFromStoreCode(aPhone());
    shopper = joined.page;
    const token = joined.token;
    expect((await stack.api('PUT', '/member/birthday', { token, body: { birthday: '1994-11-28' } })).status).toBe(200);
    await shopper.reload();

    await shopper.locator(visible('.member-day-claim')).waitFor();
    expect(await textOf(shopper, '.member-day-banner__title')).toBe('今天是会员日 · 积分2倍 · 额外9.8折');
    expect(await textOf(shopper, '.member-day-banner__coupons')).toBe('会员日礼券：满50减8 ×2');
    expect(await textOf(shopper, '.member-day-birthday__text')).toBe('生日月消费积分 2 倍');
    await browser.shot(shopper, 'member-day-01-banner');

    await shopper.locator(visible('.member-day-claim')).click();
    await shopper.locator(visible('.member-day-claimed')).waitFor();
    expect(await textOf(shopper, '.member-day-claimed')).toBe('已领取 会员日满50减8 ×2，已放入我的券 ›');
    await shopper.waitForFunction(() => document.querySelector('.taro_page:not(.taro_page_shade) .card-coupon-count')?.textContent === '2 张可用 ›');
    await browser.shot(shopper, 'member-day-02-claimed');

    await shopper.locator(visible('.card-growth-link')).click();
    await shopper.getByText('生日礼 赠 生日蛋糕一个 ×1').first().waitFor();
    // The page slides in: let it settle before the picture.
    await shopper.waitForTimeout(400);
    await browser.shot(shopper, 'member-day-03-tiers');

    stack.clock.travelTo(THURSDAY);
    shopper = await browser.open('pages/card/index');
    await shopper.locator(visible('.member-day-line')).waitFor();
    expect(await textOf(shopper, '.member-day-line__schedule')).toBe('会员日：每周三');
    expect(await textOf(shopper, '.member-day-line__next')).toBe('下次 12月2日 · 积分2倍 · 额外9.8折');
    await browser.shot(shopper, 'member-day-04-thursday');
  });
});
