import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import {
  campaignActionSchema,
  campaignLift,
  campaignScheduleSchema,
  type Campaign,
  type CampaignAction,
  type CampaignArm,
  type CampaignProgress,
  type CampaignResults,
  type CampaignRunProgress,
  type CampaignStatus,
  type CreateCampaignRequest,
  type FieldIssue,
  type UpdateCampaignRequest,
} from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import type { StaffActor } from '../access/actors';
import { recordAudit } from '../audit/audit-log';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { dbTime, execute, fromDbTime, toInt } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { MessageSettingsService } from '../notifications/message-settings.service';
import { CampaignRunner } from './campaign-runner';
import { nextRunAt } from './campaign-schedule';

export interface CampaignRow {
  id: string;
  brand_id: string;
  name: string;
  segment_id: string;
  actions: string;
  schedule: string;
  holdout_percent: unknown;
  max_coupons: unknown;
  frequency_cap_days: unknown;
  coupons_spent: unknown;
  status: CampaignStatus;
  paused_reason: string | null;
  next_run_at: Date | string | null;
  version: unknown;
  created_at: Date | string;
  updated_at: Date | string;
  updated_by: string | null;
}

export const CAMPAIGN_COLUMNS =
  'id, brand_id, name, segment_id, actions, schedule, holdout_percent, max_coupons, frequency_cap_days, coupons_spent, status, paused_reason, next_run_at, version, created_at, updated_at, updated_by';

export function campaignView(row: CampaignRow): Campaign {
  return {
    id: row.id,
    name: row.name,
    segmentId: row.segment_id,
    actions: (JSON.parse(row.actions) as unknown[]).map((a) => campaignActionSchema.parse(a)),
    schedule: campaignScheduleSchema.parse(JSON.parse(row.schedule)),
    holdoutPercent: toInt(row.holdout_percent),
    maxCoupons: row.max_coupons === null ? null : toInt(row.max_coupons),
    frequencyCapDays: row.frequency_cap_days === null ? null : toInt(row.frequency_cap_days),
    couponsSpent: toInt(row.coupons_spent),
    status: row.status,
    pausedReason: row.paused_reason,
    nextRunAt: row.next_run_at === null ? null : fromDbTime(row.next_run_at).toISOString(),
    version: toInt(row.version),
    createdAt: fromDbTime(row.created_at).toISOString(),
    updatedAt: fromDbTime(row.updated_at).toISOString(),
    updatedBy: row.updated_by,
  };
}

