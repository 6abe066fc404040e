import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { addDays, chinaDate, TIER_NAMES, tierAfterPurchase, tierForGrowth, type LoyaltyRules, type TierCode } from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import { dbTime, execute, toInt, upsertAdd } from '../database/sql';
import { LedgerDrift, type LockedMember } from '../ledger/member-lock';
import { enqueueNotification } from '../notifications/outbox';

/** The first month (YYYY-MM) of the rolling 12 months that end with the month of `date` (YYYY-MM-DD). */
export function rollingStartMonth(date: string): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const index = year * 12 + (month - 1) - 11;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export type TierChangeReason = 'purchase' | 'review' | 'adjust';

/**
 * Growth and tiers. Purchases and refunds add to per-member monthly aggregates (one atomic upsert
 * each); the tier follows the rolling-12-month growth: up at once after a purchase, down only at the
 * yearly review. The member's cached `growth` is that rolling sum as of the last change.
 */
@Injectable()
export class MemberGrowth {
  async record(m: EntityManager, member: LockedMember, businessDate: string, add: { purchases: number; spendFen: number; growth: number }): Promise<void> {
    await upsertAdd(
      m,
      'member_months',
      { member_id: member.id, month: businessDate.slice(0, 7) },
      { brand_id: member.brandId, purchases: add.purchases, spend_fen: add.spendFen, growth: add.growth },
      ['purchases', 'spend_fen', 'growth'],
    );
  }

  async rolling(m: EntityManager, memberId: string, today: string): Promise<number> {
    const [row] = (await m.query('SELECT COALESCE(SUM(growth), 0) AS total FROM member_months WHERE member_id = ? AND month >= ?', [
      memberId,
      rollingStartMonth(today),
    ])) as { total: unknown }[];
    return Math.max(0, toInt(row?.total));
  }

  /** After a purchase or refund: refresh the cached growth; upgrade if it earns a higher tier. */
  async settle(m: EntityManager, member: LockedMember, rules: LoyaltyRules, at: Date, sourceKey: string): Promise<TierCode> {
    const growth = await this.rolling(m, member.id, chinaDate(at));
    await execute(m, 'UPDATE members SET growth = ? WHERE id = ?', [growth, member.id]);
    member.growth = growth;
    const target = tierAfterPurchase(rules, member.tier, growth);
    if (target !== member.tier) await this.changeTier(m, member, target, 'purchase', `tier:${sourceKey}`, at);
    return member.tier;
  }

  /**
   * The yearly review: the tier the growth of the twelve months before `reviewDate` earns, down as
   * well as up (on 1 January: January to December of the year just ended). Returns the new tier, or
   * null if unchanged.
   */
  async review(m: EntityManager, member: LockedMember, rules: LoyaltyRules, reviewDate: string, at: Date): Promise<TierCode | null> {
    const growth = await this.rolling(m, member.id, addDays(reviewDate, -1));
    await execute(m, 'UPDATE members SET growth = ? WHERE id = ?', [growth, member.id]);
    member.growth = growth;
    const target = tierForGrowth(rules, growth);
    if (target === member.tier) return null;
    await this.changeTier(m, member, target, 'review', `tier:review:${reviewDate}:${member.id}`, at);
    return target;
  }

  private async changeTier(m: EntityManager, member: LockedMember, to: TierCode, reason: TierChangeReason, key: string, at: Date): Promise<void> {
    const updated = await execute(m, 'UPDATE members SET tier = ? WHERE id = ? AND tier = ?', [to, member.id, member.tier]);
    if (updated !== 1) throw new LedgerDrift(`member ${member.id} tier moved outside its lock`);
    await m.query(
      'INSERT INTO tier_changes (id, brand_id, member_id, from_tier, to_tier, reason, business_key, growth, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [randomUUID(), member.brandId, member.id, member.tier, to, reason, key, member.growth, dbTime(at)],
    );
    await enqueueNotification(m, { brandId: member.brandId, memberId: member.id, dedupeKey: key, payload: { kind: 'tier_changed', from: TIER_NAMES[member.tier], to: TIER_NAMES[to], at: at.toISOString() }, at });
    member.tier = to;
  }
}
