import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { campaignArm, type Campaign, type CampaignProgress, type CouponTemplate, type TierCode } from '@wemember/shared';
import { QueryFailedError } from 'typeorm';
import { CAMPAIGN_CHUNK, CampaignRunner } from '../../server/src/campaigns/campaign-runner';
import { PhoneVault } from '../../server/src/members/phone-vault.service';
import { NotificationSender } from '../../server/src/notifications/notification-sender';
import { bulkMembers, type BulkMember } from '../support/bulk-members';
import { createTemplate } from '../support/coupons';
import { http } from '../support/http';
import { aPhone, TestStack } from '../support/stack';
import { TestTill } from '../support/till';

/** 12:00 in Shanghai: outside the default quiet hours. */
const NOON = '2026-06-02T04:00:00Z';
const SUB_TEMPLATE = 'sub-campaign';
const OA_TEMPLATE = 'oa-campaign';
/** The sandbox's demo marketing SMS template: {1}，送您{2}，{3}前到店可用。拒收请回复R */
const SMS_TEMPLATE = '2000001';

interface DeliveredSms {
  to: string;
  template: string;
  params: string[];
  sessionContext: string;
  at: string;
}

/** The campaign engine end to end, over HTTP with a real Bull, Redis and the WeChat sandbox, on `database`. */
export function describeCampaignsJourney(database: 'mysql' | 'sqlite'): void {
  describe(`campaigns (${database})`, () => {
    let stack: TestStack;
    let twin: NestFastifyApplication;
    let runner: CampaignRunner;
    let twinRunner: CampaignRunner;
    let marketer: string;
    let template: CouponTemplate;
    /** Each test's audience is its own tier × home store × birthday month, so the tests' members never meet. */
    const groups: { tier: TierCode; store: string; month: number }[] = [];
    let nextGroup = 0;

    beforeAll(async () => {
      stack = await TestStack.start({ database });
      stack.clock.travelTo(NOON);
      // SQLite is the single-instance deployment (`npm start`): there the "second instance" is the same one running the batches concurrently.
      twin = database === 'mysql' ? await stack.twin() : stack.app;
      runner = stack.app.get(CampaignRunner);
      twinRunner = twin.get(CampaignRunner);
      // Bull's workers stay out of the way: the tests drive the runs themselves, batch by batch (one test lets the queue run).
      await runner.queue.pause(true);
      if (twinRunner !== runner) await twinRunner.queue.pause(true);
      marketer = await stack.staffToken('marketer');
      template = await createTemplate(stack, marketer, { name: '回归礼券', stock: 100_000 });
      // The SMS console's 回复回调 URL: a shopper's TD reaches the server.
      await stack.wechat('/sms/account', { replyUrl: `${stack.url}/api/sms/replies?token=${stack.config.sms?.replyToken}` });
      for (const month of [1, 2]) for (const tier of ['normal', 'silver', 'gold', 'diamond'] as const) for (const store of ['HZ001', 'SH001', 'GZ001']) groups.push({ tier, store, month });
    }, 120_000);
    afterAll(async () => {
      await http('POST', `${stack.sandbox.url}/__sandbox/official-account`, { body: { appid: stack.oaAppid, templateDailyQuota: 1_000_000 } });
      await stack?.close();
    });

    /** `count` members who accepted offers (and `withoutConsent` who did not), in a segment of their own. */
    async function audience(count: number, withoutConsent = 0): Promise<{ segmentId: string; members: BulkMember[]; refused: BulkMember[] }> {
      const group = groups[nextGroup++];
      const storeId = stack.store(group.store).id;
      const members = await bulkMembers(stack, count);
      const refused = await bulkMembers(stack, withoutConsent);
      for (const [list, consent] of [
        [members, 1],
        [refused, 0],
      ] as const) {
        if (list.length === 0) continue;
        await stack.db.query(`UPDATE members SET tier = ?, join_store_id = ?, birthday = ?, marketing_consent = ? WHERE id IN (${list.map(() => '?').join(', ')})`, [
          group.tier,
          storeId,
          `1990-${String(group.month).padStart(2, '0')}-15`,
          consent,
          ...list.map((m) => m.memberId),
        ]);
      }
      // The segment asks for everyone, consent or not: a campaign still reaches only those who accepted offers.
      const segment = await stack.api('POST', '/staff/segments', { token: marketer, body: { name: `活动人群${nextGroup}`, filter: { tiers: [group.tier], storeIds: [storeId], birthdayMonths: [group.month], marketingAllowed: false } } });
      expect(segment.status).toBe(201);
      return { segmentId: segment.body.id, members, refused };
    }

    async function launched(body: Record<string, unknown>): Promise<Campaign> {
      const created = await stack.api<Campaign>('POST', '/staff/campaigns', { token: marketer, body: { name: '老客回归', holdoutPercent: 0, schedule: { type: 'now' }, ...body } });
      expect(created.status).toBe(201);
      expect(created.body.status).toBe('draft');
      const launch = await stack.api<Campaign>('POST', `/staff/campaigns/${created.body.id}/launch`, { token: marketer });
      expect(launch.status).toBe(200);
      // 'running' when Bull's own worker (the test that lets the queue run) started it before the answer was read.
      expect(['scheduled', 'running']).toContain(launch.body.status);
      return launch.body;
    }

    /** The members' real phone numbers (bulk members have none that decrypt), each new. */
    async function withPhones(members: BulkMember[]): Promise<Map<string, string>> {
      const vault = stack.app.get(PhoneVault);
      const phones = new Map<string, string>();
      for (const m of members) {
        const phone = aPhone();
        await stack.db.query('UPDATE members SET phone_cipher = ?, phone_hash = ?, phone_masked = ? WHERE id = ?', [vault.encrypt(phone), vault.hash(phone), vault.mask(phone), m.memberId]);
        phones.set(m.memberId, phone);
      }
      return phones;
    }

    const texts = async (phone: string) => (await stack.wechat<{ messages: DeliveredSms[] }>(`/sms?phone=${phone}`)).messages;

    /** The brand's subscribe template registered (a campaign's subscribe message must use one). */
    async function registerSubscribeTemplate(): Promise<void> {
      const current = (await stack.api('GET', '/staff/settings/messages', { token: marketer })).body;
      if (current.templates.some((t: { subscribeTemplateId: string | null }) => t.subscribeTemplateId === SUB_TEMPLATE)) return;
      const configured = await stack.api('PUT', '/staff/settings/messages', {
        token: marketer,
        body: { templates: [{ kind: 'birthday', officialTemplateId: null, subscribeTemplateId: SUB_TEMPLATE }], quietHours: current.quietHours, dailyCapPerMember: current.dailyCapPerMember, version: current.version },
      });
      expect(configured.status).toBe(200);
    }

    /** Runs the sender until none of the campaign's notifications waits or is mid-send (retries a moment later included). */
    async function drain(campaignId: string, seconds = 20): Promise<void> {
      const sender = stack.app.get(NotificationSender);
      const deadline = Date.now() + seconds * 1000;
      while (Date.now() < deadline) {
        await sender.runDue();
        const [open] = await stack.db.query("SELECT COUNT(*) AS n FROM notifications WHERE dedupe_key LIKE ? AND status IN ('pending', 'sending')", [`campaign:${campaignId}:%`]);
        if (Number(open.n) === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`campaign ${campaignId}: notifications still waiting after ${seconds} s`);
    }

    const progress = async (id: string) => (await stack.api<CampaignProgress>('GET', `/staff/campaigns/${id}/progress`, { token: marketer })).body;
    const status = async (id: string) => (await stack.api<Campaign>('GET', `/staff/campaigns/${id}`, { token: marketer })).body;

    async function couponsByKey(id: string): Promise<{ member_id: string; grant_key: string }[]> {
      return stack.db.query('SELECT member_id, grant_key FROM coupons WHERE grant_key LIKE ?', [`campaign:${id}:%`]);
    }

    async function pointsByKey(id: string): Promise<{ member_id: string; business_key: string; delta: string }[]> {
      return stack.db.query('SELECT member_id, business_key, delta FROM ledger_entries WHERE business_key LIKE ?', [`campaign:${id}:%`]);
    }

    /** Runs the sender over whatever is due until nothing is mid-send. */
    async function settle(): Promise<void> {
      const sender = stack.app.get(NotificationSender);
      for (let round = 0; round < 200; round++) {
        await sender.runDue();
        const [busy] = await stack.db.query("SELECT COUNT(*) AS n FROM notifications WHERE brand_id = ? AND status IN ('sending') ", [stack.chain.brand.id]);
        if (Number(busy.n) === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('a notification stayed in sending');
    }

    it('grants each treated member its coupon and points once, the holdout nothing, members without consent nothing; twice on two instances is still once', async () => {
      const { segmentId, members, refused } = await audience(50, 3);
      const campaign = await launched({
        segmentId,
        holdoutPercent: 20,
        actions: [
          { type: 'coupon', templateId: template.id, quantity: 1 },
          { type: 'points', points: 88, reason: '老客回归礼' },
        ],
      });
      // Both instances check the schedule and run the batches at once: the run starts once and gives once.
      expect((await Promise.all([runner.runDue(), twinRunner.runDue()])).reduce((a, b) => a + b, 0)).toBe(1);
      runner.batchSize = 7;
      twinRunner.batchSize = 7;
      const outcomes = await Promise.all([runner.runToEnd(campaign.id, 1), twinRunner.runToEnd(campaign.id, 1)]);
      // Each ends the run ('done') or finds it ended by the other ('stopped': the campaign is completed).
      expect(outcomes).toContain('done');
      expect(outcomes.every((o) => o === 'done' || o === 'stopped')).toBe(true);
      // A batch job delivered again after the run: nothing more.
      expect(await runner.runBatch(campaign.id, 1)).toBe('stopped');

      const holdout = new Set(members.filter((m) => campaignArm(campaign.id, 1, m.memberId, 20) === 'holdout').map((m) => m.memberId));
      expect(holdout.size).toBeGreaterThan(0);
      const treated = members.filter((m) => !holdout.has(m.memberId)).map((m) => m.memberId);

      const coupons = await couponsByKey(campaign.id);
      expect(coupons.map((c) => c.member_id).sort()).toEqual([...treated].sort());
      expect(new Set(coupons.map((c) => c.grant_key)).size).toBe(coupons.length);
      const points = await pointsByKey(campaign.id);
      expect(points.map((p) => p.member_id).sort()).toEqual([...treated].sort());
      expect(points.every((p) => Number(p.delta) === 88)).toBe(true);

      // The members see it: the coupon in their wallet, the points on their card.
      const one = members.find((m) => m.memberId === treated[0])!;
      const mine = await stack.api('GET', '/member/coupons', { token: one.token });
      expect(mine.body.coupons).toEqual([expect.objectContaining({ name: '回归礼券' })]);
      const held = members.find((m) => holdout.has(m.memberId))!;
      expect((await stack.api('GET', '/member/coupons', { token: held.token })).body.coupons).toEqual([]);
      const none = await stack.db.query(`SELECT COUNT(*) AS n FROM campaign_members WHERE campaign_id = ? AND member_id IN (${refused.map(() => '?').join(', ')})`, [
        campaign.id,
        ...refused.map((m) => m.memberId),
      ]);
      expect(Number(none[0].n)).toBe(0);

      const view = await progress(campaign.id);
      expect(view).toMatchObject({ status: 'completed', budgetLeft: null });
      expect(view.runs).toEqual([
        expect.objectContaining({ runNo: 1, status: 'done', targeted: 50, holdout: holdout.size, couponsGranted: treated.length, pointsGranted: 88 * treated.length }),
      ]);
      // The arms are recorded for the results.
      const results = await stack.api('GET', `/staff/campaigns/${campaign.id}/results?days=7`, { token: marketer });
      expect(results.status).toBe(200);
      expect(results.body.arms).toEqual([
        expect.objectContaining({ arm: 'treated', members: treated.length, purchasers: 0 }),
        expect.objectContaining({ arm: 'holdout', members: holdout.size, purchasers: 0 }),
      ]);
      runner.batchSize = 200;
      twinRunner.batchSize = 200;
    });

    /**
     * The same batch run by both instances at once, split into chunks of 5, with a budget (or a
     * stock) that runs out in the middle of a chunk, and the first chunk failing on a unique key (as
     * a stray duplicate would) so it is done again member by member while the other instance runs it
     * as a chunk: still every member one arm, each treated member at most one coupon and exactly one
     * points entry and one message, and the budget, the stock and the coupons agree.
     */
    it.each([
      { budget: 13, stock: 1_000, coupons: 13 },
      { budget: 13, stock: 9, coupons: 9 },
    ])('chunks run twice at once give each member everything once; budget $budget with stock $stock gives $coupons coupons', async ({ budget, stock, coupons: expected }) => {
      await registerSubscribeTemplate();
      const { segmentId, members } = await audience(40);
      const scarce = await createTemplate(stack, marketer, { name: `限量礼券${stock}`, stock });
      const campaign = await launched({
        segmentId,
        holdoutPercent: 20,
        maxCoupons: budget,
        actions: [
          { type: 'coupon', templateId: scarce.id, quantity: 1 },
          { type: 'points', points: 7, reason: '回归积分' },
          { type: 'message', channel: 'subscribe', templateId: SUB_TEMPLATE, data: { thing1: '会员{memberNo}', number2: '{points}', thing3: '{tierName}专享回归礼' } },
        ],
      });
      await runner.runDue();
      for (const r of [runner, twinRunner]) [r.batchSize, r.chunkSize] = [40, 5];
      const chunkOf = runner as unknown as { treatChunk: (...args: unknown[]) => Promise<void> };
      const duplicate = Object.assign(new Error("Duplicate entry 'x' for key 'uq_campaign_members'"), { code: 'ER_DUP_ENTRY', errno: 1062 });
      const failOnce = jest.spyOn(chunkOf, 'treatChunk').mockRejectedValueOnce(new QueryFailedError('INSERT INTO campaign_members …', [], duplicate));
      try {
        await Promise.all([runner.runBatch(campaign.id, 1), twinRunner.runBatch(campaign.id, 1)]);
        expect(failOnce).toHaveBeenCalled();
      } finally {
        failOnce.mockRestore();
      }
      expect(await runner.runToEnd(campaign.id, 1)).toBe('done');
      for (const r of [runner, twinRunner]) [r.batchSize, r.chunkSize] = [200, CAMPAIGN_CHUNK];

      const arms = (await stack.db.query('SELECT member_id, arm FROM campaign_members WHERE campaign_id = ?', [campaign.id])) as { member_id: string; arm: string }[];
      expect(arms.map((a) => a.member_id).sort()).toEqual(members.map((m) => m.memberId).sort());
      for (const a of arms) expect(a.arm).toBe(campaignArm(campaign.id, 1, a.member_id, 20));
      const treated = arms.filter((a) => a.arm === 'treated').map((a) => a.member_id);
      expect(treated.length).toBeGreaterThan(budget);

      const coupons = await couponsByKey(campaign.id);
      expect(coupons).toHaveLength(expected);
      expect(new Set(coupons.map((c) => c.member_id)).size).toBe(expected);
      expect(coupons.every((c) => treated.includes(c.member_id))).toBe(true);
      const [row] = await stack.db.query('SELECT c.coupons_spent, t.issued FROM campaigns c, coupon_templates t WHERE c.id = ? AND t.id = ?', [campaign.id, scarce.id]);
      expect([Number(row.coupons_spent), Number(row.issued)]).toEqual([expected, expected]);
      const points = await pointsByKey(campaign.id);
      expect(points.map((p) => p.member_id).sort()).toEqual([...treated].sort());
      const notes = (await stack.db.query('SELECT member_id, dedupe_key FROM notifications WHERE dedupe_key LIKE ?', [`campaign:${campaign.id}:%`])) as { member_id: string; dedupe_key: string }[];
      expect(notes.map((n) => n.member_id).sort()).toEqual([...treated].sort());
      expect(notes.every((n) => n.dedupe_key === `campaign:${campaign.id}:1:${n.member_id}:2`)).toBe(true);
      expect((await (await TestTill.open(stack)).reconcile()).mismatches).toEqual([]);
    });

    it('pause stops further batches, resume finishes the run', async () => {
      const { segmentId, members } = await audience(20);
      const campaign = await launched({ segmentId, actions: [{ type: 'points', points: 5, reason: '回归积分' }] });
      await runner.runDue();
      runner.batchSize = 8;
      expect(await runner.runBatch(campaign.id, 1)).toBe('batch');
      const paused = await stack.api<Campaign>('POST', `/staff/campaigns/${campaign.id}/pause`, { token: marketer });
      expect(paused.body).toMatchObject({ status: 'paused', pausedReason: '运营人员暂停' });
      expect(await runner.runBatch(campaign.id, 1)).toBe('stopped');
      expect(await pointsByKey(campaign.id)).toHaveLength(8);
      // Paused twice is refused; resumed, the run goes on from where it stopped.
      expect((await stack.api('POST', `/staff/campaigns/${campaign.id}/pause`, { token: marketer })).status).toBe(409);
      expect((await stack.api<Campaign>('POST', `/staff/campaigns/${campaign.id}/resume`, { token: marketer })).body.status).toBe('running');
      expect(await runner.runToEnd(campaign.id, 1)).toBe('done');
      runner.batchSize = 200;
      const points = await pointsByKey(campaign.id);
      expect(points.map((p) => p.member_id).sort()).toEqual(members.map((m) => m.memberId).sort());
      expect((await status(campaign.id)).status).toBe('completed');
      // A finished campaign is not edited, paused or resumed.
      expect((await stack.api('POST', `/staff/campaigns/${campaign.id}/resume`, { token: marketer })).status).toBe(409);
    });

    it('stops granting coupons at the budget', async () => {
      const { segmentId } = await audience(12);
      const campaign = await launched({ segmentId, maxCoupons: 10, actions: [{ type: 'coupon', templateId: template.id, quantity: 2 }] });
      await runner.runDue();
      expect(await runner.runToEnd(campaign.id, 1)).toBe('done');
      expect(await couponsByKey(campaign.id)).toHaveLength(10);
      const view = await progress(campaign.id);
      expect(view.budgetLeft).toBe(0);
      expect(view.runs[0].couponsGranted).toBe(10);
    });

    it('runs on the Bull queue by itself once launched', async () => {
      const { segmentId, members } = await audience(6);
      await runner.queue.resume(true);
      try {
        const campaign = await launched({ segmentId, actions: [{ type: 'points', points: 3, reason: '回归积分' }] });
        for (let i = 0; i < 400 && (await status(campaign.id)).status !== 'completed'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
        expect((await status(campaign.id)).status).toBe('completed');
        expect((await pointsByKey(campaign.id)).map((p) => p.member_id).sort()).toEqual(members.map((m) => m.memberId).sort());
      } finally {
        await runner.queue.pause(true);
      }
    });

    it('on Bull: a batch job that found the campaign paused does not stop the resumed run; a run whose job was lost is re-queued', async () => {
      const { segmentId, members } = await audience(6);
      const campaign = await launched({ segmentId, actions: [{ type: 'points', points: 4, reason: '回归积分' }] });
      await runner.runDue();
      runner.batchSize = 2;
      const done = async () => {
        for (let i = 0; i < 400 && (await status(campaign.id)).status !== 'completed'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
        return (await status(campaign.id)).status;
      };
      try {
        // The first batch is ours; Bull holds the job of the next one. Paused, Bull's worker then runs that job and stops.
        expect(await runner.runBatch(campaign.id, 1)).toBe('batch');
        await stack.api('POST', `/staff/campaigns/${campaign.id}/pause`, { token: marketer });
        await runner.queue.resume(true);
        const [run] = await stack.db.query('SELECT cursor_member_id FROM campaign_runs WHERE campaign_id = ?', [campaign.id]);
        const held = await runner.queue.getJob(`campaign:${campaign.id}:1:${run.cursor_member_id}`);
        expect(held).not.toBeNull();
        expect(await held!.finished()).toBe('stopped');
        expect(await pointsByKey(campaign.id)).toHaveLength(2);
        // Resumed: Bull runs the rest.
        await stack.api('POST', `/staff/campaigns/${campaign.id}/resume`, { token: marketer });
        expect(await done()).toBe('completed');
        expect((await pointsByKey(campaign.id)).map((p) => p.member_id).sort()).toEqual(members.map((m) => m.memberId).sort());
      } finally {
        await runner.queue.pause(true);
        runner.batchSize = 200;
      }

      // A run whose next batch job was lost (Redis emptied): the check re-queues it once it has not moved for five minutes.
      const second = await audience(4);
      const lost = await launched({ segmentId: second.segmentId, actions: [{ type: 'points', points: 4, reason: '回归积分' }] });
      await runner.runDue();
      await runner.queue.empty();
      expect(await runner.requeueRunning()).toBe(0);
      stack.clock.travelTo('2026-06-02T04:06:00Z');
      await runner.queue.resume(true);
      try {
        expect(await runner.requeueRunning()).toBe(1);
        for (let i = 0; i < 400 && (await status(lost.id)).status !== 'completed'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
        expect((await status(lost.id)).status).toBe('completed');
        expect((await pointsByKey(lost.id)).map((p) => p.member_id).sort()).toEqual(second.members.map((m) => m.memberId).sort());
      } finally {
        await runner.queue.pause(true);
        stack.clock.travelTo(NOON);
      }
    });

    it('a message reaches members with a subscribe credit, with its merge fields resolved; the others are unreachable', async () => {
      const { segmentId, members } = await audience(4);
      const [a, b, c] = members;
      const openids: Record<string, string> = {};
      for (const m of members) {
        const [row] = await stack.db.query('SELECT openid FROM wechat_identities WHERE member_id = ?', [m.memberId]);
        openids[m.memberId] = row.openid;
      }
      // The member is asked for the brand's templates only: the campaign uses one the brand registered.
      const current = (await stack.api('GET', '/staff/settings/messages', { token: marketer })).body;
      const configured = await stack.api('PUT', '/staff/settings/messages', {
        token: marketer,
        body: { templates: [{ kind: 'birthday', officialTemplateId: null, subscribeTemplateId: SUB_TEMPLATE }], quietHours: current.quietHours, dailyCapPerMember: current.dailyCapPerMember, version: current.version },
      });
      expect(configured.status).toBe(200);
      for (const m of [a, b, c]) {
        await stack.wechat('/subscribe-accept', { appid: stack.appid, openid: openids[m.memberId], templateId: SUB_TEMPLATE });
        expect((await stack.api('POST', '/member/messages/subscriptions', { token: m.token, body: { results: { [SUB_TEMPLATE]: 'accept' } } })).status).toBe(200);
      }
      const campaign = await launched({
        segmentId,
        actions: [
          { type: 'points', points: 30, reason: '回归积分' },
          { type: 'message', channel: 'subscribe', templateId: SUB_TEMPLATE, data: { thing1: '会员{memberNo}', number2: '{points}', thing3: '{tierName}专享回归礼' } },
        ],
      });
      await runner.runDue();
      expect(await runner.runToEnd(campaign.id, 1)).toBe('done');
      // Run again (a retried batch on another instance): still one message each.
      await twinRunner.runBatch(campaign.id, 1);
      await settle();

      const [memberA] = await stack.db.query('SELECT member_no, tier FROM members WHERE id = ?', [a.memberId]);
      const inbox = (await stack.wechat(`/messages?kind=subscribe&touser=${openids[a.memberId]}`)).messages;
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ templateId: SUB_TEMPLATE, data: { thing1: { value: `会员${memberA.member_no}` }, number2: { value: '30' } } });
      for (const m of [b, c]) expect((await stack.wechat(`/messages?kind=subscribe&touser=${openids[m.memberId]}`)).messages).toHaveLength(1);
      const view = await progress(campaign.id);
      expect(view.runs[0].messages).toEqual({ sent: 3, pending: 0, unreachable: 1, failed: {} });
    });

    it('an official-account message refused with 45009 pauses the campaign and says why', async () => {
      const { segmentId, members } = await audience(2);
      for (const [i, m] of members.entries()) {
        const unionid = `ucamp-${m.memberId.slice(0, 8)}-${i}`;
        await stack.db.query('UPDATE wechat_identities SET unionid = ? WHERE member_id = ?', [unionid, m.memberId]);
        await stack.wechat('/follow', { appid: stack.oaAppid, unionid });
        for (let round = 0; round < 300; round++) {
          const [row] = await stack.db.query('SELECT COUNT(*) AS n FROM oa_followers WHERE unionid = ? AND following = 1', [unionid]);
          if (Number(row.n) === 1) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      await stack.wechat('/official-account', { appid: stack.oaAppid, templateDailyQuota: 0 });
      const campaign = await launched({ segmentId, actions: [{ type: 'message', channel: 'official_account', templateId: OA_TEMPLATE, data: { thing1: '好久不见，回来看看吧' } }] });
      await runner.runDue();
      // One member a batch: the first member's message meets the spent quota, and the run stops there.
      runner.batchSize = 1;
      try {
        expect(await runner.runBatch(campaign.id, 1)).toBe('batch');
        await settle();
        const paused = await status(campaign.id);
        expect(paused.status).toBe('paused');
        expect(paused.pausedReason).toContain('45009');
        expect(await runner.runBatch(campaign.id, 1)).toBe('stopped');
        expect((await progress(campaign.id)).runs[0]).toMatchObject({ targeted: 1, messages: { sent: 0, pending: 1 } });

        // The next day the quota is back; resumed, the run finishes and the held message goes out, each once.
        await stack.wechat('/official-account', { appid: stack.oaAppid, templateDailyQuota: 1_000_000 });
        stack.clock.travelTo('2026-06-03T04:00:00Z');
        expect((await stack.api<Campaign>('POST', `/staff/campaigns/${campaign.id}/resume`, { token: marketer })).body.status).toBe('running');
        expect(await runner.runToEnd(campaign.id, 1)).toBe('done');
        await settle();
        expect((await progress(campaign.id)).runs[0]).toMatchObject({ targeted: 2, messages: { sent: 2, pending: 0 } });
        expect((await status(campaign.id)).status).toBe('completed');
      } finally {
        runner.batchSize = 200;
        stack.clock.travelTo(NOON);
      }
    });

    it('a monthly run missed while the server was down runs once when it is next checked, then waits for the next month', async () => {
      const { segmentId, members } = await audience(3);
      const campaign = await launched({ segmentId, schedule: { type: 'monthly', day: 1, time: '10:00' }, actions: [{ type: 'points', points: 2, reason: '月度回馈' }] });
      expect(campaign.nextRunAt).toBe('2026-07-01T02:00:00.000Z');
      expect(await runner.runDue()).toBe(0);
      stack.clock.travelTo('2026-07-20T04:00:00Z');
      try {
        expect((await Promise.all([runner.runDue(), twinRunner.runDue()])).reduce((a, b) => a + b, 0)).toBe(1);
        expect(await runner.runToEnd(campaign.id, 202607)).toBe('done');
        expect(await runner.runDue()).toBe(0);
        expect(await status(campaign.id)).toMatchObject({ status: 'scheduled', nextRunAt: '2026-08-01T02:00:00.000Z' });
        expect((await pointsByKey(campaign.id)).map((p) => p.member_id).sort()).toEqual(members.map((m) => m.memberId).sort());
        expect((await progress(campaign.id)).runs.map((r) => r.runNo)).toEqual([202607]);
        expect((await stack.api<Campaign>('POST', `/staff/campaigns/${campaign.id}/cancel`, { token: marketer })).body.status).toBe('cancelled');
      } finally {
        stack.clock.travelTo(NOON);
      }
    });

    it('results: per arm who purchased within N days and what they spent, and the lift with its interval', async () => {
      // 20 members, half held out by the hash of a random campaign id: at least two treated and one
      // held out but for a chance of one in fifty thousand (with 10 it was one in a hundred).
      const { segmentId, members } = await audience(20);
      const campaign = await launched({
        segmentId,
        holdoutPercent: 50,
        actions: [
          { type: 'points', points: 1, reason: '回归积分' },
          { type: 'coupon', templateId: template.id, quantity: 1 },
        ],
      });
      await runner.runDue();
      expect(await runner.runToEnd(campaign.id, 1)).toBe('done');
      const treated = members.filter((m) => campaignArm(campaign.id, 1, m.memberId, 50) === 'treated');
      const holdout = members.filter((m) => campaignArm(campaign.id, 1, m.memberId, 50) === 'holdout');
      expect(treated.length).toBeGreaterThan(1);
      expect(holdout.length).toBeGreaterThan(0);
      const till = await TestTill.open(stack);
      const shopper = (m: BulkMember) => ({ ...m, memberNo: '', phone: '' });
      // The first treated member pays with the campaign's coupon: one redeemed.
      const [gift] = await stack.db.query('SELECT code FROM coupons WHERE member_id = ? AND grant_key LIKE ?', [treated[0].memberId, `campaign:${campaign.id}:%`]);
      // What they paid after their tier's discount (and the coupon) is the revenue.
      const paid = [
        await till.bought(shopper(treated[0]), { amountFen: 10_000, couponCodes: [gift.code] }),
        await till.bought(shopper(treated[1]), { amountFen: 5_000 }),
        await till.bought(shopper(holdout[0]), { amountFen: 2_000 }),
      ].map((o) => o.payableFen);

      const results = await stack.api('GET', `/staff/campaigns/${campaign.id}/results?days=7`, { token: marketer });
      expect(results.status).toBe(200);
      expect(results.body.arms).toEqual([
        { arm: 'treated', members: treated.length, reached: 0, couponsRedeemed: 1, purchasers: 2, revenueFen: paid[0] + paid[1] },
        { arm: 'holdout', members: holdout.length, reached: 0, couponsRedeemed: 0, purchasers: 1, revenueFen: paid[2] },
      ]);
      const pt = 2 / treated.length;
      const ph = 1 / holdout.length;
      expect(results.body.lift.lift).toBeCloseTo(pt - ph, 10);
      const se = Math.sqrt((pt * (1 - pt)) / treated.length + (ph * (1 - ph)) / holdout.length);
      expect(results.body.lift.low).toBeCloseTo(pt - ph - 1.96 * se, 10);
      expect(results.body.lift.high).toBeCloseTo(pt - ph + 1.96 * se, 10);

      // The export: the same figures, then one line per member, as a spreadsheet opens it.
      const exported = await stack.api<Buffer>('GET', `/staff/campaigns/${campaign.id}/results/export?days=7`, { token: marketer });
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(exported.headers.get('content-disposition')).toBe(`attachment; filename="campaign-${campaign.id}-results.csv"`);
      const text = exported.body.toString('utf8');
      expect(text.startsWith('\uFEFF')).toBe(true);
      const lines = text.slice(1).split('\r\n');
      expect(lines).toContain(`实验组,${treated.length},0,1,2,${paid[0] + paid[1]},${((2 / treated.length) * 100).toFixed(2)}%`);
      expect(lines).toContain(`对照组,${holdout.length},0,0,1,${paid[2]},${((1 / holdout.length) * 100).toFixed(2)}%`);
      const header = lines.indexOf('会员号,手机号,执行批次,分组,是否触达,7 天内是否消费,消费金额（分）');
      expect(header).toBeGreaterThan(0);
      const rows = lines.slice(header + 1).filter((line) => line !== '');
      expect(rows).toHaveLength(members.length);
      const numbers = new Map<string, string>();
      for (const m of members) numbers.set(m.memberId, (await stack.db.query('SELECT member_no FROM members WHERE id = ?', [m.memberId]))[0].member_no);
      expect(rows).toContain(`${numbers.get(treated[0].memberId)},139****0000,1,实验组,否,是,${paid[0]}`);
      expect(rows).toContain(`${numbers.get(holdout[0].memberId)},139****0000,1,对照组,否,是,${paid[2]}`);
      expect(rows.filter((r) => r.endsWith(',否,0'))).toHaveLength(members.length - 3);
      expect((await stack.api('GET', `/staff/campaigns/${campaign.id}/results/export?days=abc`, { token: marketer })).status).toBe(400);
      expect((await stack.api('GET', `/staff/campaigns/nope/results/export?days=7`, { token: marketer })).status).toBe(404);
      // Outside the window the purchases no longer count.
      stack.clock.travelTo('2026-06-20T04:00:00Z');
      try {
        await till.bought(shopper(holdout[0]), { amountFen: 3_000 });
      } finally {
        stack.clock.travelTo(NOON);
      }
      expect((await stack.api('GET', `/staff/campaigns/${campaign.id}/results?days=7`, { token: marketer })).body.arms[1]).toMatchObject({ purchasers: 1, revenueFen: paid[2] });
      expect((await stack.api('GET', `/staff/campaigns/${campaign.id}/results?days=0`, { token: marketer })).status).toBe(400);
    });

    it('SMS reaches exactly the treated members the WeChat message cannot, once each, keyed; an opt-out by TD is respected before and after the run', async () => {
      await registerSubscribeTemplate();
      const { segmentId, members } = await audience(5);
      const [a, b, c, d, e] = members;
      const phones = await withPhones(members);
      // a and b accepted the campaign's subscribe template: WeChat reaches them; c, d and e hold no credit.
      for (const m of [a, b]) {
        const [row] = await stack.db.query('SELECT openid FROM wechat_identities WHERE member_id = ?', [m.memberId]);
        await stack.wechat('/subscribe-accept', { appid: stack.appid, openid: row.openid, templateId: SUB_TEMPLATE });
        expect((await stack.api('POST', '/member/messages/subscriptions', { token: m.token, body: { results: { [SUB_TEMPLATE]: 'accept' } } })).status).toBe(200);
      }
      // e answered an earlier text with TD: no offers on any channel.
      expect((await stack.wechat('/sms/reply', { phone: phones.get(e.memberId), text: 'TD' })).callback.status).toBe(200);
      const campaign = await launched({
        segmentId,
        actions: [
          { type: 'message', channel: 'subscribe', templateId: SUB_TEMPLATE, data: { thing1: '会员{memberNo}', number2: '{points}', thing3: '{tierName}专享回归礼' } },
          { type: 'sms', templateId: SMS_TEMPLATE, params: ['会员{memberNo}', '满100减20券', '12月31日'] },
        ],
      });
      // The run reaches the members at 22:00, in quiet hours: what it queued waits for the morning.
      stack.clock.travelTo('2026-06-02T14:00:00Z');
      try {
        await runner.runDue();
        expect(await runner.runToEnd(campaign.id, 1)).toBe('done');
        // A retried batch on another instance queues nothing twice.
        await twinRunner.runBatch(campaign.id, 1);
        await settle();
        expect((await progress(campaign.id)).runs[0]).toMatchObject({ messages: { sent: 0, pending: 4 }, sms: { sent: 0, pending: 2 } });
        // d answers TD in the night, after the run met them: their text is not sent in the morning.
        expect((await stack.wechat('/sms/reply', { phone: phones.get(d.memberId), text: '退订' })).callback.status).toBe(200);
        stack.clock.travelTo('2026-06-03T01:00:00Z');
        await drain(campaign.id);
      } finally {
        stack.clock.travelTo(NOON);
      }

      for (const m of [a, b, d, e]) expect(await texts(phones.get(m.memberId)!)).toEqual([]);
      const [memberC] = await stack.db.query('SELECT member_no FROM members WHERE id = ?', [c.memberId]);
      expect(await texts(phones.get(c.memberId)!)).toEqual([
        expect.objectContaining({ template: SMS_TEMPLATE, params: [`会员${memberC.member_no}`, '满100减20券', '12月31日'], sessionContext: `campaign:${campaign.id}:1:${c.memberId}:1` }),
      ]);
      const view = await progress(campaign.id);
      expect(view.runs[0]).toMatchObject({ targeted: 4, messages: { sent: 2, pending: 0, unreachable: 2, failed: {} }, sms: { sent: 1, pending: 0, failed: {} } });
      // Reached: by WeChat (a, b) or by SMS (c).
      const results = await stack.api('GET', `/staff/campaigns/${campaign.id}/results?days=7`, { token: marketer });
      expect(results.body.arms[0]).toMatchObject({ arm: 'treated', members: 4, reached: 3 });
    });

    it('SMS without fallbackOnly goes to every treated member; a halt from the provider pauses the campaign and says why, a provider limit waits and sends once', async () => {
      const { segmentId, members } = await audience(3);
      const phones = await withPhones(members);
      const campaign = await launched({ segmentId, actions: [{ type: 'sms', templateId: SMS_TEMPLATE, params: ['{tierName}', '双倍积分', '6月30日'], fallbackOnly: false }] });
      await runner.runDue();
      runner.batchSize = 1;
      try {
        // The SMS package is used up: the first text meets it and the campaign pauses, naming the code.
        await stack.wechat('/faults', { sms: 'FailedOperation.InsufficientBalanceInSmsPackage', times: 1 });
        expect(await runner.runBatch(campaign.id, 1)).toBe('batch');
        await settle();
        const paused = await status(campaign.id);
        expect(paused.status).toBe('paused');
        expect(paused.pausedReason).toContain('FailedOperation.InsufficientBalanceInSmsPackage');
        expect(await runner.runBatch(campaign.id, 1)).toBe('stopped');
        expect((await progress(campaign.id)).runs[0]).toMatchObject({ targeted: 1, sms: { sent: 0, pending: 1 } });

        // Topped up and resumed: the held text and the rest go out; the provider's request limit once on the way only delays one.
        await stack.wechat('/faults', { sms: 'RequestLimitExceeded', times: 1 });
        expect((await stack.api<Campaign>('POST', `/staff/campaigns/${campaign.id}/resume`, { token: marketer })).body.status).toBe('running');
        expect(await runner.runToEnd(campaign.id, 1)).toBe('done');
        await drain(campaign.id);
      } finally {
        runner.batchSize = 200;
      }
      for (const m of members) expect(await texts(phones.get(m.memberId)!)).toHaveLength(1);
      const rows = await stack.db.query('SELECT status, attempts, last_error FROM notifications WHERE dedupe_key LIKE ?', [`campaign:${campaign.id}:%`]);
      expect(rows.map((r: { status: string }) => r.status)).toEqual(['sent', 'sent', 'sent']);
      // Neither the halt nor the provider's limit counts as an attempt: each row's one attempt is its send.
      expect(rows.every((r: { attempts: unknown }) => Number(r.attempts) === 1)).toBe(true);
      expect(rows.map((r: { last_error: string | null }) => r.last_error)).toContain('RequestLimitExceeded');
      expect((await progress(campaign.id)).runs[0]).toMatchObject({ sms: { sent: 3, pending: 0, failed: {} }, messages: { sent: 0, pending: 0 } });
      expect((await status(campaign.id)).status).toBe('completed');
    });

    it('a text the provider refuses for good is failed with its code, never retried', async () => {
      const { segmentId, members } = await audience(1);
      // A number the provider does not take for a mainland mobile.
      const vault = stack.app.get(PhoneVault);
      const wrong = '12' + String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
      await stack.db.query('UPDATE members SET phone_cipher = ?, phone_hash = ? WHERE id = ?', [vault.encrypt(wrong), vault.hash(wrong), members[0].memberId]);
      const campaign = await launched({ segmentId, actions: [{ type: 'sms', templateId: SMS_TEMPLATE, params: ['会员', '满50减5券', '6月30日'], fallbackOnly: false }] });
      await runner.runDue();
      expect(await runner.runToEnd(campaign.id, 1)).toBe('done');
      await drain(campaign.id);
      expect((await progress(campaign.id)).runs[0].sms).toEqual({ sent: 0, pending: 0, failed: { 'InvalidParameterValue.IncorrectPhoneNumber': 1 } });
      const [row] = await stack.db.query('SELECT status, attempts FROM notifications WHERE dedupe_key LIKE ?', [`campaign:${campaign.id}:%`]);
      expect(row.status).toBe('failed');
      expect(Number(row.attempts)).toBe(1);
    });

    it('with SMS off the text is unreachable: nothing is sent, nothing waits', async () => {
      const off = await TestStack.start({ database, env: { SMS_ENABLED: 'false' } });
      try {
        off.clock.travelTo(NOON);
        const offRunner = off.app.get(CampaignRunner);
        await offRunner.queue.pause(true);
        const token = await off.staffToken('marketer');
        const [member] = await bulkMembers(off, 1);
        const phone = aPhone();
        const vault = off.app.get(PhoneVault);
        await off.db.query('UPDATE members SET marketing_consent = 1, phone_cipher = ?, phone_hash = ? WHERE id = ?', [vault.encrypt(phone), vault.hash(phone), member.memberId]);
        const segment = await off.api('POST', '/staff/segments', { token, body: { name: '短信关闭', filter: {} } });
        const created = await off.api<Campaign>('POST', '/staff/campaigns', {
          token,
          body: { name: '短信关闭', segmentId: segment.body.id, holdoutPercent: 0, schedule: { type: 'now' }, actions: [{ type: 'sms', templateId: SMS_TEMPLATE, params: ['会员', '满100减20券', '12月31日'] }] },
        });
        expect(created.status).toBe(201);
        await off.api('POST', `/staff/campaigns/${created.body.id}/launch`, { token });
        await offRunner.runDue();
        expect(await offRunner.runToEnd(created.body.id, 1)).toBe('done');
        // Bull's worker may hold the row a moment: sweep until it is settled.
        for (let round = 0; round < 100; round++) {
          await off.app.get(NotificationSender).runDue();
          const [open] = await off.db.query("SELECT COUNT(*) AS n FROM notifications WHERE status IN ('pending', 'sending')");
          if (Number(open.n) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const rows = await off.db.query('SELECT status FROM notifications WHERE dedupe_key LIKE ?', [`campaign:${created.body.id}:%`]);
        expect(rows.map((r: { status: string }) => r.status)).toEqual(['unreachable']);
        expect(await texts(phone)).toEqual([]);
      } finally {
        await off.close();
      }
    });

    it('the send limiter spreads texts over the seconds, shared by both instances: 30 texts at 5 a second all go, each once', async () => {
      const { segmentId, members } = await audience(30);
      const phones = await withPhones(members);
      const senders = [stack.app.get(NotificationSender), twin.get(NotificationSender)];
      const before = senders.map((s) => s.sendPerSecond.sms);
      for (const s of senders) s.sendPerSecond.sms = 5;
      try {
        const campaign = await launched({ segmentId, actions: [{ type: 'sms', templateId: SMS_TEMPLATE, params: ['会员', '满100减20券', '12月31日'], fallbackOnly: false }] });
        await runner.runDue();
        expect(await runner.runToEnd(campaign.id, 1)).toBe('done');
        const started = Date.now();
        // Both instances sweep at once, as two servers would.
        let drained = false;
        const [took] = await Promise.all([
          drain(campaign.id, 30)
            .then(() => Date.now() - started)
            .finally(() => (drained = true)),
          (async () => {
            while (!drained) {
              await senders[1].runDue();
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
          })(),
        ]);
        const delivered = (await Promise.all(members.map((m) => texts(phones.get(m.memberId)!)))).map((list) => list.length);
        expect(delivered).toEqual(members.map(() => 1));
        // 30 at 5 a second need at least 5 more seconds after the first 5.
        expect(took).toBeGreaterThanOrEqual(4_000);
        const rows = await stack.db.query('SELECT attempts FROM notifications WHERE dedupe_key LIKE ?', [`campaign:${campaign.id}:%`]);
        // Held back by the limiter is no attempt: each row's one attempt is its send.
        expect(rows.every((r: { attempts: unknown }) => Number(r.attempts) === 1)).toBe(true);
        console.log(`limiter: 30 texts at 5/s over two instances took ${took} ms`);
      } finally {
        senders.forEach((s, i) => (s.sendPerSecond.sms = before[i]));
      }
    }, 60_000);

    it('the frequency cap leaves out members another campaign treated within its days (in both arms), and counts them as capped', async () => {
      const { segmentId, members } = await audience(8);
      const early = members.slice(0, 3);
      const later = members.slice(3);
      // Another campaign treats only the first three (the rest do not accept offers for now).
      await stack.db.query(`UPDATE members SET marketing_consent = 0 WHERE id IN (${later.map(() => '?').join(', ')})`, later.map((m) => m.memberId));
      const first = await launched({ segmentId, actions: [{ type: 'points', points: 1, reason: '首轮' }] });
      await runner.runDue();
      expect(await runner.runToEnd(first.id, 1)).toBe('done');
      await stack.db.query(`UPDATE members SET marketing_consent = 1 WHERE id IN (${later.map(() => '?').join(', ')})`, later.map((m) => m.memberId));

      const capped = await launched({ segmentId, holdoutPercent: 50, frequencyCapDays: 7, actions: [{ type: 'points', points: 9, reason: '限频活动' }] });
      expect(capped.frequencyCapDays).toBe(7);
      await runner.runDue();
      expect(await runner.runToEnd(capped.id, 1)).toBe('done');
      const given = (await pointsByKey(capped.id)).map((p) => p.member_id);
      expect(given.filter((id) => early.some((m) => m.memberId === id))).toEqual([]);
      const treatedLater = later.filter((m) => campaignArm(capped.id, 1, m.memberId, 50) === 'treated').map((m) => m.memberId);
      expect(given.sort()).toEqual([...treatedLater].sort());
      expect((await progress(capped.id)).runs[0]).toMatchObject({ targeted: 5, capped: 3, holdout: 5 - treatedLater.length });
      const results = await stack.api('GET', `/staff/campaigns/${capped.id}/results?days=7`, { token: marketer });
      expect(results.body.arms.map((a: { members: number }) => a.members).reduce((x: number, y: number) => x + y, 0)).toBe(5);

      // Eight days on, the first campaign's treatment is past a 7-day cap: nobody is left out for it.
      stack.clock.travelTo('2026-06-10T04:00:00Z');
      try {
        const weekLater = await launched({ segmentId, frequencyCapDays: 7, actions: [{ type: 'points', points: 2, reason: '八天后' }] });
        await runner.runDue();
        expect(await runner.runToEnd(weekLater.id, 1)).toBe('done');
        expect((await progress(weekLater.id)).runs[0]).toMatchObject({ targeted: 8, capped: 0 });
      } finally {
        stack.clock.travelTo(NOON);
      }
    });

    it('edits drafts only, with the version read; bad input is a 400 naming the field; another brand sees nothing; a clerk is refused', async () => {
      const { segmentId } = await audience(1);
      const body = { name: '草稿活动', segmentId, holdoutPercent: 10, schedule: { type: 'monthly', day: 1, time: '10:00' }, actions: [{ type: 'points', points: 1, reason: '测试' }] };
      const created = await stack.api<Campaign>('POST', '/staff/campaigns', { token: marketer, body });
      expect(created.status).toBe(201);
      const id = created.body.id;
      expect(created.body.frequencyCapDays).toBeNull();
      const saved = await stack.api<Campaign>('PUT', `/staff/campaigns/${id}`, { token: marketer, body: { ...body, name: '改名', frequencyCapDays: 14, version: 1 } });
      expect(saved.body).toMatchObject({ name: '改名', frequencyCapDays: 14, version: 2 });
      expect((await status(id)).frequencyCapDays).toBe(14);
      expect((await stack.api('PUT', `/staff/campaigns/${id}`, { token: marketer, body: { ...body, version: 1 } })).body.code).toBe('CAMPAIGN_CONFLICT');
      const launch = await stack.api<Campaign>('POST', `/staff/campaigns/${id}/launch`, { token: marketer });
      // Monthly on the 1st at 10:00 Shanghai: 1 July (2 June is past the 1st).
      expect(launch.body).toMatchObject({ status: 'scheduled', nextRunAt: '2026-07-01T02:00:00.000Z' });
      expect((await stack.api('PUT', `/staff/campaigns/${id}`, { token: marketer, body: { ...body, version: 2 } })).body.code).toBe('CAMPAIGN_NOT_DRAFT');
      expect((await stack.api<Campaign>('POST', `/staff/campaigns/${id}/cancel`, { token: marketer })).body.status).toBe('cancelled');

      const refused = async (change: Record<string, unknown>, field: string) => {
        const before = await stack.db.query('SELECT COUNT(*) AS n FROM campaigns');
        const result = await stack.api('POST', '/staff/campaigns', { token: marketer, body: { ...body, ...change } });
        expect(result.status).toBe(400);
        expect(result.body.issues.map((i: { field: string }) => i.field)).toContain(field);
        expect(await stack.db.query('SELECT COUNT(*) AS n FROM campaigns')).toEqual(before);
      };
      await refused({ holdoutPercent: 51 }, 'holdoutPercent');
      await refused({ segmentId: 'nope' }, 'segmentId');
      await refused({ actions: [{ type: 'coupon', templateId: 'nope', quantity: 1 }] }, 'actions.0.templateId');
      await refused({ actions: [{ type: 'message', channel: 'subscribe', templateId: 't', data: { thing1: '{nickname}' } }] }, 'actions.0.data.thing1');
      await refused({ actions: [{ type: 'message', channel: 'subscribe', templateId: 't', data: { number1: '第{points}名' } }] }, 'actions.0.data.number1');
      await refused({ schedule: { type: 'monthly', day: 31, time: '10:00' } }, 'schedule.day');
      // A subscribe message only with a template the brand registered; an SMS with a numeric template and params that fit.
      await refused({ actions: [{ type: 'message', channel: 'subscribe', templateId: 'never-registered', data: { thing1: '你好' } }] }, 'actions.0.templateId');
      await refused({ actions: [{ type: 'points', points: 1, reason: '测试' }, { type: 'sms', templateId: 'abc', params: ['你好'] }] }, 'actions.1.templateId');
      await refused({ actions: [{ type: 'sms', templateId: SMS_TEMPLATE, params: ['{nickname}'] }] }, 'actions.0.params.0');
      await refused({ actions: [{ type: 'sms', templateId: SMS_TEMPLATE, params: ['【微会员】'] }] }, 'actions.0.params.0');
      await refused({ frequencyCapDays: 0 }, 'frequencyCapDays');
      await refused({ frequencyCapDays: 91 }, 'frequencyCapDays');

      const other = await TestStack.start();
      try {
        const otherAdmin = await other.staffToken('admin');
        const elsewhere = await other.api('GET', `/staff/campaigns/${id}`, { token: otherAdmin });
        expect(elsewhere.status).toBe(404);
        expect(elsewhere.body.code).toBe('CAMPAIGN_NOT_FOUND');
      } finally {
        await other.close();
      }
      const clerk = await stack.staffToken('clerk');
      expect((await stack.api('GET', '/staff/campaigns', { token: clerk })).status).toBe(403);
    });
  });
}
