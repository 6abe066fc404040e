import { campaignArm, formatYuan, type Campaign, type CampaignProgress, type CampaignResults, type CouponTemplate, type SegmentPreview } from '@wemember/shared';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { CampaignRunner } from '../../server/src/campaigns/campaign-runner';
import { BrowserHarness, textOf, visible } from '../support/browser';
import { tierAudience, type BulkMember } from '../support/bulk-members';
import { createTemplate } from '../support/coupons';
import { STAFF_PASSWORD, type TestStack } from '../support/stack';
import { configureSubscribeTemplates, subscribeTemplateOf } from '../support/subscribe-templates';
import { TestTill } from '../support/till';

/** 12:00 in Shanghai. */
const NOON = '2026-06-02T04:00:00Z';
const DESKTOP = { width: 1440, height: 900 };

/**
 * The marketing console in a real browser, on a laptop-sized window: a marketer signs in and lands
 * on 营销活动, builds a segment whose live count follows a filter, saves it (and meets another's
 * save as a 409 in Chinese), creates a campaign with a coupon and points whose refused holdout share
 * is shown beside its field, launches it after a confirmation, watches the progress poll through the
 * run to 已完成, and reads the results of both arms with the lift chart. The run is driven by the
 * test, batch by batch, as test/e2e/campaigns-journey does (Bull's worker is paused).
 */
