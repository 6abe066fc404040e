import { aPhone, TestStack } from '../support/stack';
import type { MiniProgram } from './harness/mini-program';
import { Phones } from './harness/phones';

/** 10:00 in Shanghai on the given June 2026 day (1 June is a Monday). */
const june = (day: number) => `2026-06-0${day}T02:00:00Z`;

/**
 * The check-in page of the weapp build (the `checkin` subpackage), mirroring
 * test/browser/checkin: opened from the card, yesterday marked with a one-day streak, today's
 * check-in growing it to two; opened again from 我的, already checked in.
 */
describe('weapp: 每日签到 from the card and 我的', () => {
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

  it('shows the month, checks in today and grows the streak', async () => {
    stack.clock.travelTo(june(1));
    const { openid } = await stack.loginCode();
    const token = (await stack.join(aPhone(), { openid, scene: stack.chain.counterScenes.HZ001 })).token;
    // Yesterday's check-in, made over the API.
    expect((await stack.api('POST', '/member/checkins', { token })).status).toBe(201);

    stack.clock.travelTo(june(2));
    await stack.printCode(stack.chain.counterScenes.HZ001);
    const launch = await stack.wechat<{ path: string; query: { scene: string } }>('/scan', { scene: stack.chain.counterScenes.HZ001 });
    shopper = await phones.launch({ path: launch.path, query: launch.query, openid });
    const card = await shopper.waitForPage('pages/card/index', /会员号 ?\d{10}/);
    await card.tap('.card-checkin-link');
    const page = await shopper.waitForPage('checkin/calendar/index', '本月已签到');
    expect(page.text('.checkin-streak')).toBe('1 天');
    expect(page.text('.checkin-month__title')).toBe('2026 年 6 月');
    expect(page.texts('.checkin-day--checked .checkin-day__number')).toEqual(['1']);
    expect(page.text('.checkin-button')).toBe('签到领 5 积分');

    await page.tap('.checkin-button');
    await shopper.waitFor(() => page.has('.checkin-done') && page.text('.checkin-streak') === '2 天', 'the check-in');
    expect(page.text('.checkin-done')).toBe('签到成功，+5 积分');
    expect(page.texts('.checkin-day--checked .checkin-day__number')).toEqual(['1', '2']);
    expect(page.text('.checkin-button')).toBe('今日已签到');
    expect(page.text('.checkin-next')).toBe('再签 1 天（连续第 3 天）可得 10 积分');
    expect(page.text('.checkin-count')).toBe('本月已签到 2 天');

    // Back on the card, 我的 opens the same page, which shows today done.
    await shopper.back();
    await shopper.tapTab('我的');
    const me = await shopper.waitForPage('pages/me/index', '每日签到');
    await me.tap('.me-link-checkin');
    const again = await shopper.waitForPage('checkin/calendar/index', '本月已签到 2 天');
    expect(again.text('.checkin-button')).toBe('今日已签到');
    expect(again.text('.checkin-streak')).toBe('2 天');
  });
});
