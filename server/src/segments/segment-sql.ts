import { addDays, chinaDayStart, type SegmentFilter } from '@wemember/shared';
import { dbTime } from '../database/sql';
import { marketingAllowedSql } from '../sms/marketing-guard';

/** What a filter is read against: the brand, the Shanghai date and instant of "now", the official account. */
export interface SegmentContext {
  brandId: string;
  /** Today's Shanghai date (YYYY-MM-DD): "N days ago" counts from it. */
  today: string;
  /** The official account's appid; null when the deployment has none (then nobody follows it). */
  oaAppid: string | null;
}

/** A WHERE clause over `members m LEFT JOIN member_rfm r` and its values, in placeholder order. */
export interface CompiledSegment {
  /** `FROM …` through the end of the WHERE clause. */
  from: string;
  params: unknown[];
}

/** The tables every segment reads: the member and its RFM row (absent before the member's first purchase or scoring). */
export const SEGMENT_FROM = 'FROM members m LEFT JOIN member_rfm r ON r.member_id = m.id';

/**
 * A segment filter as one parameterised WHERE over the brand's members: every value is a `?`
 * placeholder (only column names and fixed SQL are written into the text), and the same text runs
 * on MariaDB and SQLite (dates compare as YYYY-MM-DD text, instants as DATETIME(3) text, booleans as
 * 1/0). Criteria hold together (AND); a list matches any of its values; an empty list is no criterion.
 */
export function compileSegment(filter: SegmentFilter, context: SegmentContext): CompiledSegment {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    params.push(...values);
  };
  const anyOf = (column: string, values: readonly unknown[] | undefined) => {
    const distinct = [...new Set(values ?? [])];
    if (distinct.length > 0) add(`${column} IN (${distinct.map(() => '?').join(', ')})`, ...distinct);
  };
  const daysAgo = (n: number) => addDays(context.today, -n);

  // Always: the brand's active cards (not frozen, lost or closed).
  add('m.brand_id = ?', context.brandId);
  add("m.status = 'active'");
  if (filter.marketingAllowed !== false) where.push(marketingAllowedSql('m'));

  anyOf('r.stage', filter.stages);
  if (filter.stageChangedFrom !== undefined || filter.stageChangedTo !== undefined || filter.stageChangedWithinDays !== undefined) {
    const change: [string, unknown][] = [];
    if (filter.stageChangedFrom !== undefined) change.push(['sc.from_stage = ?', filter.stageChangedFrom]);
    if (filter.stageChangedTo !== undefined) change.push(['sc.to_stage = ?', filter.stageChangedTo]);
    if (filter.stageChangedWithinDays !== undefined) change.push(['sc.changed_on >= ?', daysAgo(filter.stageChangedWithinDays)]);
    add(`EXISTS (SELECT 1 FROM member_stage_changes sc WHERE sc.member_id = m.id AND ${change.map(([sql]) => sql).join(' AND ')})`, ...change.map(([, v]) => v));
  }
  anyOf('r.r_score', filter.rScores);
  anyOf('r.f_score', filter.fScores);
  anyOf('r.m_score', filter.mScores);
  anyOf('r.rfm_class', filter.classes);
  anyOf('m.tier', filter.tiers);
  anyOf('m.join_store_id', filter.storeIds);
  const regions = [...new Set(filter.regionIds ?? [])];
  if (regions.length > 0) {
    add(`EXISTS (SELECT 1 FROM stores s WHERE s.id = m.join_store_id AND s.region_id IN (${regions.map(() => '?').join(', ')}))`, ...regions);
  }
  // N days since the last purchase: bought on or before today − min, on or after today − max.
  if (filter.lastPurchaseDaysMin !== undefined) add('r.last_purchase_on <= ?', daysAgo(filter.lastPurchaseDaysMin));
  if (filter.lastPurchaseDaysMax !== undefined) add('r.last_purchase_on >= ?', daysAgo(filter.lastPurchaseDaysMax));
  if (filter.joinedFrom !== undefined) add('m.joined_at >= ?', dbTime(chinaDayStart(filter.joinedFrom)));
  if (filter.joinedTo !== undefined) add('m.joined_at < ?', dbTime(chinaDayStart(addDays(filter.joinedTo, 1))));
  // birthday is YYYY-MM-DD text: its month is characters 6–7 on both databases.
  if (filter.birthdayMonths && filter.birthdayMonths.length > 0) anyOf('SUBSTR(m.birthday, 6, 2)', filter.birthdayMonths.map((month) => String(month).padStart(2, '0')));
  if (filter.pointsMin !== undefined || filter.pointsMax !== undefined) {
    // A member without a points account has 0 points.
    const balance = "COALESCE((SELECT a.balance FROM ledger_accounts a WHERE a.member_id = m.id AND a.kind = 'points'), 0)";
    if (filter.pointsMin !== undefined) add(`${balance} >= ?`, filter.pointsMin);
    if (filter.pointsMax !== undefined) add(`${balance} <= ?`, filter.pointsMax);
  }
  if (filter.usedCoupon !== undefined) {
    const since = filter.couponsUsedWithinDays !== undefined ? ' AND c.redeemed_at >= ?' : '';
    const values = filter.couponsUsedWithinDays !== undefined ? [dbTime(chinaDayStart(daysAgo(filter.couponsUsedWithinDays)))] : [];
    add(`${filter.usedCoupon ? '' : 'NOT '}EXISTS (SELECT 1 FROM coupons c WHERE c.member_id = m.id AND c.status = 'redeemed'${since})`, ...values);
  }
  if (filter.hasUsableCoupon !== undefined) {
    add(
      `${filter.hasUsableCoupon ? '' : 'NOT '}EXISTS (SELECT 1 FROM coupons c WHERE c.member_id = m.id AND c.status = 'issued' AND c.valid_from <= ? AND c.valid_to >= ?)`,
      context.today,
      context.today,
    );
  }
  if (filter.followsOfficialAccount !== undefined) {
    if (context.oaAppid === null) {
      // No official account: nobody follows it.
      if (filter.followsOfficialAccount) where.push('1 = 0');
    } else {
      add(
        `${filter.followsOfficialAccount ? '' : 'NOT '}EXISTS (SELECT 1 FROM wechat_identities i JOIN oa_followers f ON f.unionid = i.unionid WHERE i.member_id = m.id AND f.appid = ? AND f.following = 1)`,
        context.oaAppid,
      );
    }
  }
  if (filter.hasSubscribeCredits !== undefined) {
    add(`${filter.hasSubscribeCredits ? '' : 'NOT '}EXISTS (SELECT 1 FROM subscribe_credits sc2 WHERE sc2.member_id = m.id AND sc2.credits > 0)`);
  }
  return { from: `${SEGMENT_FROM} WHERE ${where.join(' AND ')}`, params };
}
