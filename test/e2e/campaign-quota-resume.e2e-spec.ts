import type { Campaign, CampaignProgress } from '@wemember/shared';
import { CampaignRunner } from '../../server/src/campaigns/campaign-runner';
import { NotificationSender } from '../../server/src/notifications/notification-sender';
import { launchScaleCampaign, seedScaleMembers } from '../support/campaign-scale';
import { TestStack } from '../support/stack';

/** 12:00 in Shanghai on two days running. */
const DAY_ONE = '2026-06-02T04:00:00Z';
const DAY_TWO = '2026-06-03T04:00:00Z';
const MEMBERS = 30;
/** The official account's sends of the template per China day (WeChat's quota, 45009 past it). */
const QUOTA = 20;

interface Delivered {
  count: number;
  recipients: number;
  repeatedRecipients: number;
}

/**
 * Issue 13: a campaign paused by WeChat's daily quota (45009) resumes the next day and every member
 * gets its message once — counted where WeChat delivers (the sandbox), not only in our rows. The
 * run is driven batch by batch and the sender settled between batches, so the quota runs out in the
 * middle of a batch's messages; a batch done again after the resume gives nothing more.
 */
describe('a campaign paused by 45009 resumes the next day without duplicates', () => {
  let stack: TestStack;
  let runner: CampaignRunner;
  let twinRunner: CampaignRunner;
  let sender: NotificationSender;
  let marketer: string;

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'mysql' });
    stack.clock.travelTo(DAY_ONE);
    runner = stack.app.get(CampaignRunner);
    sender = stack.app.get(NotificationSender);
    twinRunner = (await stack.twin()).get(CampaignRunner);
    // The test drives the runs and the sends itself.
    for (const queue of [runner.queue, twinRunner.queue, sender.queue]) await queue.pause(true);
    const unionidPrefix = `uq${stack.appid.slice(-6)}-`;
    await seedScaleMembers((sql, params) => stack.db.query(sql, params), { brandId: stack.chain.brand.id, appid: stack.appid, oaAppid: stack.oaAppid, count: MEMBERS, unionidPrefix });
    await stack.wechat('/bulk', { followers: { appid: stack.oaAppid, count: MEMBERS, unionidPrefix } });
    await stack.wechat('/official-account', { appid: stack.oaAppid, templateDailyQuota: QUOTA });
    marketer = await stack.staffToken('marketer');
  }, 120_000);

  afterAll(async () => {
    await stack?.wechat('/official-account', { appid: stack.oaAppid, templateDailyQuota: 1_000_000 }).catch(() => undefined);
    await stack?.close();
  });

  /** Sends whatever is due until nothing is mid-send. */
  async function settle(): Promise<void> {
    for (let round = 0; round < 200; round++) {
      await sender.runDue();
      const [busy] = await stack.db.query("SELECT COUNT(*) AS n FROM notifications WHERE status = 'sending'");
      if (Number(busy.n) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('a notification stayed in sending');
  }

  const delivered = async () => stack.wechat<Delivered>(`/messages/summary?appid=${stack.oaAppid}`);
  const progress = async (id: string) => (await stack.api<CampaignProgress>('GET', `/staff/campaigns/${id}/progress`, { token: marketer })).body;
  const status = async (id: string) => (await stack.api<Campaign>('GET', `/staff/campaigns/${id}`, { token: marketer })).body;

  it('stops at the quota, says why, and the next day sends each remaining member one message', async () => {
    const { campaign } = await launchScaleCampaign((method, path, options) => stack.api(method, path, options), marketer, { count: MEMBERS, holdoutPercent: 0 });
    expect(await runner.runDue()).toBe(1);
    runner.batchSize = 4;
    twinRunner.batchSize = 4;
    try {
      // Batches of 4 until the quota of 20 is spent: the sixth batch's first message meets 45009.
      let batches = 0;
      while ((await runner.runBatch(campaign.id, 1)) === 'batch') {
        batches += 1;
        await settle();
        if (batches > 10) throw new Error('the campaign never paused');
      }
      expect(batches).toBe(6);
      const paused = await status(campaign.id);
      expect(paused.status).toBe('paused');
      expect(paused.pausedReason).toContain('45009');
      expect(await delivered()).toEqual({ count: QUOTA, recipients: QUOTA, repeatedRecipients: 0, repeated: [] });
      expect((await progress(campaign.id)).runs[0]).toMatchObject({ targeted: 24, messages: { sent: QUOTA, pending: 4 } });
      // Still the same day: a batch job delivered again finds the campaign paused and gives nothing.
      expect(await twinRunner.runBatch(campaign.id, 1)).toBe('stopped');
      await settle();
      expect(await delivered()).toMatchObject({ count: QUOTA });

      // The next day WeChat's count starts again; the marketer resumes.
      stack.clock.travelTo(DAY_TWO);
      const resumed = await stack.api<Campaign>('POST', `/staff/campaigns/${campaign.id}/resume`, { token: marketer });
      expect(resumed.body.status).toBe('running');
      // Two instances finish the run side by side, sending as they go.
      await Promise.all([runner.runToEnd(campaign.id, 1), twinRunner.runToEnd(campaign.id, 1), settle()]);
      await settle();
      // A batch delivered again after the end, and the sweeper once more: nothing new.
      await twinRunner.runBatch(campaign.id, 1);
      await settle();

      expect((await status(campaign.id)).status).toBe('completed');
      // Every member once: 20 on the first day, the 4 held and the 6 the run had not reached on the second.
      expect(await delivered()).toEqual({ count: MEMBERS, recipients: MEMBERS, repeatedRecipients: 0, repeated: [] });
      const view = await progress(campaign.id);
      expect(view.runs[0]).toMatchObject({ targeted: MEMBERS, couponsGranted: MEMBERS, messages: { sent: MEMBERS, pending: 0, unreachable: 0, failed: {} } });
      const perMember = await stack.db.query(
        "SELECT member_id, COUNT(*) AS n FROM notifications WHERE dedupe_key LIKE ? AND status = 'sent' GROUP BY member_id HAVING COUNT(*) <> 1",
        [`campaign:${campaign.id}:%`],
      );
      expect(perMember).toEqual([]);
    } finally {
      runner.batchSize = 200;
      twinRunner.batchSize = 200;
    }
  });
});
