import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  TIER_NAMES,
  campaignActionSchema,
  campaignArm,
  campaignScheduleSchema,
  pointsExpiryDate,
  resolveMergeFields,
  segmentFilterSchema,
  smsParamProblem,
  templateValueProblem,
  type CampaignAction,
  type CampaignMergeField,
  type CampaignMessagePayload,
  type CampaignSmsPayload,
  type CampaignSchedule,
  type LoyaltyRules,
} from '@wemember/shared';
import type { Queue } from 'bull';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CouponGrants } from '../coupons/coupon-grants';
import { CouponTemplates } from '../coupons/coupon-templates.service';
import { dbTime, execute, forUpdate, fromDbTime, insertOnce, toInt } from '../database/sql';
import { isLockConflict, isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { lockMember, lockMembers, type LockedMember } from '../ledger/member-lock';
import { LoyaltySettingsService } from '../loyalty/loyalty-settings.service';
import { enqueueNotification, enqueueNotifications, type NotificationInput } from '../notifications/outbox';
import { OfficialFollowers } from '../official-account/official-followers';
import { PointsLedger } from '../points/points-ledger';
import { SegmentsService } from '../segments/segments.service';
import { OfficialAccountClient } from '../wechat/official-account.client';
import { runNoOf, nextRunAt } from './campaign-schedule';

export const CAMPAIGNS_QUEUE = 'campaigns';

/** A job of the campaigns queue: `due` looks for runs due; `batch` does the next batch of one run. */
export interface CampaignJob {
  campaignId?: string;
  runNo?: number;
}

/** Members per batch: one keyset page of the segment, one Bull job, one move of the cursor. */
export const CAMPAIGN_BATCH = 500;
/**
 * Members per chunk: one transaction under the chunk's member locks, its statements set-based, so
 * the campaign's budget row and the coupon template's stock row — hot rows every chunk of the run
 * writes — are held once per chunk instead of once per member (docs/campaigns.md "At scale").
 */
export const CAMPAIGN_CHUNK = 50;
/**
 * Chunks of a batch in flight at once. Their member sets are disjoint, so they wait on each other
 * only for the hot rows, briefly; meanwhile the others' statements and commits overlap.
 */
export const CHUNKS_AT_ONCE = 3;

const KEEP = { removeOnComplete: 100, removeOnFail: 500 };

interface RunCampaign {
  id: string;
  brandId: string;
  segmentId: string;
  actions: CampaignAction[];
  schedule: CampaignSchedule;
  holdoutPercent: number;
  /** Leave out members another campaign treated within this many days; null = no cap. */
  frequencyCapDays: number | null;
  status: string;
}

/** What a member was recorded as in a run: an arm of the comparison, or left out by the frequency cap. */
type RecordedArm = 'treated' | 'holdout' | 'capped';

export type BatchOutcome = 'batch' | 'done' | 'stopped';

/**
 * Runs campaigns on Bull (docs/campaigns.md). The schedule check claims a due run with a checked
 * UPDATE (scheduled → running) and a unique (campaign, run_no) row, so a run starts once however
 * many instances check and however late. A run then walks the segment in keyset batches, each a
 * job: the batch re-reads the status (a pause or cancel stops the next batch) and is split into
 * chunks, each one transaction under its members' locks that records their arms and gives the
 * treated members the actions under keys `campaign:<id>:<run>:<member>:<action>[:<n>]` — so a batch
 * done twice (Bull's at-least-once, a worker dying, two instances) finds the arms and keys and
 * gives nothing twice. The cursor moves with a conditional UPDATE from the cursor the batch
 * started at.
 */
@Injectable()
export class CampaignRunner {
  private readonly logger = new Logger('CampaignRunner');
  /** Members per batch (tests make it small to stop a run between batches). */
  batchSize = CAMPAIGN_BATCH;
  /** Members per chunk (tests make it small to have several chunks in a batch). */
  chunkSize = CAMPAIGN_CHUNK;

  constructor(
    @InjectQueue(CAMPAIGNS_QUEUE) readonly queue: Queue<CampaignJob>,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly segments: SegmentsService,
    private readonly templates: CouponTemplates,
    private readonly grants: CouponGrants,
    private readonly points: PointsLedger,
    private readonly loyalty: LoyaltySettingsService,
    private readonly followers: OfficialFollowers,
    private readonly official: OfficialAccountClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Queues a schedule check for `at`; a lost job is caught by the repeatable check. */
  async kickDue(at: Date): Promise<void> {
    const delay = Math.max(0, at.getTime() - this.clock.nowMs());
    await this.queue.add('due', {}, { ...KEEP, delay }).catch((error: Error) => this.logger.warn(`queueing the campaign check: ${error.message}`));
  }

  /** Every scheduled campaign whose run is due starts it (a run missed while the server was down starts now, once). */
  async runDue(): Promise<number> {
    const now = this.clock.now();
    const due = (await this.uow.reader.query("SELECT id FROM campaigns WHERE status = 'scheduled' AND next_run_at <= ? ORDER BY next_run_at, id LIMIT 100", [dbTime(now)])) as {
      id: string;
    }[];
    let started = 0;
    for (const { id } of due) if (await this.start(id, now)) started += 1;
    return started;
  }

  /** Claims the campaign's due run: scheduled → running and the (campaign, run_no) row, in one transaction. */
  async start(campaignId: string, now: Date): Promise<boolean> {
    const [row] = (await this.uow.reader.query('SELECT schedule, next_run_at FROM campaigns WHERE id = ?', [campaignId])) as { schedule: string; next_run_at: Date | string | null }[];
    if (!row?.next_run_at) return false;
    const dueAt = fromDbTime(row.next_run_at);
    const runNo = runNoOf(campaignScheduleSchema.parse(JSON.parse(row.schedule)), dueAt);
    const claimed = await this.uow
      .transaction(async (m) => {
        const moved = await execute(m, "UPDATE campaigns SET status = 'running', updated_at = ? WHERE id = ? AND status = 'scheduled' AND next_run_at = ?", [
          dbTime(now),
          campaignId,
          dbTime(dueAt),
        ]);
        if (moved !== 1) return false;
        await m.query("INSERT INTO campaign_runs (campaign_id, run_no, status, cursor_member_id, started_at, moved_at, finished_at) VALUES (?, ?, 'running', NULL, ?, ?, NULL)", [
          campaignId,
          runNo,
          dbTime(now),
          dbTime(now),
        ]);
        return true;
      })
      .catch((error: unknown) => {
        // The run was claimed before (the due time was reset to one already run): nothing to start.
        if (isUniqueViolation(error)) return false;
        throw error;
      });
    if (claimed) await this.kickBatch(campaignId, runNo, null);
    return claimed;
  }

  /** Resumes a paused campaign: back to its unfinished run, else to waiting for its next one. */
  async resume(brandId: string, campaignId: string, audit: (to: 'running' | 'scheduled', m: EntityManager) => Promise<void>): Promise<void> {
    const [open] = (await this.uow.reader.query("SELECT run_no, cursor_member_id FROM campaign_runs WHERE campaign_id = ? AND status = 'running'", [campaignId])) as {
      run_no: unknown;
      cursor_member_id: string | null;
    }[];
    const to = open ? 'running' : 'scheduled';
    const now = this.clock.now();
    await this.uow.transaction(async (m) => {
      const moved = await execute(m, "UPDATE campaigns SET status = ?, paused_reason = NULL, updated_at = ? WHERE id = ? AND brand_id = ? AND status = 'paused'", [
        to,
        dbTime(now),
        campaignId,
        brandId,
      ]);
      if (moved !== 1) throw new DomainError('CAMPAIGN_STATE', '只有已暂停的活动可以继续');
      // Messages held while paused go out again from now (a 45009 pause: the marketer resumes the next day).
      await execute(m, "UPDATE notifications SET not_before = ?, updated_at = ? WHERE brand_id = ? AND kind = 'campaign' AND status = 'pending' AND dedupe_key LIKE ?", [
        dbTime(now),
        dbTime(now),
        brandId,
        `campaign:${campaignId}:%`,
      ]);
      if (open) await execute(m, 'UPDATE campaign_runs SET moved_at = ? WHERE campaign_id = ? AND run_no = ?', [dbTime(now), campaignId, toInt(open.run_no)]);
      await audit(to, m);
    });
    // A job of its own: the batch job at this cursor may be Bull's already (it ran and found the campaign paused).
    if (open) await this.kickBatch(campaignId, toInt(open.run_no), open.cursor_member_id, `resume:${now.getTime()}`);
    else await this.kickDue(now);
  }

  /**
   * Queues the batch after `cursor`. The job id is the cursor's, so the batch is queued once however
   * many times the same move is reported; `again` makes a new job for a batch whose job Bull already
   * holds as done (a resume, a run that stopped moving).
   */
  async kickBatch(campaignId: string, runNo: number, cursor: string | null, again?: string): Promise<void> {
    const jobId = `campaign:${campaignId}:${runNo}:${cursor ?? 'start'}${again ? `:${again}` : ''}`;
    await this.queue
      .add('batch', { campaignId, runNo }, { ...KEEP, jobId })
      .catch((error: Error) => this.logger.warn(`queueing campaign ${campaignId} run ${runNo}: ${error.message} (the check re-queues running runs)`));
  }

  /**
   * Re-queues the next batch of every running run whose cursor has not moved for
   * CAMPAIGN_STALL_SECONDS (5 minutes): its job was lost (Redis restarted empty, a worker died
   * holding it) or ended without moving it. A batch that was only slow is then done twice, which its
   * keys make harmless.
   */
  async requeueRunning(): Promise<number> {
    const now = this.clock.now();
    const runs = (await this.uow.reader.query(
      "SELECT r.campaign_id, r.run_no, r.cursor_member_id FROM campaign_runs r JOIN campaigns c ON c.id = r.campaign_id WHERE r.status = 'running' AND c.status = 'running' AND r.moved_at < ?",
      [dbTime(new Date(now.getTime() - this.config.campaigns.stallSeconds * 1000))],
    )) as { campaign_id: string; run_no: unknown; cursor_member_id: string | null }[];
    for (const r of runs) {
      await this.uow.transaction((m) => execute(m, 'UPDATE campaign_runs SET moved_at = ? WHERE campaign_id = ? AND run_no = ?', [dbTime(now), r.campaign_id, toInt(r.run_no)]));
      await this.kickBatch(r.campaign_id, toInt(r.run_no), r.cursor_member_id, `stalled:${now.getTime()}`);
    }
    return runs.length;
  }

  /**
   * The next batch of one run, from its cursor. Idempotent: a batch repeated gives nothing twice,
   * and only the first to finish moves the cursor on. 'stopped' when the campaign is not running
   * (paused or cancelled), 'done' when the audience is exhausted and the run closed.
   */
  async runBatch(campaignId: string, runNo: number): Promise<BatchOutcome> {
    const campaign = await this.campaign(campaignId);
    if (!campaign || campaign.status !== 'running') return 'stopped';
    const [run] = (await this.uow.reader.query('SELECT status, cursor_member_id FROM campaign_runs WHERE campaign_id = ? AND run_no = ?', [campaignId, runNo])) as {
      status: string;
      cursor_member_id: string | null;
    }[];
    if (!run || run.status !== 'running') return 'done';
    const [segment] = (await this.uow.reader.query('SELECT filter FROM segments WHERE id = ? AND brand_id = ?', [campaign.segmentId, campaign.brandId])) as { filter: string }[];
    // Campaigns reach only members marketing may reach, whatever the segment says.
    const filter = { ...segmentFilterSchema.parse(segment ? JSON.parse(segment.filter) : {}), marketingAllowed: true };
    const ids = segment ? await this.segments.segmentMembers(campaign.brandId, filter, run.cursor_member_id, this.batchSize) : [];
    if (ids.length === 0) {
      await this.finishRun(campaign, runNo);
      return 'done';
    }
    const now = this.clock.now();
    const rules = await this.loyalty.rules(campaign.brandId);
    // Chunks CHUNKS_AT_ONCE at a time, each one transaction under its members' locks (arms, cap, actions).
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += this.chunkSize) chunks.push(ids.slice(i, i + this.chunkSize));
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(CHUNKS_AT_ONCE, chunks.length) }, async () => {
        while (next < chunks.length) await this.chunk(campaign, runNo, chunks[next++], rules, now);
      }),
    );
    const last = ids[ids.length - 1];
    const moved = await this.uow.transaction((m) =>
      execute(
        m,
        `UPDATE campaign_runs SET cursor_member_id = ?, moved_at = ? WHERE campaign_id = ? AND run_no = ? AND status = 'running' AND ${run.cursor_member_id === null ? 'cursor_member_id IS NULL' : 'cursor_member_id = ?'}`,
        [last, dbTime(this.clock.now()), campaignId, runNo, ...(run.cursor_member_id === null ? [] : [run.cursor_member_id])],
      ),
    );
    if (moved === 1) await this.kickBatch(campaignId, runNo, last);
    return 'batch';
  }

  /** Runs batches until the run is done or stopped: what tests and a console "run now" drive. */
  async runToEnd(campaignId: string, runNo: number, maxBatches = 10_000): Promise<BatchOutcome> {
    for (let i = 0; i < maxBatches; i++) {
      const outcome = await this.runBatch(campaignId, runNo);
      if (outcome !== 'batch') return outcome;
    }
    return 'batch';
  }

  /** The run is done; a recurring campaign waits for its next month, any other is completed. */
  private async finishRun(campaign: RunCampaign, runNo: number): Promise<void> {
    const now = this.clock.now();
    await this.uow.transaction(async (m) => {
      const closed = await execute(m, "UPDATE campaign_runs SET status = 'done', finished_at = ? WHERE campaign_id = ? AND run_no = ? AND status = 'running'", [
        dbTime(now),
        campaign.id,
        runNo,
      ]);
      if (closed !== 1) return;
      const next = campaign.schedule.type === 'monthly' ? nextRunAt(campaign.schedule, new Date(now.getTime() + 60_000), 1) : null;
      await execute(m, "UPDATE campaigns SET status = ?, next_run_at = ?, updated_at = ? WHERE id = ? AND status = 'running'", [
        next ? 'scheduled' : 'completed',
        next ? dbTime(next) : null,
        dbTime(now),
        campaign.id,
      ]);
    });
  }

  /**
   * One chunk of a batch in one transaction (treatChunk). A chunk that fails on a unique key (an
   * instance not following the member locks: the keys are the backstop) or stays a deadlock victim
   * after the unit of work's retries is done again member by member, each in its own transaction, so
   * one odd member cannot stall the run; anything else fails the batch, whose job Bull retries.
   */
  private async chunk(campaign: RunCampaign, runNo: number, ids: string[], rules: LoyaltyRules, now: Date): Promise<void> {
    try {
      await this.uow.transaction((m) => this.treatChunk(m, campaign, runNo, ids, rules, now));
    } catch (error) {
      if (!isUniqueViolation(error) && !isLockConflict(error)) throw error;
      this.logger.warn(`campaign ${campaign.id} run ${runNo}: a chunk of ${ids.length} members failed (${(error as Error).message}), again member by member`);
      for (const id of ids) await this.member(campaign, runNo, id, rules, now);
    }
  }

  /**
   * A chunk's members under their locks, taken in one statement in id order (lockMembers): their
   * arms recorded once (a repeat reads the arms recorded first, so they never change), then each
   * action for all treated active members at once, every grant, entry and message under its own key
   * — a chunk done twice (Bull's at-least-once, two instances) waits for the first one's locks and
   * then finds its arms and keys, so it gives nothing twice. The member locks come first; the
   * campaign's budget row and the templates' rows after, as in lockMember's order.
   */
  private async treatChunk(m: EntityManager, campaign: RunCampaign, runNo: number, ids: string[], rules: LoyaltyRules, now: Date): Promise<void> {
    const members = (await lockMembers(m, ids)).filter((member) => member.brandId === campaign.brandId);
    if (members.length === 0) return;
    const arms = await this.recordArms(m, campaign, runNo, members, now);
    // A card frozen or closed since the segment was read takes nothing.
    const treated = members.filter((member) => arms.get(member.id) === 'treated' && member.status === 'active');
    if (treated.length === 0) return;
    for (const [index, action] of campaign.actions.entries()) {
      const keyOf = (member: LockedMember) => `campaign:${campaign.id}:${runNo}:${member.id}:${index}`;
      if (action.type === 'coupon') await this.grantChunkCoupons(m, campaign, treated, action, keyOf, now);
      if (action.type === 'points') await this.creditChunkPoints(m, campaign, treated, action, keyOf, rules, now);
      if (action.type === 'message') await this.chunkMessages(m, campaign, runNo, treated, action, keyOf, now);
      if (action.type === 'sms') await this.chunkSms(m, campaign, runNo, treated, action, keyOf, now);
    }
  }

  /**
   * The chunk's arms in this run, each recorded once: those recorded before are read back, the rest
   * drawn (and capped, as recordArm does) and inserted in one statement.
   */
  private async recordArms(m: EntityManager, campaign: RunCampaign, runNo: number, members: LockedMember[], now: Date): Promise<Map<string, RecordedArm>> {
    const ids = members.map((member) => member.id);
    const recorded = (await m.query(`SELECT member_id, arm FROM campaign_members WHERE campaign_id = ? AND run_no = ? AND member_id IN (${marks(ids)})`, [
      campaign.id,
      runNo,
      ...ids,
    ])) as { member_id: string; arm: RecordedArm }[];
    const arms = new Map(recorded.map((r) => [r.member_id, r.arm]));
    const fresh = ids.filter((id) => !arms.has(id));
    if (fresh.length === 0) return arms;
    const capped = new Set<string>();
    if (campaign.frequencyCapDays !== null) {
      const since = new Date(now.getTime() - campaign.frequencyCapDays * 86_400_000);
      const recent = (await m.query(
        `SELECT DISTINCT member_id FROM campaign_members WHERE member_id IN (${marks(fresh)}) AND created_at >= ? AND arm = 'treated' AND campaign_id <> ?`,
        [...fresh, dbTime(since), campaign.id],
      )) as { member_id: string }[];
      for (const r of recent) capped.add(r.member_id);
    }
    for (const id of fresh) arms.set(id, capped.has(id) ? 'capped' : campaignArm(campaign.id, runNo, id, campaign.holdoutPercent));
    // A plain INSERT: under the member locks no other runner can have recorded these since the read; if one did, the unique key fails the chunk.
    await m.query(
      `INSERT INTO campaign_members (campaign_id, run_no, member_id, arm, created_at) VALUES ${fresh.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
      fresh.flatMap((id) => [campaign.id, runNo, id, arms.get(id), dbTime(now)]),
    );
    return arms;
  }

  /**
   * The chunk's coupons not issued yet (keys `<key>:<n>`), the budget spent once for all of them —
   * or for what is left of it, members in id order first — then issued together (one stock UPDATE,
   * one multi-row INSERT); what the issuer could not issue (out of stock, paused, past its dates:
   * it wrote nothing for those) goes back to the budget in one UPDATE.
   */
  private async grantChunkCoupons(
    m: EntityManager,
    campaign: RunCampaign,
    members: LockedMember[],
    action: Extract<CampaignAction, { type: 'coupon' }>,
    keyOf: (member: LockedMember) => string,
    now: Date,
  ): Promise<void> {
    const template = await this.templates.template(campaign.brandId, action.templateId, m).catch((error: unknown) => {
      if (error instanceof DomainError) return null;
      throw error;
    });
    if (!template) return;
    const wanted = members.flatMap((member) => Array.from({ length: action.quantity }, (_, i) => ({ member, key: `${keyOf(member)}:${i + 1}` })));
    const held = (await m.query(`SELECT grant_key FROM coupons WHERE grant_key IN (${marks(wanted)})`, wanted.map((w) => w.key))) as { grant_key: string }[];
    const heldKeys = new Set(held.map((r) => r.grant_key));
    const due = wanted.filter((w) => !heldKeys.has(w.key));
    if (due.length === 0) return;
    const budget = await this.spendBudget(m, campaign.id, due.length);
    if (budget === 0) return;
    let issued = 0;
    try {
      issued = (await this.grants.grantManyIn(m, template, due.slice(0, budget), 'campaign', now)).length;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.logger.warn(`campaign ${campaign.id}: coupon ${action.templateId} for ${budget} members of a chunk skipped: ${error.code}`);
    }
    if (issued < budget) await execute(m, 'UPDATE campaigns SET coupons_spent = coupons_spent - ? WHERE id = ?', [budget - issued, campaign.id]);
  }

  /**
   * Takes up to `wanted` coupons from the campaign's budget: the budget row read under its lock,
   * then moved by a conditional UPDATE from the count read (checked), so two chunks never spend the
   * same coupons. Answers how many were taken (all wanted when there is no budget).
   */
  private async spendBudget(m: EntityManager, campaignId: string, wanted: number): Promise<number> {
    const [row] = (await m.query(`SELECT max_coupons, coupons_spent FROM campaigns WHERE id = ?${forUpdate(m)}`, [campaignId])) as { max_coupons: unknown; coupons_spent: unknown }[];
    if (!row) return 0;
    const spent = toInt(row.coupons_spent);
    const take = row.max_coupons === null ? wanted : Math.max(0, Math.min(wanted, toInt(row.max_coupons) - spent));
    if (take === 0) return 0;
    const moved = await execute(m, 'UPDATE campaigns SET coupons_spent = coupons_spent + ? WHERE id = ? AND coupons_spent = ?', [take, campaignId, spent]);
    if (moved !== 1) throw new Error(`campaign ${campaignId}: its budget moved under its lock`);
    return take;
  }

  /** The chunk's points not credited yet, the keys read in one query; each member's credit in its own account. */
  private async creditChunkPoints(
    m: EntityManager,
    campaign: RunCampaign,
    members: LockedMember[],
    action: Extract<CampaignAction, { type: 'points' }>,
    keyOf: (member: LockedMember) => string,
    rules: LoyaltyRules,
    now: Date,
  ): Promise<void> {
    const done = (await m.query(`SELECT business_key FROM ledger_entries WHERE business_key IN (${marks(members)})`, members.map(keyOf))) as { business_key: string }[];
    const credited = new Set(done.map((r) => r.business_key));
    for (const member of members) {
      const key = keyOf(member);
      if (credited.has(key)) continue;
      const account = await this.points.account(m, member);
      await this.points.credit(m, account, action.points, { kind: 'campaign', key, reason: action.reason, sourceType: 'campaign', sourceId: campaign.id, at: now }, pointsExpiryDate(rules, now));
    }
  }

  /** The merge fields of each member now (points: the balance after this campaign's points), the balances read in one query. */
  private async chunkMergeFields(m: EntityManager, members: LockedMember[]): Promise<Map<string, Record<CampaignMergeField, string>>> {
    const rows = (await m.query(`SELECT member_id, balance FROM ledger_accounts WHERE kind = 'points' AND member_id IN (${marks(members)})`, members.map((member) => member.id))) as {
      member_id: string;
      balance: unknown;
    }[];
    const balances = new Map(rows.map((r) => [r.member_id, toInt(r.balance)]));
    return new Map(members.map((member) => [member.id, { memberNo: member.memberNo, points: String(balances.get(member.id) ?? 0), tierName: TIER_NAMES[member.tier] }]));
  }

  /** The message for each member as an outbox notification keyed like the grants (one multi-row insert, duplicates skipped by their keys). */
  private async chunkMessages(
    m: EntityManager,
    campaign: RunCampaign,
    runNo: number,
    members: LockedMember[],
    action: Extract<CampaignAction, { type: 'message' }>,
    keyOf: (member: LockedMember) => string,
    now: Date,
  ): Promise<void> {
    const fields = await this.chunkMergeFields(m, members);
    const notifications: NotificationInput[] = [];
    for (const member of members) {
      const data = this.messageData(campaign, member, action, fields.get(member.id)!);
      if (!data) continue;
      const payload: CampaignMessagePayload = { kind: 'campaign', campaignId: campaign.id, runNo, channel: action.channel, templateId: action.templateId, data };
      notifications.push({ brandId: campaign.brandId, memberId: member.id, dedupeKey: keyOf(member), payload, at: now });
    }
    await enqueueNotifications(m, notifications);
  }

  /** The SMS of each member with a phone (fallbackOnly: whom the WeChat message cannot reach), as sms() decides, enqueued together. */
  private async chunkSms(
    m: EntityManager,
    campaign: RunCampaign,
    runNo: number,
    members: LockedMember[],
    action: Extract<CampaignAction, { type: 'sms' }>,
    keyOf: (member: LockedMember) => string,
    now: Date,
  ): Promise<void> {
    const phones = (await m.query(`SELECT id FROM members WHERE phone_cipher IS NOT NULL AND id IN (${marks(members)})`, members.map((member) => member.id))) as { id: string }[];
    const withPhone = new Set(phones.map((r) => r.id));
    const wechat = campaign.actions.find((a) => a.type === 'message');
    const reached: LockedMember[] = [];
    for (const member of members) {
      if (!withPhone.has(member.id)) continue;
      if (action.fallbackOnly && wechat && (await this.wechatReaches(m, member.id, wechat))) continue;
      reached.push(member);
    }
    if (reached.length === 0) return;
    const fields = await this.chunkMergeFields(m, reached);
    const notifications: NotificationInput[] = [];
    for (const member of reached) {
      const params = this.smsParams(campaign, member, action, fields.get(member.id)!);
      if (!params) continue;
      const payload: CampaignSmsPayload = { kind: 'campaign', campaignId: campaign.id, runNo, channel: 'sms', templateId: action.templateId, params };
      notifications.push({ brandId: campaign.brandId, memberId: member.id, dedupeKey: keyOf(member), payload, channel: 'sms', at: now });
    }
    await enqueueNotifications(m, notifications);
  }

  /**
   * A chunk's fallback (chunk): one member of one run, in one transaction under the member's lock: the arm recorded once (a
   * repeat reads the arm recorded first, so it never changes), then a treated member's actions, each
   * once by its key. The lock also orders this against another campaign treating the member at the
   * same moment, so the frequency cap sees that campaign's arm.
   */
  private async member(campaign: RunCampaign, runNo: number, memberId: string, rules: LoyaltyRules, now: Date): Promise<void> {
    try {
      await this.uow.transaction(async (m) => {
        const member = await lockMember(m, memberId);
        if (!member || member.brandId !== campaign.brandId) return;
        const arm = await this.recordArm(m, campaign, runNo, member.id, now);
        // A card frozen or closed since the segment was read takes nothing.
        if (arm !== 'treated' || member.status !== 'active') return;
        await this.treat(m, campaign, runNo, member, rules, now);
      });
    } catch (error) {
      // Another instance treated the member at the same moment and won the key: it is done.
      if (!isUniqueViolation(error)) throw error;
    }
  }

  /**
   * The member's arm in this run, recorded once. With a frequency cap, a member whom another
   * campaign treated within the cap's days is `capped` — decided before the draw, so it takes
   * members out of both arms alike and the comparison stays fair.
   */
  private async recordArm(m: EntityManager, campaign: RunCampaign, runNo: number, memberId: string, now: Date): Promise<RecordedArm> {
    const [recorded] = (await m.query('SELECT arm FROM campaign_members WHERE campaign_id = ? AND run_no = ? AND member_id = ?', [campaign.id, runNo, memberId])) as { arm: RecordedArm }[];
    if (recorded) return recorded.arm;
    let arm: RecordedArm = campaignArm(campaign.id, runNo, memberId, campaign.holdoutPercent);
    if (campaign.frequencyCapDays !== null) {
      const since = new Date(now.getTime() - campaign.frequencyCapDays * 86_400_000);
      const [recent] = (await m.query("SELECT 1 AS hit FROM campaign_members WHERE member_id = ? AND created_at >= ? AND arm = 'treated' AND campaign_id <> ? LIMIT 1", [
        memberId,
        dbTime(since),
        campaign.id,
      ])) as unknown[];
      if (recent) arm = 'capped';
    }
    await insertOnce(m, 'campaign_members', { campaign_id: campaign.id, run_no: runNo, member_id: memberId, arm, created_at: dbTime(now) });
    return arm;
  }

  private async treat(m: EntityManager, campaign: RunCampaign, runNo: number, member: LockedMember, rules: LoyaltyRules, now: Date): Promise<void> {
    for (const [index, action] of campaign.actions.entries()) {
      const key = `campaign:${campaign.id}:${runNo}:${member.id}:${index}`;
      if (action.type === 'coupon') await this.grantCoupons(m, campaign, member, action, key, now);
      if (action.type === 'points') {
        const [done] = (await m.query('SELECT id FROM ledger_entries WHERE business_key = ?', [key])) as unknown[];
        if (done) continue;
        const account = await this.points.account(m, member);
        await this.points.credit(m, account, action.points, { kind: 'campaign', key, reason: action.reason, sourceType: 'campaign', sourceId: campaign.id, at: now }, pointsExpiryDate(rules, now));
      }
      if (action.type === 'message') await this.message(m, campaign, runNo, member, action, key, now);
      if (action.type === 'sms') await this.sms(m, campaign, runNo, member, action, key, now);
    }
  }

  /** quantity coupons, the n-th keyed `<key>:<n>`; each new one spends the budget with `spent + 1 <= max` first. */
  private async grantCoupons(m: EntityManager, campaign: RunCampaign, member: LockedMember, action: Extract<CampaignAction, { type: 'coupon' }>, key: string, now: Date): Promise<void> {
    const template = await this.templates.template(campaign.brandId, action.templateId, m).catch((error: unknown) => {
      if (error instanceof DomainError) return null;
      throw error;
    });
    if (!template) return;
    for (let n = 1; n <= action.quantity; n++) {
      const grantKey = `${key}:${n}`;
      const [held] = (await m.query('SELECT id FROM coupons WHERE grant_key = ?', [grantKey])) as unknown[];
      if (held) continue;
      const spent = await execute(m, 'UPDATE campaigns SET coupons_spent = coupons_spent + 1 WHERE id = ? AND (max_coupons IS NULL OR coupons_spent + 1 <= max_coupons)', [campaign.id]);
      if (spent !== 1) return; // the budget is spent: no more coupons from this campaign
      try {
        await this.grants.grantIn(m, { template, member, key: grantKey, source: 'campaign', at: now });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        // Out of stock or past its dates: the issuer wrote nothing, give the budget back and go on.
        await execute(m, 'UPDATE campaigns SET coupons_spent = coupons_spent - 1 WHERE id = ?', [campaign.id]);
        this.logger.warn(`campaign ${campaign.id}: coupon ${action.templateId} for ${member.id} skipped: ${error.code}`);
        return;
      }
    }
  }

  /** The merge fields' values for this member now (points: the balance after this campaign's points). */
  private async mergeFields(m: EntityManager, member: LockedMember): Promise<Record<CampaignMergeField, string>> {
    const [balance] = (await m.query("SELECT balance FROM ledger_accounts WHERE member_id = ? AND kind = 'points'", [member.id])) as { balance: unknown }[];
    return { memberNo: member.memberNo, points: String(toInt(balance?.balance ?? 0)), tierName: TIER_NAMES[member.tier] };
  }

  /** The message as an outbox notification keyed like the grants, its data resolved for this member now. */
  private async message(m: EntityManager, campaign: RunCampaign, runNo: number, member: LockedMember, action: Extract<CampaignAction, { type: 'message' }>, key: string, now: Date): Promise<void> {
    const data = this.messageData(campaign, member, action, await this.mergeFields(m, member));
    if (!data) return;
    const payload: CampaignMessagePayload = { kind: 'campaign', campaignId: campaign.id, runNo, channel: action.channel, templateId: action.templateId, data };
    await enqueueNotification(m, { brandId: campaign.brandId, memberId: member.id, dedupeKey: key, payload, at: now });
  }

  /**
   * The SMS as an outbox notification (channel sms, keyed like the rest) for a member with a phone —
   * with `fallbackOnly`, only when the campaign's WeChat message cannot reach them (not following the
   * official account; no subscribe credit for its template) or there is no WeChat message. Its
   * params resolved now; one that no longer fits the provider's rule skips this member's SMS.
   */
  private async sms(m: EntityManager, campaign: RunCampaign, runNo: number, member: LockedMember, action: Extract<CampaignAction, { type: 'sms' }>, key: string, now: Date): Promise<void> {
    const [phone] = (await m.query('SELECT phone_cipher FROM members WHERE id = ?', [member.id])) as { phone_cipher: string | null }[];
    if (!phone?.phone_cipher) return;
    const wechat = campaign.actions.find((a) => a.type === 'message');
    if (action.fallbackOnly && wechat && (await this.wechatReaches(m, member.id, wechat))) return;
    const params = this.smsParams(campaign, member, action, await this.mergeFields(m, member));
    if (!params) return;
    const payload: CampaignSmsPayload = { kind: 'campaign', campaignId: campaign.id, runNo, channel: 'sms', templateId: action.templateId, params };
    await enqueueNotification(m, { brandId: campaign.brandId, memberId: member.id, dedupeKey: key, payload, channel: 'sms', at: now });
  }

  /** The message's data resolved for this member; null (logged) when a value no longer fits its template field. */
  private messageData(
    campaign: RunCampaign,
    member: LockedMember,
    action: Extract<CampaignAction, { type: 'message' }>,
    fields: Record<CampaignMergeField, string>,
  ): CampaignMessagePayload['data'] | null {
    const data: CampaignMessagePayload['data'] = {};
    for (const [name, template] of Object.entries(action.data)) {
      const value = resolveMergeFields(template, fields);
      if (templateValueProblem(name, value)) {
        this.logger.warn(`campaign ${campaign.id}: ${name} does not fit for member ${member.id}, message skipped`);
        return null;
      }
      data[name] = { value };
    }
    return data;
  }

  /** The SMS params resolved for this member; null (logged) when one no longer fits the provider's rule. */
  private smsParams(campaign: RunCampaign, member: LockedMember, action: Extract<CampaignAction, { type: 'sms' }>, fields: Record<CampaignMergeField, string>): string[] | null {
    const params = action.params.map((p) => resolveMergeFields(p, fields));
    if (params.some((p) => smsParamProblem(p) !== null)) {
      this.logger.warn(`campaign ${campaign.id}: an SMS param does not fit for member ${member.id}, SMS skipped`);
      return null;
    }
    return params;
  }

  /** Whether the campaign's WeChat message can reach the member now: an official account follower, or a subscribe credit for its template. */
  private async wechatReaches(m: EntityManager, memberId: string, message: Extract<CampaignAction, { type: 'message' }>): Promise<boolean> {
    if (message.channel === 'official_account') return this.official.enabled && (await this.followers.oaOpenidOf(memberId)) !== null;
    const [credit] = (await m.query('SELECT credits FROM subscribe_credits WHERE member_id = ? AND template_id = ? AND credits > 0', [memberId, message.templateId])) as unknown[];
    return credit !== undefined;
  }

  private async campaign(id: string): Promise<RunCampaign | null> {
    const [row] = (await this.uow.reader.query('SELECT id, brand_id, segment_id, actions, schedule, holdout_percent, frequency_cap_days, status FROM campaigns WHERE id = ?', [id])) as {
      id: string;
      brand_id: string;
      segment_id: string;
      actions: string;
      schedule: string;
      holdout_percent: unknown;
      frequency_cap_days: unknown;
      status: string;
    }[];
    if (!row) return null;
    return {
      id: row.id,
      brandId: row.brand_id,
      segmentId: row.segment_id,
      actions: (JSON.parse(row.actions) as unknown[]).map((a) => campaignActionSchema.parse(a)),
      schedule: campaignScheduleSchema.parse(JSON.parse(row.schedule)),
      holdoutPercent: toInt(row.holdout_percent),
      frequencyCapDays: row.frequency_cap_days === null ? null : toInt(row.frequency_cap_days),
      status: row.status,
    };
  }
}

/** `?, ?, …` for an IN list of `items`. */
function marks(items: readonly unknown[]): string {
  return items.map(() => '?').join(', ');
}
