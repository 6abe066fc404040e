import { campaignArm, type Campaign, type CouponTemplate, type Segment } from '@wemember/shared';
import { CampaignRunner } from '../../server/src/campaigns/campaign-runner';
import { tierAudience, type BulkMember } from '../support/bulk-members';
import { createTemplate } from '../support/coupons';
import { STAFF_PASSWORD, TestStack } from '../support/stack';
import type { MiniProgram } from './harness/mini-program';
import { Phones } from './harness/phones';

/** 12:00 in Shanghai. */
const NOON = '2026-06-02T04:00:00Z';

/**
 * The marketing console in the weapp build, mirroring test/browser/campaigns: a marketer's phone
 * signs in and lands on 营销活动; 人群 → 新建人群, whose count follows a tier chip, saved; the
 * campaign editor shows the server's 400 beside the holdout field, then saves a draft; its page
 * launches it after the confirmation, follows the run on its 3-second poll to 已完成, and shows
 * both arms' results. The run is driven by the test (Bull's worker paused).
 */
describe('weapp: the marketing console', () => {
  let stack: TestStack;
  let runner: CampaignRunner;
  let marketer: string;
  let template: CouponTemplate;
  let gold: BulkMember[];
  const phones = new Phones(() => stack);

  beforeAll(async () => {
    stack = await TestStack.start();
    stack.clock.travelTo(NOON);
    runner = stack.app.get(CampaignRunner);
    await runner.queue.pause(true);
    marketer = await stack.staffToken('marketer');
    template = await createTemplate(stack, marketer, { name: '回归礼券', stock: 1000 });
    gold = await tierAudience(stack, { gold: 12, silver: 4 });
  });
  afterEach(() => phones.closeAll());
  afterAll(() => stack?.close());

  async function api<T>(method: string, path: string): Promise<T> {
    const result = await stack.api<T>(method, path, { token: marketer });
    if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  /** Taps the chip of a row of choices that reads `label`. */
  async function chip(mp: MiniProgram, row: string, label: string): Promise<void> {
    const found = mp.page.all(`.${row}__chip`).find((e) => e.textContent?.trim() === label);
    if (!found) throw new Error(`no chip ${label} in ${row}: ${mp.page.texts(`.${row}__chip`).join(' | ')}`);
    await mp.page.tap(found);
  }

  it('builds a segment, saves a campaign past a 400, launches it and follows it to its results', async () => {
    const phone = await phones.launch({ path: 'staff/login/index' });
    await phone.waitForPage('staff/login/index', '员工登录');
    await phone.page.input('.staff-username', `${stack.usernamePrefix}marketer`);
    await phone.page.input('.staff-password', STAFF_PASSWORD);
    await phone.page.tap('.staff-login-btn');
    await phone.waitForPage('staff/campaigns/index', '还没有营销活动');
    expect(phone.page.texts('.console-nav__tab')).toEqual(['营销活动', '人群']);

    // 人群 → 新建人群: every member accepting offers, then the gold ones.
    await phone.page.tap('.console-nav__tab--segments');
    await phone.waitForPage('staff/segments/index', '还没有人群');
    await phone.page.tap('.segments-new');
    const builder = await phone.waitForPage('staff/segment/index', '新建人群');
    await phone.waitFor(() => builder.text('.segment-count') === '16', 'the count of every member');
    await chip(phone, 'segment-tiers', '金卡会员');
    await phone.waitFor(() => builder.text('.segment-count') === '12', 'the count of the gold members');
    expect(builder.texts('.sample-row__tier')).toEqual(Array(10).fill('金卡会员'));
    await builder.input('.segment-name', '金卡会员');
    await builder.tap('.segment-save');
    await phone.waitFor(() => builder.has('.segment-saved'), 'the saved segment');
    const [segment] = await api<Segment[]>('GET', '/staff/segments');
    expect(segment).toMatchObject({ name: '金卡会员', filter: { tiers: ['gold'] } });
    await phone.page.tap('.segment-title__back');
    await phone.waitForPage('staff/segments/index', '金卡会员');
    expect(phone.page.text('.segment-row__filter')).toBe('金卡会员');

    // 营销活动 → 新建活动: a holdout share of 60% is refused beside its field, then 10% saves a draft.
    await phone.page.tap('.console-nav__tab--campaigns');
    await phone.waitForPage('staff/campaigns/index', '新建活动');
    await phone.page.tap('.campaigns-new');
    const editor = await phone.waitForPage('staff/campaign-edit/index', '新建活动');
    await phone.waitFor(() => editor.has('.segment-picker__chip'), 'the segments to pick from');
    await editor.input('.campaign-name', '金卡回归礼');
    await chip(phone, 'segment-picker', '金卡会员');
    await editor.tap('.action-add--coupon');
    await phone.waitFor(() => editor.has('.coupon-picker__chip'), 'the coupon picker');
    await chip(phone, 'coupon-picker', `回归礼券（满100减20，剩 ${template.stockLeft} 张）`);
    await editor.tap('.action-add--points');
    await editor.input('.points-amount', '20');
    await editor.input('.points-reason', '金卡回归礼');
    await editor.input('.holdout-percent', '60');
    await editor.tap('.edit-save');
    await phone.waitFor(() => editor.has('.field-error--holdoutPercent'), 'the holdout share refused');
    expect(editor.text('.field-error--holdoutPercent')).toBe('对照组比例应为 0 到 50 的整数');
    await editor.input('.holdout-percent', '10');
    expect(editor.has('.field-error--holdoutPercent')).toBe(false);
    await editor.tap('.edit-save');

    // The draft's page (the editor replaced by it): 启动 after the confirmation.
    const detail = await phone.waitForPage('staff/campaign/index', '草稿');
    expect(phone.routes).toEqual(['staff/campaigns/index', 'staff/campaign/index']);
    await phone.waitFor(() => detail.texts('.detail-action').join(' / ') === '发券：回归礼券 × 1 / 送 20 积分（金卡回归礼）', 'the actions, the coupon by name');
    await phone.waitFor(() => detail.text('.detail-segment') === '金卡会员（现有 12 人）', 'the segment and its count');
    await detail.tap('.detail-launch');
    await phone.waitFor(() => detail.has('.confirm-dialog'), 'the confirmation');
    expect(detail.text('.confirm-dialog__title')).toBe('启动「金卡回归礼」？');
    await detail.tap('.confirm-ok');
    await phone.waitFor(() => detail.text('.detail-status') === '待执行', 'the campaign scheduled');
    const [campaign] = await api<Campaign[]>('GET', '/staff/campaigns');
    expect(campaign.status).toBe('scheduled');

    // The run, to its end; the page's next poll (3 s on the phone's clock) shows it done.
    expect(await runner.runDue()).toBe(1);
    expect(await runner.runToEnd(campaign.id, 1)).toBe('done');
    await phone.advance(3_000);
    await phone.waitFor(() => detail.text('.detail-status') === '已完成', 'the campaign completed');
    const holdout = gold.filter((m) => campaignArm(campaign.id, 1, m.memberId, 10) === 'holdout').length;
    await phone.waitFor(() => detail.has('.run-targeted'), 'the progress');
    expect(detail.text('.run-targeted .figure__value')).toBe('12');
    expect(detail.text('.run-holdout .figure__value')).toBe(String(holdout));
    expect(detail.text('.run-coupons .figure__value')).toBe(String(12 - holdout));
    expect(detail.text('.run-points .figure__value')).toBe(String(20 * (12 - holdout)));
    await phone.waitFor(() => detail.has('.arm-treated') && detail.text('.arm-treated .arm-members') === String(12 - holdout), 'the results of the run');
    expect(detail.text('.arm-holdout .arm-members')).toBe(String(holdout));
    expect(detail.has('.lift-chart')).toBe(true);
    // The CSV export is the laptop browser's: the phone offers none.
    expect(detail.has('.results-export')).toBe(false);
    await chip(phone, 'results-days', '30 天');
    await phone.waitFor(() => detail.text('.results-days__chip.console-chip--on') === '30 天', 'the 30-day window');
    await phone.waitFor(() => /30 天内的消费/.test(detail.screenText()), 'the results over 30 days');

    // Back on the list: 已完成, its row opens the same page.
    await phone.page.tap('.detail-title__back');
    const list = await phone.waitForPage('staff/campaigns/index', '金卡回归礼');
    await phone.waitFor(() => list.text('.campaign-row .campaign-status') === '已完成', 'the list refreshed');
  });
});
