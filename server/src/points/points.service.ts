import { Injectable } from '@nestjs/common';
import {
  addDays,
  chinaDate,
  POINT_ENTRY_NAMES,
  pointsExpiryDate,
  type PointEntry,
  type PointEntryKind,
  type PointsAdjustment,
  type PointsAdjustmentRequest,
  type PointsOverview,
} from '@wemember/shared';
import { recordAudit } from '../audit/audit-log';
import type { MemberActor } from '../access/actors';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { fromDbTime, toInt } from '../database/sql';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { LoyaltySettingsService } from '../loyalty/loyalty-settings.service';
import { MembersRepository } from '../members/members.repository';
import type { StaffActor } from '../access/actors';
import { requestHash } from '../common/request-hash';
import { lockMember } from '../ledger/member-lock';
import { PointsLedger } from './points-ledger';

interface LedgerRow {
  id: string;
  seq: unknown;
  kind: PointEntryKind;
  delta: unknown;
  balance_after: unknown;
  reason: string;
  store_name: string | null;
  created_at: Date | string;
}

/** What a member sees of their points, and HQ's manual adjustments. */
@Injectable()
export class PointsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly members: MembersRepository,
    private readonly settings: LoyaltySettingsService,
    private readonly ledger: PointsLedger,
    private readonly clock: Clock,
  ) {}

  async overview(actor: MemberActor, page: { before?: number; limit: number }): Promise<PointsOverview> {
    const member = await this.members.byId(actor.brandId, actor.memberId);
    if (!member) throw new DomainError('TOKEN_INVALID');
    const rules = await this.settings.rules(actor.brandId);
    const today = chinaDate(this.clock.now());
    const [soonest] = (await this.uow.reader.query(
      `SELECT expires_on, SUM(remaining) AS points FROM point_lots WHERE member_id = ? AND remaining > 0 AND expires_on >= ?
       GROUP BY expires_on ORDER BY expires_on LIMIT 1`,
      [member.id, today],
    )) as { expires_on: string; points: unknown }[];
    const rows = (await this.uow.reader.query(
      `SELECT l.id, l.seq, l.kind, l.delta, l.balance_after, l.reason, s.name AS store_name, l.created_at
       FROM point_ledger l LEFT JOIN stores s ON s.id = l.store_id
       WHERE l.member_id = ?${page.before ? ' AND l.seq < ?' : ''} ORDER BY l.seq DESC LIMIT ${page.limit + 1}`,
      page.before ? [member.id, page.before] : [member.id],
    )) as LedgerRow[];
    const more = rows.length > page.limit;
    const shown = rows.slice(0, page.limit);
    const expiring = soonest ? { points: toInt(soonest.points), date: soonest.expires_on } : null;
    return {
      balance: member.points,
      expiring,
      expiringSoon: !!expiring && expiring.date <= addDays(today, rules.expiry.reminderDays),
      redeemRule: `${rules.redemption.pointsPerYuan} 积分抵 1 元，每单最多抵 ${rules.redemption.maxOrderPercent}%（部分商品除外）`,
      entries: shown.map(toEntry),
      nextBefore: more ? toInt(shown[shown.length - 1].seq) : null,
    };
  }

  /** HQ admins only, with a reason; audited; keyed by the console's requestId. */
  async adjust(actor: StaffActor, memberId: string, request: PointsAdjustmentRequest): Promise<PointsAdjustment> {
    const found = await this.members.byId(actor.brandId, memberId);
    if (!found) throw new DomainError('MEMBER_NOT_FOUND');
    const key = `adjust:${actor.brandId}:${request.requestId}`;
    const hash = requestHash({ memberId, delta: request.delta, reason: request.reason });
    const earlier = await this.earlierAdjustment(key, hash, found.memberNo);
    if (earlier) return earlier;
    const rules = await this.settings.rules(actor.brandId);
    const now = this.clock.now();
    try {
      return await this.uow.transaction(async (m) => {
        const member = await lockMember(m, memberId);
        if (!member) throw new DomainError('MEMBER_NOT_FOUND');
        if (member.status === 'closed') throw new DomainError('MEMBER_CLOSED');
        const movement = { kind: 'adjust' as const, key, reason: request.reason, sourceType: 'adjust', sourceId: hash, staffId: actor.id, at: now };
        if (request.delta < 0 && member.points < -request.delta) {
          const message = `积分不足：该会员现有 ${member.points} 积分，不能扣减 ${-request.delta}`;
          throw new DomainError('POINTS_INSUFFICIENT', message, [{ field: 'delta', message }]);
        }
        const posted =
          request.delta > 0
            ? await this.ledger.credit(m, member, request.delta, movement, pointsExpiryDate(rules, now))
            : await this.ledger.debit(m, member, -request.delta, movement);
        await recordAudit(m, {
          brandId: actor.brandId,
          staffId: actor.id,
          action: 'points.adjust',
          targetType: 'member',
          targetId: member.id,
          detail: { delta: request.delta, reason: request.reason, requestId: request.requestId, balanceAfter: posted.balanceAfter },
          at: now,
        });
        return { id: posted.ledgerId, memberNo: member.memberNo, delta: request.delta, balanceAfter: posted.balanceAfter, reason: request.reason, replayed: false };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        const winner = await this.earlierAdjustment(key, hash, found.memberNo);
        if (winner) return winner;
      }
      throw error;
    }
  }

  private async earlierAdjustment(key: string, hash: string, memberNo: string): Promise<PointsAdjustment | null> {
    const [row] = (await this.uow.reader.query('SELECT id, delta, balance_after, reason, source_id FROM point_ledger WHERE business_key = ?', [key])) as {
      id: string;
      delta: unknown;
      balance_after: unknown;
      reason: string;
      source_id: string;
    }[];
    if (!row) return null;
    if (row.source_id !== hash) throw new DomainError('ADJUSTMENT_CONFLICT', undefined, [{ field: 'requestId', message: '该 requestId 已被使用' }]);
    return { id: row.id, memberNo, delta: toInt(row.delta), balanceAfter: toInt(row.balance_after), reason: row.reason, replayed: true };
  }
}

function toEntry(row: LedgerRow): PointEntry {
  return {
    id: row.id,
    kind: row.kind,
    kindName: POINT_ENTRY_NAMES[row.kind],
    delta: toInt(row.delta),
    balanceAfter: toInt(row.balance_after),
    reason: row.reason,
    storeName: row.store_name,
    createdAt: fromDbTime(row.created_at).toISOString(),
  };
}
