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
  /** The shopper's member token (the API calls the test makes for them). */
  let token: string;

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
    token = (await stack.join(aPhone(), { openid, scene: stack.chain.counterScenes.HZ001 })).token;
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

  it('makes up two missed days for points from the calendar, joining the streak', async () => {
    const admin = await stack.staffToken('admin');
    const rules = (await stack.api('GET', '/staff/settings/checkin', { token: admin })).body;
    const { version, updatedAt: _at, updatedBy: _by, ...current } = rules;
    const saved = await stack.api('PUT', '/staff/settings/checkin', { token: admin, body: { ...current, version, makeUp: { enabled: true, costPoints: 20, withinDays: 3, maxPerMonth: 2 } } });
    expect(saved.status).toBe(200);
    const { memberNo } = (await stack.api('GET', '/member/card', { token })).body;
    const [{ id: memberId }] = await stack.db.query('SELECT id FROM members WHERE member_no = ?', [memberNo]);
    const adjusted = await stack.api('POST', `/staff/members/${memberId}/points/adjustments`, { token: admin, body: { delta: 100, reason: '补签测试', requestId: `makeup-${memberId}` } });
    expect(adjusted.status).toBe(201);

    // The 3rd and 4th were missed; on the 5th both are in the three-day window.
    stack.clock.travelTo(june(5));
    await shopper.back();
    const me = await shopper.waitForPage('pages/me/index', '每日签到');
    await me.tap('.me-link-checkin');
    const page = await shopper.waitForPage('checkin/calendar/index', '本月还可补 2 次');
    expect(page.texts('.checkin-day--missed .checkin-day__number')).toEqual(['3', '4']);
    expect(page.text('.checkin-streak')).toBe('0 天');

    for (const day of ['4', '3']) {
      const cell = page.all('.checkin-day--missed').find((c) => c.querySelector('.checkin-day__number')?.textContent?.trim() === day);
      await page.tap(cell!);
      await shopper.waitFor(() => page.has('.confirm-dialog'), 'the make-up dialog');
      expect(page.text('.confirm-dialog__title')).toBe(`补签 6月${day}日`);
      await page.tap('.confirm-ok');
      await shopper.waitFor(() => !page.has('.confirm-dialog') && page.texts('.checkin-day--made-up .checkin-day__number').includes(day), `the make-up of the ${day}th`);
    }
    // 1, 2, (3), (4): four days in a row as of yesterday.
    expect(page.text('.checkin-done')).toBe('补签成功，已连续签到 4 天');
    expect(page.text('.checkin-streak')).toBe('4 天');
    expect(page.texts('.checkin-day--made-up .checkin-day__mark')).toEqual(['已补', '已补']);
    expect(page.text('.checkin-makeup-hint')).toBe('本月补签次数已用完');
    const points = (await stack.api('GET', '/member/points?limit=2', { token })).body;
    expect(points.entries.map((e: { kindName: string; delta: number }) => [e.kindName, e.delta])).toEqual([
      ['补签', -20],
      ['补签', -20],
    ]);
  });
});
