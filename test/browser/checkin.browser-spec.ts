import type { Page } from 'playwright-core';
import { BrowserHarness, textOf, visible } from '../support/browser';
import { aPhone, type TestStack } from '../support/stack';

/** 10:00 in Shanghai on the given June 2026 day (1 June is a Monday). */
const june = (day: number) => `2026-06-0${day}T02:00:00Z`;

/**
 * The check-in calendar in a real browser on the H5 build, with the real server, MariaDB, Redis and
 * the WeChat sandbox: the shopper who checked in yesterday opens 签到 from the card, sees a
 * one-day streak and yesterday marked, checks in, and sees two days in a row.
 */
describe('H5 in Chromium: the daily check-in calendar', () => {
  let stack: TestStack;
  let browser: BrowserHarness;
  let shopper: Page;

  beforeAll(async () => {
    browser = await BrowserHarness.start();
    stack = browser.stack;
  });
  afterAll(() => browser?.close());

  const checkedDays = (page: Page) => page.locator(visible('.checkin-day--checked .checkin-day__number')).allTextContents();

  it('shows the month with the checked days, checks in today and grows the streak', async () => {
    stack.clock.travelTo(june(1));
    const joined = await browser.joinFromStoreCode(aPhone());
    shopper = joined.page;
    const token = joined.token;
    // Yesterday's check-in, made over the API.
    expect((await stack.api('POST', '/member/checkins', { token })).status).toBe(201);

    stack.clock.travelTo(june(2));
    await shopper.locator(visible('.card-checkin-link')).click();
    await shopper.locator(visible('.checkin-calendar')).waitFor();
    expect(await textOf(shopper, '.checkin-streak')).toBe('1 天');
    expect(await textOf(shopper, '.checkin-next')).toBe('再签 2 天（连续第 3 天）可得 10 积分');
    expect(await textOf(shopper, '.checkin-month__title')).toBe('2026 年 6 月');
    expect(await checkedDays(shopper)).toEqual(['1']);
    expect(await textOf(shopper, '.checkin-day--today .checkin-day__number')).toBe('2');
    expect(await textOf(shopper, '.checkin-button')).toBe('签到领 5 积分');

    await shopper.locator(visible('.checkin-button')).click();
    await shopper.locator(visible('.checkin-done')).waitFor();
    expect(await textOf(shopper, '.checkin-done')).toBe('签到成功，+5 积分');
    await shopper.waitForFunction(() => document.querySelector('.taro_page:not(.taro_page_shade) .checkin-streak')?.textContent === '2 天');
    expect(await checkedDays(shopper)).toEqual(['1', '2']);
    expect(await textOf(shopper, '.checkin-button')).toBe('今日已签到');
    expect(await textOf(shopper, '.checkin-next')).toBe('再签 1 天（连续第 3 天）可得 10 积分');
    expect(await textOf(shopper, '.checkin-count')).toBe('本月已签到 2 天');
    await shopper.waitForTimeout(400);
    await browser.shot(shopper, 'checkin-01-calendar');

    // May: nothing checked; June is the last month offered.
    await shopper.locator(visible('.checkin-month-prev')).click();
    await shopper.waitForFunction(() => document.querySelector('.taro_page:not(.taro_page_shade) .checkin-month__title')?.textContent === '2026 年 5 月');
    expect(await checkedDays(shopper)).toEqual([]);
    expect(await textOf(shopper, '.checkin-count')).toBe('本月已签到 0 天');

    // The brand allows 补签: on the 4th the missed 3rd is offered, confirmed, paid in points and joins the streak.
    const admin = await stack.staffToken('admin');
    const { version, updatedAt: _at, updatedBy: _by, ...rules } = (await stack.api('GET', '/staff/settings/checkin', { token: admin })).body;
    await stack.api('PUT', '/staff/settings/checkin', { token: admin, body: { ...rules, version, makeUp: { enabled: true, costPoints: 10, withinDays: 7, maxPerMonth: 2 } } });
    const [{ id: memberId }] = await stack.db.query('SELECT id FROM members WHERE member_no = ?', [(await stack.api('GET', '/member/card', { token })).body.memberNo]);
    await stack.api('POST', `/staff/members/${memberId}/points/adjustments`, { token: admin, body: { delta: 50, reason: '补签测试', requestId: `makeup-${memberId}` } });
    stack.clock.travelTo(june(4));
    await shopper.locator(visible('.checkin-month-next')).click();
    await shopper.waitForFunction(() => document.querySelector('.taro_page:not(.taro_page_shade) .checkin-month__title')?.textContent === '2026 年 6 月');
    await shopper.locator(visible('.checkin-day--missed')).first().waitFor();
    expect(await shopper.locator(visible('.checkin-day--missed .checkin-day__number')).allTextContents()).toEqual(['3']);
    await shopper.locator(visible('.checkin-day--missed')).click();
    expect(await textOf(shopper, '.confirm-dialog__title')).toBe('补签 6月3日');
    await shopper.waitForTimeout(300);
    await browser.shot(shopper, 'checkin-02-make-up');
    await shopper.locator(visible('.confirm-ok')).click();
    await shopper.waitForFunction(() => document.querySelector('.taro_page:not(.taro_page_shade) .checkin-done')?.textContent === '补签成功，已连续签到 3 天');
    await shopper.locator(visible('.checkin-day--made-up')).waitFor();
    expect(await shopper.locator(visible('.checkin-day--made-up .checkin-day__mark')).allTextContents()).toEqual(['已补']);
    expect(await textOf(shopper, '.checkin-streak')).toBe('3 天');
    expect(await textOf(shopper, '.checkin-makeup-hint')).toBe('漏签了？点日历上的「补签」，10 积分补一天，本月还可补 1 次');
    await shopper.waitForTimeout(300);
    await browser.shot(shopper, 'checkin-03-made-up');
  });
});