describe('H5 in Chromium: the marketing console builds a segment and runs a campaign', () => {
  let stack: TestStack;
  let browser: BrowserHarness;
  let runner: CampaignRunner;
  let marketer: string;
  let template: CouponTemplate;
  let gold: BulkMember[];

  beforeAll(async () => {
    browser = await BrowserHarness.start();
    stack = browser.stack;
    stack.clock.travelTo(NOON);
    runner = stack.app.get(CampaignRunner);
    await runner.queue.pause(true);
    marketer = await stack.staffToken('marketer');
    template = await createTemplate(stack, marketer, { name: '回归礼券', stock: 1000 });
    // 30 gold members and 10 silver ones of 杭州西湖店, all accepting offers.
    gold = await tierAudience(stack, { gold: 30, silver: 10 });
  });
  afterAll(() => browser?.close());

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const result = await stack.api<T>(method, path, { token: marketer, body });
    if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  const shown = (page: Page, selector: string) => page.locator(visible(selector)).first();

  /** With SCREENSHOT_DIR set, the whole page (it scrolls inside Taro's page element: the window grows to fit it for the shot). */
  async function shot(page: Page, name: string): Promise<void> {
    if (!process.env.SCREENSHOT_DIR) return;
    // Taro slides a newly opened page in: the shot waits for it to settle.
    await page.waitForTimeout(600);
    const size = page.viewportSize()!;
    const height = await page.evaluate(() => document.querySelector('.taro_page:not(.taro_page_shade)')?.scrollHeight ?? 0);
    await page.setViewportSize({ width: size.width, height: Math.max(size.height, Math.min(height, 3000)) });
    await browser.shot(page, name);
    await page.setViewportSize(size);
  }

  /** Signs in on the login page of a laptop-sized window; answers once the page the role lands on shows who it is. */
  async function signIn(role: 'marketer' | 'clerk'): Promise<Page> {
    const page = await browser.open('staff/login/index');
    await page.setViewportSize(DESKTOP);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await shown(page, '.staff-username input').fill(`${stack.usernamePrefix}${role}`);
    await shown(page, '.staff-password input').fill(STAFF_PASSWORD);
    await shown(page, '.staff-login-btn').click();
    await shown(page, role === 'marketer' ? '.console-nav__name:not(:has-text("加载中"))' : '.staff-name:not(:has-text("加载中"))').waitFor();
    return page;
  }

  /** Waits until the element's text is `text` (or matches it). */
  async function waitForText(page: Page, selector: string, text: string | RegExp): Promise<void> {
    const source = typeof text === 'string' ? null : text.source;
    try {
      await page.waitForFunction(
        ({ selector, text, source }) => {
          const found = document.querySelector(`.taro_page:not(.taro_page_shade) ${selector}`)?.textContent ?? '';
          return source ? new RegExp(source).test(found) : found === text;
        },
        { selector, text: typeof text === 'string' ? text : '', source },
        { timeout: 20_000 },
      );
    } catch (failure) {
      const found = await page.locator(visible(selector)).first().textContent({ timeout: 1000 }).catch(() => null);
      throw new Error(`waiting for ${selector} to read ${String(text)}: it reads ${JSON.stringify(found)} (${(failure as Error).message})`);
    }
  }

  it('lands a marketer on 营销活动 and keeps a clerk at the till', async () => {
    const page = await signIn('marketer');
    expect(page.url()).toContain('#/staff/campaigns/index');
    expect(await textOf(page, '.campaigns-empty')).toContain('还没有营销活动');
    expect(await page.locator(visible('.console-nav__tab')).allTextContents()).toEqual(['营销活动', '人群']);
    await shot(page, 'console-campaigns-empty');
    // The staff home links a marketer on to the console too.
    await page.goto(`${stack.url}/#/staff/scan/index`);
    await shown(page, '.staff-link--segments').waitFor();
    expect(await textOf(page, '.staff-link--campaigns')).toBe('营销活动 ›');
    await page.close();

    // A clerk still starts at the staff home, with no way into the console.
    const till = await signIn('clerk');
    expect(till.url()).toContain('#/staff/scan/index');
    expect(await till.locator(visible('.staff-link--campaigns')).count()).toBe(0);
    await till.goto(`${stack.url}/#/staff/campaigns/index`);
    await waitForText(till, '.till-not-offered__title', '店员账号不能管理人群和营销活动');
    await till.close();
  });

  it('builds a segment with a live count, launches a campaign and shows its progress and results', async () => {
    const page = await signIn('marketer');
    await shown(page, '.console-nav__tab--segments').click();
    await waitForText(page, '.segments-empty', /还没有人群/);
    await shown(page, '.segments-new').click();

    // Every active card accepting offers: the 40 members; a tier chip brings the count to the 30 gold ones.
    const everyone = await api<SegmentPreview>('POST', '/staff/segments/preview', { filter: {} });
    expect(everyone.count).toBe(40);
    await waitForText(page, '.segment-count', '40');
    expect(await page.locator(visible('.sample-row')).count()).toBe(10);
    await shown(page, '.segment-tiers__chip:has-text("金卡会员")').click();
    await waitForText(page, '.segment-count', '30');
    const golden = await api<SegmentPreview>('POST', '/staff/segments/preview', { filter: { tiers: ['gold'] } });
    expect(golden.count).toBe(30);
    expect(await page.locator(visible('.sample-row__tier')).allTextContents()).toEqual(golden.sample.map(() => '金卡会员'));
    // A maximum under its minimum: the preview's 400 is shown beside the field.
    await shown(page, '.segment-points-from input').fill('500');
    await shown(page, '.segment-points-to input').fill('100');
    await waitForText(page, '.criterion--error .console-field-error', '最多积分不能小于最少积分');
    await shown(page, '.segment-points-to input').fill('');
    await shown(page, '.segment-points-from input').fill('');
    await page.locator(visible('.criterion--error')).waitFor({ state: 'detached' });
    await waitForText(page, '.segment-count', '30');

    await shown(page, '.segment-name input').fill('杭州金卡会员');
    await shown(page, '.segment-save').click();
    await waitForText(page, '.segment-saved', '已保存「杭州金卡会员」');
    await shot(page, 'console-segment');
    const [segment] = await api<{ id: string; version: number; name: string }[]>('GET', '/staff/segments');
    expect(segment).toMatchObject({ name: '杭州金卡会员', version: 1 });

    // Someone else saves meanwhile: this page's save is refused in Chinese, and reloading shows theirs.
    await api('PUT', `/staff/segments/${segment.id}`, { name: '杭州金卡会员（总部）', filter: { tiers: ['gold'] }, version: 1 });
    await shown(page, '.segment-name input').fill('杭州金卡会员 2');
    await shown(page, '.segment-save').click();
    await waitForText(page, '.segment-error', /该人群已被他人修改，请刷新后再改/);
    await shown(page, '.segment-reload').click();
    await page.waitForFunction(() => (document.querySelector('.taro_page:not(.taro_page_shade) .segment-name input') as HTMLInputElement | null)?.value === '杭州金卡会员（总部）');

    // 营销活动 › 新建活动.
    await shown(page, '.console-nav__tab--campaigns').click();
    await waitForText(page, '.campaigns-empty', /还没有营销活动/);
    await shown(page, '.campaigns-new').click();
    await shown(page, '.campaign-name input').fill('金卡回归礼');
    await shown(page, '.segment-picker__chip:has-text("杭州金卡会员（总部）")').click();
    await waitForText(page, '.segment-picked', '金卡会员');
    await shown(page, '.action-add--coupon').click();
    await shown(page, '.coupon-picker__chip:has-text("回归礼券")').click();
    await shown(page, '.action-add--points').click();
    await shown(page, '.points-amount input').fill('50');
    await shown(page, '.points-reason input').fill('金卡回归礼');
    // A holdout share over 50%: the server's 400 names the field and the page shows it there.
    await shown(page, '.holdout-percent input').fill('60');
    await shown(page, '.edit-save').click();
    await waitForText(page, '.field-error--holdoutPercent', '对照组比例应为 0 到 50 的整数');
    expect(await textOf(page, '.edit-error')).toBe('有几处需要修改，见标红的提示');
    await shot(page, 'console-campaign-editor-400');
    expect(await api<Campaign[]>('GET', '/staff/campaigns')).toEqual([]);
    await shown(page, '.holdout-percent input').fill('20');
    await page.locator(visible('.field-error--holdoutPercent')).waitFor({ state: 'detached' });
    expect(await page.locator(visible('.edit-error')).count()).toBe(0);
    await shown(page, '.edit-save').click();

    // The draft's page: what it does; 启动 asks first.
    await waitForText(page, '.detail-status', '草稿');
    const [campaign] = await api<Campaign[]>('GET', '/staff/campaigns');
    expect(campaign).toMatchObject({ name: '金卡回归礼', holdoutPercent: 20, segmentId: segment.id, status: 'draft' });
    expect(campaign.actions).toEqual([
      { type: 'coupon', templateId: template.id, quantity: 1 },
      { type: 'points', points: 50, reason: '金卡回归礼' },
    ]);
    expect(await page.locator(visible('.detail-action')).allTextContents()).toEqual(['发券：回归礼券 × 1', '送 50 积分（金卡回归礼）']);
    await waitForText(page, '.detail-segment', '杭州金卡会员（总部）（现有 30 人）');
    await shot(page, 'console-campaign-draft');
    await shown(page, '.detail-launch').click();
    await waitForText(page, '.confirm-dialog__title', '启动「金卡回归礼」？');
    expect(await textOf(page, '.confirm-dialog__body')).toContain('现有 30 人，其中 20% 作为对照组不发放');
    await shot(page, 'console-campaign-launch-confirm');
    await shown(page, '.confirm-ok').click();
    await waitForText(page, '.detail-status', '待执行');
    expect(await page.locator(visible('.detail-btn')).allTextContents()).toEqual(['暂停', '取消活动']);

    // The run starts and its first batch is done: the page, polling, shows it running with 10 members so far.
    runner.batchSize = 10;
    try {
      expect(await runner.runDue()).toBe(1);
      expect(await runner.runBatch(campaign.id, 1)).toBe('batch');
      await waitForText(page, '.detail-status', '执行中');
      await waitForText(page, '.run-targeted .figure__value', '10');
      await shot(page, 'console-campaign-running');
      // Paused and resumed from the page.
      await shown(page, '.detail-pause').click();
      await waitForText(page, '.detail-status', '已暂停');
      expect(await textOf(page, '.detail-paused')).toBe('已暂停：运营人员暂停');
      await shown(page, '.detail-resume').click();
      await waitForText(page, '.detail-status', '执行中');
      expect(await runner.runToEnd(campaign.id, 1)).toBe('done');
    } finally {
      runner.batchSize = 200;
    }
    await waitForText(page, '.detail-status', '已完成');
    const progress = await api<CampaignProgress>('GET', `/staff/campaigns/${campaign.id}/progress`);
    const [run] = progress.runs;
    expect(run).toMatchObject({ status: 'done', targeted: 30 });
    const treated = gold.filter((m) => campaignArm(campaign.id, 1, m.memberId, 20) === 'treated');
    const holdout = gold.filter((m) => campaignArm(campaign.id, 1, m.memberId, 20) === 'holdout');
    expect(holdout.length).toBeGreaterThan(0);
    expect(run.holdout).toBe(holdout.length);
    await waitForText(page, '.run-targeted .figure__value', '30');
    expect(await textOf(page, '.run-holdout .figure__value')).toBe(String(holdout.length));
    expect(await textOf(page, '.run-coupons .figure__value')).toBe(String(treated.length));
    expect(await textOf(page, '.run-points .figure__value')).toBe((50 * treated.length).toLocaleString('en-US'));
    expect(await page.locator(visible('.detail-btn')).count()).toBe(0);

    // Purchases after the run: half the treated arm and one of the holdout, within 7 days.
    stack.clock.travelTo('2026-06-03T04:00:00Z');
    const till = await TestTill.open(stack);
    const buyers = [...treated.slice(0, Math.ceil(treated.length / 2)), holdout[0]];
    for (const buyer of buyers) await till.bought({ ...buyer, memberNo: '', phone: '' }, { amountFen: 8800 });
    await shown(page, '.results-days__chip:has-text("7 天")').click();
    const results = await api<CampaignResults>('GET', `/staff/campaigns/${campaign.id}/results?days=7`);
    await waitForText(page, '.arm-treated .arm-purchasers', String(Math.ceil(treated.length / 2)));
    expect(results.arms.map((a) => [a.arm, a.members, a.purchasers])).toEqual([
      ['treated', treated.length, Math.ceil(treated.length / 2)],
      ['holdout', holdout.length, 1],
    ]);
    expect(await textOf(page, '.arm-treated .arm-members')).toBe(String(treated.length));
    expect(await textOf(page, '.arm-holdout .arm-members')).toBe(String(holdout.length));
    expect(await textOf(page, '.arm-holdout .arm-purchasers')).toBe('1');
    // What they paid (gold members pay less than 88 yuan), as the API adds it up.
    expect(results.arms[0].revenueFen).toBeGreaterThan(0);
    expect(await textOf(page, '.arm-treated .arm-revenue')).toBe(formatYuan(results.arms[0].revenueFen));
    expect(await textOf(page, '.lift-bar--treated .lift-bar__value')).toBe(`${(results.lift.treatedRate * 100).toFixed(1)}%`);
    expect(await textOf(page, '.lift-bar--holdout .lift-bar__value')).toBe(`${(results.lift.holdoutRate * 100).toFixed(1)}%`);
    expect(await textOf(page, '.lift-value')).toBe(`${results.lift.lift >= 0 ? '+' : '−'}${Math.abs(results.lift.lift * 100).toFixed(1)} 个百分点`);
    expect(await textOf(page, '.lift-interval')).toMatch(/^95% 区间 [+−]\d+\.\d 至 [+−]\d+\.\d 个百分点$/);
    // The whisker spans the interval on the axis: its width is (high − low) of the axis' span.
    const whisker = await page.locator(visible('.lift-axis__interval')).boundingBox();
    expect(whisker!.width).toBeGreaterThan(10);
    await shot(page, 'console-campaign-results');
    // 导出: the CSV the server writes, downloaded by the browser under the server's file name.
    const [download] = await Promise.all([page.waitForEvent('download'), shown(page, '.results-export').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv).toContain('实验组');
    expect(csv).toContain('对照组');

    // The list shows it 已完成; on a phone's width the same page still reads top to bottom.
    await shown(page, '.console-nav__tab--campaigns').click();
    await waitForText(page, '.campaign-row .campaign-status', '已完成');
    await shot(page, 'console-campaigns-list');
    await shown(page, '.campaign-row').click();
    await waitForText(page, '.detail-status', '已完成');
    await page.setViewportSize({ width: 390, height: 844 });
    await waitForText(page, '.arm-holdout .arm-purchasers', '1');
    await shot(page, 'console-campaign-results-phone');
    await page.close();
  });

  it('shows a message’s and an SMS’s refused values beside their rows', async () => {
    await api('POST', '/staff/segments', { name: '银卡会员', filter: { tiers: ['silver'] } });
    // The brand's registered subscribe templates: one of them is offered under the template field.
    await configureSubscribeTemplates(stack, ['points_changed']);
    const page = await signIn('marketer');
    await shown(page, '.campaigns-new').click();
    await shown(page, '.campaign-name input').fill('银卡提醒');
    await shown(page, '.segment-picker__chip:has-text("银卡会员")').click();
    await shown(page, '.action-add--message').click();
    await shown(page, '.message-channel__chip:has-text("小程序订阅消息")').click();
    await shown(page, '.message-template input').fill('sub-campaign');
    await shown(page, '.message-key input').fill('thing1');
    await shown(page, '.message-value input').fill('{foo}回归礼');
    await shown(page, '.message-add-key').click();
    await page.locator(visible('.message-key input')).nth(1).fill('number2');
    // A merge field from the hints, inserted with a tap.
    await page.locator(visible('.data-row')).nth(1).locator('.merge-chip:has-text("积分余额")').click();
    expect(await page.locator(visible('.message-value input')).nth(1).inputValue()).toBe('{points}');
    await shown(page, '.action-add--sms').click();
    // Only one message and one SMS per campaign: their buttons are gone.
    expect(await page.locator(visible('.action-add__btn')).allTextContents()).toEqual(['+ 发优惠券', '+ 送积分']);
    await shown(page, '.sms-template input').fill('1234567');
    await shown(page, '.sms-param input').fill('{tierName}专享礼遇已到账，请到会员中心查收使用');
    await shown(page, '.edit-save').click();
    await waitForText(page, '.field-error--actions-0-data-thing1', '不认识的字段 {foo}，可用 {memberNo}、{points}、{tierName}');
    await waitForText(page, '.field-error--actions-1-params-0', '第 1 个短信变量应为 1 到 20 个字');
    expect(await page.locator(visible('.field-error--actions-0-data-number2')).count()).toBe(0);
    await shot(page, 'console-campaign-editor-message-sms');
    expect((await api<Campaign[]>('GET', '/staff/campaigns')).filter((c) => c.name === '银卡提醒')).toEqual([]);

    // Corrected values: the subscribe template is one members were never asked for, said beside it.
    await shown(page, '.message-value input').fill('{tierName}回归礼');
    await shown(page, '.sms-param input').fill('{tierName}专享礼遇已到账');
    await page.locator(visible('.console-field-error')).first().waitFor({ state: 'detached' });
    await shown(page, '.edit-save').click();
    await waitForText(page, '.field-error--actions-0-templateId', /未在消息通知设置中登记/);
    // One of the templates registered in 消息通知设置, offered under the field: the draft saves with its message and its SMS.
    const registered = await page.locator(visible('.subscribe-id')).allTextContents();
    expect(registered).toEqual([subscribeTemplateOf('points_changed')]);
    await shown(page, '.subscribe-id').click();
    expect(await shown(page, '.message-template input').inputValue()).toBe(registered[0]);
    await page.locator(visible('.field-error--actions-0-templateId')).waitFor({ state: 'detached' });
    await shot(page, 'console-campaign-editor-message-sms-fixed');
    await shown(page, '.edit-save').click();
    await waitForText(page, '.detail-status', '草稿');
    await page.waitForFunction(() => document.querySelectorAll('.taro_page:not(.taro_page_shade) .detail-action').length === 2);
    expect(await page.locator(visible('.detail-action')).allTextContents()).toEqual([`小程序订阅消息：模板 ${registered[0]}`, '短信：模板 1234567（只发给微信消息触达不到的会员）']);
    const saved = (await api<Campaign[]>('GET', '/staff/campaigns')).find((c) => c.name === '银卡提醒')!;
    expect(saved.actions).toEqual([
      { type: 'message', channel: 'subscribe', templateId: registered[0], data: { thing1: '{tierName}回归礼', number2: '{points}' } },
      { type: 'sms', templateId: '1234567', params: ['{tierName}专享礼遇已到账'], fallbackOnly: true },
    ]);
    await page.close();
  });
});