/** A LIKE pattern for keys starting with `prefix`, with `ESCAPE '!'` (the same on MariaDB and SQLite). */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * Campaigns as the marketer sees them (docs/campaigns.md): drafts edited with a version, then
 * launched, paused, resumed or cancelled — each a checked conditional UPDATE of the status, so two
 * clicks (or a click and WeChat's 45009) cannot both move it — and their progress and results,
 * counted from what the runs recorded. Running them is CampaignRunner's.
 */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly runner: CampaignRunner,
    private readonly messageSettings: MessageSettingsService,
  ) {}

  async create(actor: StaffActor, request: CreateCampaignRequest): Promise<Campaign> {
    await this.checkScope(actor.brandId, request);
    const id = randomUUID();
    const now = this.clock.now();
    const at = dbTime(now);
    await this.uow.transaction(async (m) => {
      await m.query(
        `INSERT INTO campaigns (id, brand_id, name, segment_id, actions, schedule, holdout_percent, max_coupons, frequency_cap_days, coupons_spent, status, paused_reason, next_run_at, version, created_by, created_at, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'draft', NULL, NULL, 1, ?, ?, ?, ?)`,
        [
          id,
          actor.brandId,
          request.name,
          request.segmentId,
          JSON.stringify(request.actions),
          JSON.stringify(request.schedule),
          request.holdoutPercent,
          request.maxCoupons,
          request.frequencyCapDays,
          actor.id,
          at,
          at,
          actor.id,
        ],
      );
      await recordAudit(m, { brandId: actor.brandId, staffId: actor.id, action: 'campaign.create', targetType: 'campaign', targetId: id, detail: { ...request }, at: now });
    });
    return this.get(actor, id);
  }

  async list(actor: StaffActor): Promise<Campaign[]> {
    const rows = (await this.uow.reader.query(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE brand_id = ? ORDER BY created_at DESC, id`, [actor.brandId])) as CampaignRow[];
    return rows.map(campaignView);
  }

  async get(actor: StaffActor, id: string): Promise<Campaign> {
    return campaignView(await this.row(this.uow.reader, actor.brandId, id));
  }

  /** Drafts only (409 CAMPAIGN_NOT_DRAFT once launched), over the version the editor read (409 CAMPAIGN_CONFLICT); audited. */
  async update(actor: StaffActor, id: string, request: UpdateCampaignRequest): Promise<Campaign> {
    const before = await this.row(this.uow.reader, actor.brandId, id);
    if (before.status !== 'draft') throw new DomainError('CAMPAIGN_NOT_DRAFT');
    await this.checkScope(actor.brandId, request);
    const now = this.clock.now();
    await this.uow.transaction(async (m) => {
      const changed = await execute(
        m,
        `UPDATE campaigns SET name = ?, segment_id = ?, actions = ?, schedule = ?, holdout_percent = ?, max_coupons = ?, frequency_cap_days = ?, version = version + 1, updated_at = ?, updated_by = ?
          WHERE id = ? AND brand_id = ? AND version = ? AND status = 'draft'`,
        [
          request.name,
          request.segmentId,
          JSON.stringify(request.actions),
          JSON.stringify(request.schedule),
          request.holdoutPercent,
          request.maxCoupons,
          request.frequencyCapDays,
          dbTime(now),
          actor.id,
          id,
          actor.brandId,
          request.version,
        ],
      );
      if (changed !== 1) {
        const [current] = (await m.query('SELECT status FROM campaigns WHERE id = ?', [id])) as { status: string }[];
        throw new DomainError(current?.status === 'draft' ? 'CAMPAIGN_CONFLICT' : 'CAMPAIGN_NOT_DRAFT');
      }
      const { version, ...after } = request;
      await recordAudit(m, { brandId: actor.brandId, staffId: actor.id, action: 'campaign.update', targetType: 'campaign', targetId: id, detail: { fromVersion: version, after }, at: now });
    });
    return this.get(actor, id);
  }

  /** draft → scheduled, due at its schedule's first time (a `now` campaign starts at once). */
  async launch(actor: StaffActor, id: string): Promise<Campaign> {
    const row = await this.row(this.uow.reader, actor.brandId, id);
    const now = this.clock.now();
    const due = nextRunAt(campaignScheduleSchema.parse(JSON.parse(row.schedule)), now, 0);
    await this.move(actor, id, ['draft'], 'scheduled', { next_run_at: due ? dbTime(due) : null, paused_reason: null }, 'campaign.launch');
    await this.runner.kickDue(due ?? now);
    return this.get(actor, id);
  }

  /** Stops after the batch in hand; the run keeps its cursor. */
  async pause(actor: StaffActor, id: string): Promise<Campaign> {
    await this.move(actor, id, ['scheduled', 'running'], 'paused', { paused_reason: '运营人员暂停' }, 'campaign.pause');
    return this.get(actor, id);
  }

  /** Back to running where the unfinished run stopped, or to waiting for the next run when none is in hand. */
  async resume(actor: StaffActor, id: string): Promise<Campaign> {
    await this.row(this.uow.reader, actor.brandId, id);
    await this.runner.resume(actor.brandId, id, async (to, m) => {
      await recordAudit(m, { brandId: actor.brandId, staffId: actor.id, action: 'campaign.resume', targetType: 'campaign', targetId: id, detail: { to }, at: this.clock.now() });
    });
    return this.get(actor, id);
  }

  /** Nothing more is granted or sent; what was given stays the members'. Pending messages are not sent. */
  async cancel(actor: StaffActor, id: string): Promise<Campaign> {
    await this.move(actor, id, ['draft', 'scheduled', 'running', 'paused'], 'cancelled', { next_run_at: null }, 'campaign.cancel');
    return this.get(actor, id);
  }

  async progress(actor: StaffActor, id: string): Promise<CampaignProgress> {
    const campaign = campaignView(await this.row(this.uow.reader, actor.brandId, id));
    const runs = (await this.uow.reader.query('SELECT run_no, status, started_at, finished_at FROM campaign_runs WHERE campaign_id = ? ORDER BY run_no', [id])) as {
      run_no: unknown;
      status: 'running' | 'done';
      started_at: Date | string;
      finished_at: Date | string | null;
    }[];
    const views: CampaignRunProgress[] = [];
    for (const run of runs) {
      const runNo = toInt(run.run_no);
      const prefix = likePrefix(`campaign:${id}:${runNo}:`);
      const arms = (await this.uow.reader.query('SELECT arm, COUNT(*) AS n FROM campaign_members WHERE campaign_id = ? AND run_no = ? GROUP BY arm', [id, runNo])) as {
        arm: CampaignArm | 'capped';
        n: unknown;
      }[];
      const [coupons] = (await this.uow.reader.query("SELECT COUNT(*) AS n FROM coupons WHERE brand_id = ? AND grant_key LIKE ? ESCAPE '!'", [actor.brandId, prefix])) as { n: unknown }[];
      const [points] = (await this.uow.reader.query(
        "SELECT COALESCE(SUM(delta), 0) AS n FROM ledger_entries WHERE brand_id = ? AND business_key LIKE ? ESCAPE '!'",
        [actor.brandId, prefix],
      )) as { n: unknown }[];
      // The campaign's SMS rows carry channel 'sms' from the start and the provider's code in last_error; the rest are its WeChat message.
      const sends = (await this.uow.reader.query(
        `SELECT status, last_errcode, CASE WHEN channel = 'sms' THEN 1 ELSE 0 END AS sms, CASE WHEN channel = 'sms' THEN last_error END AS sms_code, COUNT(*) AS n
           FROM notifications WHERE brand_id = ? AND dedupe_key LIKE ? ESCAPE '!'
          GROUP BY status, last_errcode, CASE WHEN channel = 'sms' THEN 1 ELSE 0 END, CASE WHEN channel = 'sms' THEN last_error END`,
        [actor.brandId, prefix],
      )) as { status: string; last_errcode: unknown; sms: unknown; sms_code: string | null; n: unknown }[];
      const messages = sends.filter((r) => toInt(r.sms) === 0);
      const texts = sends.filter((r) => toInt(r.sms) === 1);
      const count = (arm: CampaignArm | 'capped') => toInt(arms.find((a) => a.arm === arm)?.n ?? 0);
      const sum = (rows: typeof sends, statuses: string[]) => rows.filter((r) => statuses.includes(r.status)).reduce((total, r) => total + toInt(r.n), 0);
      const failed: Record<string, number> = {};
      for (const r of messages.filter((r) => r.status === 'failed')) {
        const reason = r.last_errcode === null ? 'other' : String(toInt(r.last_errcode));
        failed[reason] = (failed[reason] ?? 0) + toInt(r.n);
      }
      const smsFailed: Record<string, number> = {};
      for (const r of texts.filter((r) => r.status === 'failed')) {
        const reason = r.sms_code || 'other';
        smsFailed[reason] = (smsFailed[reason] ?? 0) + toInt(r.n);
      }
      views.push({
        runNo,
        status: run.status,
        startedAt: fromDbTime(run.started_at).toISOString(),
        finishedAt: run.finished_at === null ? null : fromDbTime(run.finished_at).toISOString(),
        targeted: count('treated') + count('holdout'),
        holdout: count('holdout'),
        capped: count('capped'),
        couponsGranted: toInt(coupons.n),
        pointsGranted: toInt(points.n),
        messages: { sent: sum(messages, ['sent']), pending: sum(messages, ['pending', 'sending']), unreachable: sum(messages, ['unreachable', 'disabled']), failed },
        sms: { sent: sum(texts, ['sent']), pending: sum(texts, ['pending', 'sending']), failed: smsFailed },
      });
    }
    return {
      campaignId: id,
      status: campaign.status,
      pausedReason: campaign.pausedReason,
      budgetLeft: campaign.maxCoupons === null ? null : Math.max(0, campaign.maxCoupons - campaign.couponsSpent),
      runs: views,
    };
  }

  /**
   * Per arm over every run: members, reached (a WeChat message or an SMS sent), coupons redeemed,
   * members who purchased within `days` after their run started and their spend; and the lift of
   * the purchase rate with its 95% interval. A member in several runs counts once per run; members
   * the frequency cap left out are in neither arm.
   */
  async results(actor: StaffActor, id: string, days: number): Promise<CampaignResults> {
    await this.row(this.uow.reader, actor.brandId, id);
    const reader = this.uow.reader;
    const windowMs = days * 86_400_000;
    const totals = new Map<CampaignArm, { members: number; reached: number; couponsRedeemed: number; purchasers: number; revenueFen: number }>([
      ['treated', { members: 0, reached: 0, couponsRedeemed: 0, purchasers: 0, revenueFen: 0 }],
      ['holdout', { members: 0, reached: 0, couponsRedeemed: 0, purchasers: 0, revenueFen: 0 }],
    ]);
    // Counted in SQL, run by run (a handful: one a month at most), so a campaign of a million members
    // is read in constant memory: nothing per member comes back here.
    const runs = (await reader.query('SELECT run_no, started_at FROM campaign_runs WHERE campaign_id = ? ORDER BY run_no', [id])) as { run_no: unknown; started_at: Date | string }[];
    for (const run of runs) {
      const runNo = toInt(run.run_no);
      const start = fromDbTime(run.started_at);
      // Reached: the member has a sent notification keyed `campaign:<id>:<run>:<member>:…` (the runner writes it for that member).
      const arms = (await reader.query(
        `SELECT cm.arm, COUNT(*) AS members,
                SUM(CASE WHEN EXISTS (SELECT 1 FROM notifications n WHERE n.member_id = cm.member_id AND n.brand_id = ? AND n.status = 'sent' AND n.dedupe_key LIKE ? ESCAPE '!') THEN 1 ELSE 0 END) AS reached
           FROM campaign_members cm WHERE cm.campaign_id = ? AND cm.run_no = ? AND cm.arm IN ('treated', 'holdout') GROUP BY cm.arm`,
        [actor.brandId, likePrefix(`campaign:${id}:${runNo}:`), id, runNo],
      )) as { arm: CampaignArm; members: unknown; reached: unknown }[];
      // Purchasers: members of the run with an order in [start, start + days); their spend is what they paid less refunds.
      const bought = (await reader.query(
        `SELECT p.arm, COUNT(*) AS purchasers, COALESCE(SUM(p.paid), 0) AS revenue FROM (
           SELECT cm.arm, cm.member_id, SUM(o.payable_fen - o.refunded_fen) AS paid
             FROM campaign_members cm JOIN orders o ON o.member_id = cm.member_id AND o.brand_id = ? AND o.created_at >= ? AND o.created_at < ?
            WHERE cm.campaign_id = ? AND cm.run_no = ? AND cm.arm IN ('treated', 'holdout')
            GROUP BY cm.arm, cm.member_id) p
          GROUP BY p.arm`,
        [actor.brandId, dbTime(start), dbTime(new Date(start.getTime() + windowMs)), id, runNo],
      )) as { arm: CampaignArm; purchasers: unknown; revenue: unknown }[];
      for (const r of arms) {
        const t = totals.get(r.arm)!;
        t.members += toInt(r.members);
        t.reached += toInt(r.reached);
      }
      for (const r of bought) {
        const t = totals.get(r.arm)!;
        t.purchasers += toInt(r.purchasers);
        t.revenueFen += toInt(r.revenue);
      }
    }
    // Only treated members hold the campaign's coupons: those redeemed by a member treated in any run.
    const [redeemed] = (await reader.query(
      `SELECT COUNT(*) AS n FROM coupons c WHERE c.brand_id = ? AND c.grant_key LIKE ? ESCAPE '!' AND c.status = 'redeemed'
          AND EXISTS (SELECT 1 FROM campaign_members cm WHERE cm.campaign_id = ? AND cm.member_id = c.member_id AND cm.arm = 'treated')`,
      [actor.brandId, likePrefix(`campaign:${id}:`), id],
    )) as { n: unknown }[];
    totals.get('treated')!.couponsRedeemed = toInt(redeemed.n);
    const treated = totals.get('treated')!;
    const holdout = totals.get('holdout')!;
    return {
      campaignId: id,
      days,
      arms: [...totals.entries()].map(([arm, t]) => ({ arm, ...t })),
      lift: campaignLift({ members: treated.members, converted: treated.purchasers }, { members: holdout.members, converted: holdout.purchasers }),
    };
  }

  /**
   * The results as CSV (UTF-8 with a BOM, so Excel opens the Chinese as written): first the arms and
   * the lift as `results` has them, then one line per member of the campaign and run — member no,
   * masked phone, run, arm, reached, purchased within `days`, spend in fen — read in keyset pages of
   * EXPORT_PAGE, so a campaign of a million members streams in constant memory. 404 before anything
   * is sent when the campaign is not the brand's.
   */
  async exportResults(actor: StaffActor, id: string, days: number): Promise<{ filename: string; stream: Readable }> {
    const campaign = campaignView(await this.row(this.uow.reader, actor.brandId, id));
    const results = await this.results(actor, id, days);
    const percent = (rate: number | null) => (rate === null ? '' : `${(rate * 100).toFixed(2)}%`);
    const summary: string[][] = [
      ['活动', campaign.name, '统计窗口（天）', String(days)],
      [],
      ['分组', '人数', '触达人数', '核销券数', '消费人数', '消费金额（分）', '消费率'],
      ...results.arms.map((a) => [ARM_NAMES[a.arm], String(a.members), String(a.reached), String(a.couponsRedeemed), String(a.purchasers), String(a.revenueFen), percent(a.members > 0 ? a.purchasers / a.members : 0)]),
      ['提升（实验组 − 对照组）', percent(results.lift.lift), '95% 区间下限', percent(results.lift.low), '95% 区间上限', percent(results.lift.high)],
      [],
      ['会员号', '手机号', '执行批次', '分组', '是否触达', `${days} 天内是否消费`, '消费金额（分）'],
    ];
    const reader = this.uow.reader;
    const brandId = actor.brandId;
    const windowMs = days * 86_400_000;
    async function* lines(): AsyncGenerator<string> {
      yield '\uFEFF' + summary.map(csvLine).join('');
      let after: { runNo: number; memberId: string } | null = null;
      for (;;) {
        const page = (await reader.query(
          `SELECT cm.run_no, cm.member_id, cm.arm, m.member_no, m.phone_masked, r.started_at
             FROM campaign_members cm JOIN members m ON m.id = cm.member_id JOIN campaign_runs r ON r.campaign_id = cm.campaign_id AND r.run_no = cm.run_no
            WHERE cm.campaign_id = ?${after ? ' AND (cm.run_no > ? OR (cm.run_no = ? AND cm.member_id > ?))' : ''}
            ORDER BY cm.run_no, cm.member_id LIMIT ${EXPORT_PAGE}`,
          after ? [id, after.runNo, after.runNo, after.memberId] : [id],
        )) as { run_no: unknown; member_id: string; arm: CampaignArm | 'capped'; member_no: string; phone_masked: string; started_at: Date | string }[];
        if (page.length === 0) return;
        const memberIds = [...new Set(page.map((r) => r.member_id))];
        const marks = memberIds.map(() => '?').join(', ');
        const reached = new Set(
          ((await reader.query(`SELECT dedupe_key FROM notifications WHERE brand_id = ? AND member_id IN (${marks}) AND status = 'sent' AND dedupe_key LIKE ? ESCAPE '!'`, [
            brandId,
            ...memberIds,
            likePrefix(`campaign:${id}:`),
          ])) as { dedupe_key: string }[]).map((r) => r.dedupe_key.split(':').slice(0, 4).join(':')),
        );
        const earliest = Math.min(...page.map((r) => fromDbTime(r.started_at).getTime()));
        const orders = (await reader.query(`SELECT member_id, created_at, payable_fen - refunded_fen AS paid FROM orders WHERE brand_id = ? AND member_id IN (${marks}) AND created_at >= ?`, [
          brandId,
          ...memberIds,
          dbTime(new Date(earliest)),
        ])) as { member_id: string; created_at: Date | string; paid: unknown }[];
        let chunk = '';
        for (const r of page) {
          const start = fromDbTime(r.started_at).getTime();
          const mine = orders.filter((o) => o.member_id === r.member_id && fromDbTime(o.created_at).getTime() >= start && fromDbTime(o.created_at).getTime() < start + windowMs);
          const runNo = toInt(r.run_no);
          chunk += csvLine([
            r.member_no,
            r.phone_masked,
            String(runNo),
            ARM_NAMES[r.arm],
            reached.has(`campaign:${id}:${runNo}:${r.member_id}`) ? '是' : '否',
            mine.length > 0 ? '是' : '否',
            String(mine.reduce((total, o) => total + toInt(o.paid), 0)),
          ]);
        }
        yield chunk;
        const last = page[page.length - 1];
        after = { runNo: toInt(last.run_no), memberId: last.member_id };
      }
    }
    return { filename: `campaign-${id}-results.csv`, stream: Readable.from(lines(), { objectMode: false }) };
  }

  /** A status move as a checked conditional UPDATE: 409 CAMPAIGN_STATE when the campaign is in none of `from` (or lost a race). */
  private async move(actor: StaffActor, id: string, from: CampaignStatus[], to: CampaignStatus, set: Record<string, unknown>, action: string): Promise<void> {
    await this.row(this.uow.reader, actor.brandId, id);
    const now = this.clock.now();
    await this.uow.transaction(async (m) => {
      const columns = Object.keys(set);
      const changed = await execute(
        m,
        `UPDATE campaigns SET status = ?, ${columns.map((c) => `${c} = ?`).join(', ')}${columns.length ? ', ' : ''}updated_at = ?, updated_by = ?
          WHERE id = ? AND brand_id = ? AND status IN (${from.map(() => '?').join(', ')})`,
        [to, ...Object.values(set), dbTime(now), actor.id, id, actor.brandId, ...from],
      );
      if (changed !== 1) throw new DomainError('CAMPAIGN_STATE', `活动当前状态不能${ACTION_NAMES[to] ?? '这样操作'}`);
      await recordAudit(m, { brandId: actor.brandId, staffId: actor.id, action, targetType: 'campaign', targetId: id, detail: { to }, at: now });
    });
  }

  private async row(reader: EntityManager, brandId: string, id: string): Promise<CampaignRow> {
    const [row] = (await reader.query(`SELECT ${CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ? AND brand_id = ?`, [id, brandId])) as CampaignRow[];
    if (!row) throw new DomainError('CAMPAIGN_NOT_FOUND');
    return row;
  }

  /**
   * The segment and coupon templates named must be the brand's, and a subscribe message's template
   * one the brand registered in its message settings (members are only ever asked to accept those):
   * 400 naming `segmentId` / `actions.N.templateId`.
   */
  private async checkScope(brandId: string, request: { segmentId: string; actions: CampaignAction[] }): Promise<void> {
    const issues: FieldIssue[] = [];
    const [segment] = (await this.uow.reader.query('SELECT id FROM segments WHERE id = ? AND brand_id = ?', [request.segmentId, brandId])) as unknown[];
    if (!segment) issues.push({ field: 'segmentId', message: `人群 ${request.segmentId} 不存在` });
    for (const [i, action] of request.actions.entries()) {
      if (action.type === 'message' && action.channel === 'subscribe') {
        const registered = (await this.messageSettings.settings(brandId)).templates.some((t) => t.subscribeTemplateId === action.templateId);
        if (!registered) issues.push({ field: `actions.${i}.templateId`, message: `订阅消息模板 ${action.templateId} 未在消息通知设置中登记，会员无法订阅` });
      }
      if (action.type !== 'coupon') continue;
      const [template] = (await this.uow.reader.query('SELECT id FROM coupon_templates WHERE id = ? AND brand_id = ?', [action.templateId, brandId])) as unknown[];
      if (!template) issues.push({ field: `actions.${i}.templateId`, message: `优惠券 ${action.templateId} 不存在` });
    }
    if (issues.length > 0) throw new DomainError('VALIDATION_FAILED', issues.map((i) => i.message).join('；'), issues);
  }
}

/** Members per page of the export. */
const EXPORT_PAGE = 500;

const ARM_NAMES: Record<CampaignArm | 'capped', string> = { treated: '实验组', holdout: '对照组', capped: '频次限制未参与' };

/** One CSV line: fields quoted when needed, and a leading = + - @ defused so a spreadsheet never runs a cell as a formula. */
function csvLine(fields: string[]): string {
  return (
    fields
      .map((field) => {
        const safe = /^[=+\-@\t\r]/.test(field) && !/^-?\d+(\.\d+)?%?$/.test(field) ? `'${field}` : field;
        return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
      })
      .join(',') + '\r\n'
  );
}

const ACTION_NAMES: Partial<Record<CampaignStatus, string>> = { scheduled: '启动', paused: '暂停', running: '继续', cancelled: '取消' };
