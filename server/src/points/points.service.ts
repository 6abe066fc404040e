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
import { toInt } from '../database/sql';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { LedgerRepository, type LedgerEntry } from '../ledger/ledger.repository';
import { LoyaltySettingsService } from '../loyalty/loyalty-settings.service';
import { MembersRepository } from '../members/members.repository';
import type { StaffActor } from '../access/actors';
import { requestHash } from '../common/request-hash';
import { lockMember } from '../ledger/member-lock';
import { StoresRepository } from '../stores/stores.repository';
import { PointsLedger } from './points-ledger';
import { pointsChanged } from '../notifications/notices';

/** What a member sees of their points, and HQ's manual adjustments. */
@Injectable()
export class PointsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly members: MembersRepository,
    private readonly settings: LoyaltySettingsService,
    private readonly ledger: PointsLedger,
    private readonly entries: LedgerRepository,
    private readonly stores: StoresRepository,
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
    const [balance, rows] = await Promise.all([this.entries.balance(member.id, 'points'), this.entries.entries(member.id, 'points', { before: page.before, limit: page.limit + 1 })]);
    const more = rows.length > page.limit;
    const shown = rows.slice(0, page.limit);
    const stores = await this.stores.stores([...new Set(shown.flatMap((e) => (e.storeId ? [e.storeId] : [])))]);
    const storeName = new Map(stores.map((s) => [s.id, s.name]));
    const expiring = soonest ? { points: toInt(soonest.points), date: soonest.expires_on } : null;
    return {
      balance,
      expiring,
      expiringSoon: !!expiring && expiring.date <= addDays(today, rules.expiry.reminderDays),
      redeemRule: `${rules.redemption.pointsPerYuan} 积分抵 1 元，每单最多抵 ${rules.redemption.maxOrderPercent}%（部分商品除外）`,
      entries: shown.map((e) => toEntry(e, e.storeId ? (storeName.get(e.storeId) ?? null) : null)),
      nextBefore: more ? shown[shown.length - 1].seq : null,
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
        const points = await this.ledger.account(m, member);
        const movement = { kind: 'adjust' as const, key, reason: request.reason, sourceType: 'adjust', sourceId: hash, staffId: actor.id, at: now };
        if (request.delta < 0 && points.balance < -request.delta) {
          const message = `积分不足：该会员现有 ${points.balance} 积分，不能扣减 ${-request.delta}`;
          throw new DomainError('POINTS_INSUFFICIENT', message, [{ field: 'delta', message }]);
        }
        const posted =
          request.delta > 0
            ? await this.ledger.credit(m, points, request.delta, movement, pointsExpiryDate(rules, now))
            : await this.ledger.debit(m, points, -request.delta, movement);
        await pointsChanged(m, { brandId: actor.brandId, memberId: member.id, key: `points:${key}`, change: request.delta, balance: posted.balanceAfter, reason: request.reason, at: now });
        await recordAudit(m, {
          brandId: actor.brandId,
          staffId: actor.id,
          action: 'points.adjust',
          targetType: 'member',
          targetId: member.id,
          detail: { delta: request.delta, reason: request.reason, requestId: request.requestId, balanceAfter: posted.balanceAfter },
          at: now,
        });
        return { id: posted.entryId, memberNo: member.memberNo, delta: request.delta, balanceAfter: posted.balanceAfter, reason: request.reason, replayed: false };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        const winner = await this.earlierAdjustment(key, hash, found.memberNo);
        if (winner) return winner;
      }
      throw error;
    }
  }

  /** The adjustment already posted under this key, replayed; the same key for a different adjustment is refused. */
  private async earlierAdjustment(key: string, hash: string, memberNo: string): Promise<PointsAdjustment | null> {
    const entry = await this.entries.byKey(key);
    if (!entry) return null;
    if (entry.sourceId !== hash) throw new DomainError('ADJUSTMENT_CONFLICT', undefined, [{ field: 'requestId', message: '该 requestId 已被使用' }]);
    return { id: entry.id, memberNo, delta: entry.delta, balanceAfter: entry.balanceAfter, reason: entry.reason, replayed: true };
  }
}

function toEntry(entry: LedgerEntry, storeName: string | null): PointEntry {
  const kind = entry.entryKind as PointEntryKind;
  return {
    id: entry.id,
    kind,
    kindName: POINT_ENTRY_NAMES[kind],
    delta: entry.delta,
    balanceAfter: entry.balanceAfter,
    reason: entry.reason,
    storeName,
    createdAt: entry.createdAt.toISOString(),
  };
}
