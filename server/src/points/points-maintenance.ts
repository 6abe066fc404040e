import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { addDays, type LoyaltyRules, type Reconciliation } from '@wemember/shared';
import { Clock } from '../common/clock';
import { dbTime, toInt } from '../database/sql';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { LoyaltySettingsService } from '../loyalty/loyalty-settings.service';
import { MemberGrowth } from '../loyalty/member-growth';
import { accountAddsUp, LedgerRepository } from '../ledger/ledger.repository';
import { ACCOUNT_KINDS } from '../ledger/ledger';
import { lockMember } from '../ledger/member-lock';
import { PointsLedger } from './points-ledger';
import { enqueueNotification } from '../notifications/outbox';

const BATCH = 500;

export interface ExpiryRun {
  date: string;
  membersExpired: number;
  pointsExpired: number;
  remindersMarked: number;
}

/**
 * The daily and yearly work on points: expiring lots, marking expiry reminders, reconciling the
 * ledgers, and the yearly tier review. Each is safe to run twice or on two instances at once —
 * every effect is keyed (the ledger's business key, the reminder's (member, date), the tier
 * change's review key) and taken under the member's lock.
 */
@Injectable()
export class PointsMaintenance {
  private readonly logger = new Logger('PointsMaintenance');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly ledger: PointsLedger,
    private readonly accounts: LedgerRepository,
    private readonly growth: MemberGrowth,
    private readonly settings: LoyaltySettingsService,
    private readonly clock: Clock,
  ) {}

  /** Expires every lot whose last valid day is before `today` (Shanghai), then marks reminders; all brands unless one is named. */
  async expire(today: string, brandId?: string): Promise<ExpiryRun> {
    const run: ExpiryRun = { date: today, membersExpired: 0, pointsExpired: 0, remindersMarked: 0 };
    let after = '';
    for (;;) {
      const members = (await this.uow.reader.query(
        `SELECT DISTINCT member_id FROM point_lots WHERE expires_on < ? AND remaining > 0 AND member_id > ?${brandId ? ' AND brand_id = ?' : ''}
         ORDER BY member_id LIMIT ${BATCH}`,
        brandId ? [today, after, brandId] : [today, after],
      )) as { member_id: string }[];
      if (members.length === 0) break;
      for (const { member_id: memberId } of members) {
        const expired = await this.expireMember(memberId, today);
        if (expired > 0) {
          run.membersExpired += 1;
          run.pointsExpired += expired;
        }
      }
      after = members[members.length - 1].member_id;
    }
    run.remindersMarked = await this.markReminders(today, brandId);
    this.logger.log(`points expiry ${today}: ${run.pointsExpired} points of ${run.membersExpired} members; ${run.remindersMarked} reminders`);
    return run;
  }

  private async expireMember(memberId: string, today: string): Promise<number> {
    try {
      return await this.uow.transaction(async (m) => {
        const member = await lockMember(m, memberId);
        if (!member) return 0;
        const posted = await this.ledger.expire(m, await this.ledger.account(m, member), today, { key: `expire:${memberId}:${today}`, sourceType: 'expiry', sourceId: today, at: this.clock.now() });
        return posted ? -posted.delta : 0;
      });
    } catch (error) {
      // Another instance expired this member's lots for today first.
      if (isUniqueViolation(error)) return 0;
      throw error;
    }
  }

  /**
   * Members with points whose last day falls within the reminder window get one reminder per
   * (member, expiry date); the messaging issue sends them. Returns how many were newly marked.
   */
  private async markReminders(today: string, onlyBrand?: string): Promise<number> {
    let marked = 0;
    const brands = onlyBrand ? [{ id: onlyBrand }] : ((await this.uow.reader.query('SELECT id FROM brands')) as { id: string }[]);
    for (const { id: brandId } of brands) {
      const rules = await this.settings.rules(brandId);
      const until = addDays(today, rules.expiry.reminderDays);
      const due = (await this.uow.reader.query(
        `SELECT member_id, expires_on, SUM(remaining) AS points FROM point_lots
         WHERE brand_id = ? AND expires_on >= ? AND expires_on <= ? AND remaining > 0 GROUP BY member_id, expires_on`,
        [brandId, today, until],
      )) as { member_id: string; expires_on: string; points: unknown }[];
      for (const row of due) {
        try {
          const now = this.clock.now();
          await this.uow.transaction(async (m) => {
            await m.query('INSERT INTO points_expiry_reminders (id, brand_id, member_id, expires_on, points, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
              randomUUID(),
              brandId,
              row.member_id,
              row.expires_on,
              toInt(row.points),
              dbTime(now),
            ]);
            // The reminder and its message are one: a reminder marked twice (a retried job) is refused above.
            await enqueueNotification(m, {
              brandId,
              memberId: row.member_id,
              dedupeKey: `points-expiring:${row.member_id}:${row.expires_on}`,
              payload: { kind: 'points_expiring', points: toInt(row.points), expiresOn: row.expires_on },
              at: now,
            });
          });
          marked += 1;
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
      }
    }
    return marked;
  }

  /**
   * For every member's accounts — points (lots included) and stored value's principal and bonus —
   * the ledger's check (accountAddsUp).
   */
  async reconcile(brandId?: string): Promise<Reconciliation> {
    const mismatches: Reconciliation['mismatches'] = [];
    let checked = 0;
    for (const kind of ACCOUNT_KINDS) {
      let members = 0;
      let after = '';
      for (;;) {
        const accounts = await this.accounts.audit(kind, { after, limit: BATCH, brandId });
        if (accounts.length === 0) break;
        members += accounts.length;
        for (const a of accounts.filter((account) => !accountAddsUp(account))) {
          mismatches.push({
            memberId: a.memberId,
            memberNo: a.memberNo,
            account: kind,
            cachedBalance: a.balance,
            ledgerSum: a.entriesSum,
            lotsRemaining: a.lotsRemaining ?? 0,
            lastBalanceAfter: a.lastBalanceAfter,
          });
        }
        after = accounts[accounts.length - 1].memberId;
      }
      checked = Math.max(checked, members);
    }
    if (mismatches.length > 0) this.logger.error(`ledger reconciliation: ${mismatches.length} accounts do not add up among ${checked} members: ${JSON.stringify(mismatches.slice(0, 20))}`);
    return { checkedMembers: checked, mismatches, checkedAt: this.clock.now().toISOString() };
  }

  /** The yearly review (on `reviewDate`): every member's tier follows their rolling growth, down as well as up. */
  async reviewTiers(reviewDate: string, brandId?: string): Promise<{ reviewed: number; changed: number }> {
    let reviewed = 0;
    let changed = 0;
    let after = '';
    const at = this.clock.now();
    const rulesOf = new Map<string, LoyaltyRules>();
    for (;;) {
      const rows = (await this.uow.reader.query(
        `SELECT id, brand_id FROM members WHERE id > ? AND status <> 'closed'${brandId ? ' AND brand_id = ?' : ''} ORDER BY id LIMIT ${BATCH}`,
        brandId ? [after, brandId] : [after],
      )) as {
        id: string;
        brand_id: string;
      }[];
      if (rows.length === 0) break;
      for (const row of rows) {
        if (!rulesOf.has(row.brand_id)) rulesOf.set(row.brand_id, await this.settings.rules(row.brand_id));
        const rules = rulesOf.get(row.brand_id)!;
        reviewed += 1;
        try {
          const to = await this.uow.transaction(async (m) => {
            const member = await lockMember(m, row.id);
            return member ? this.growth.review(m, member, rules, reviewDate, at) : null;
          });
          if (to) changed += 1;
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
      }
      after = rows[rows.length - 1].id;
    }
    this.logger.log(`tier review ${reviewDate}: ${changed} of ${reviewed} members changed tier`);
    return { reviewed, changed };
  }
}
