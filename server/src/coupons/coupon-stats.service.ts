import { Injectable } from '@nestjs/common';
import { addDays, chinaDayStart, type CouponSource, type CouponStats, type CouponStatsQuery, type CouponStatus } from '@wemember/shared';
import { AccessPolicy } from '../access/access-policy';
import type { StaffActor } from '../access/actors';
import { DomainError } from '../common/domain-error';
import { dbTime, toInt } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { StoresRepository } from '../stores/stores.repository';
import { CouponTemplates } from './coupon-templates.service';

/**
 * A template's figures: how its coupons were issued and what became of them, and what the
 * purchases that used them paid (payable less the money refunded), by store. Store and region
 * managers see the stores of their scope only, and the redeemed and revenue totals are theirs.
 */
@Injectable()
export class CouponStatsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly templates: CouponTemplates,
    private readonly stores: StoresRepository,
    private readonly policy: AccessPolicy,
  ) {}

  async stats(actor: StaffActor, templateId: string, query: CouponStatsQuery): Promise<CouponStats> {
    if (query.from && query.to && query.from > query.to) {
      throw new DomainError('VALIDATION_FAILED', '结束日期不能早于开始日期', [{ field: 'to', message: '结束日期不能早于开始日期' }]);
    }
    const template = await this.templates.template(actor.brandId, templateId);
    const reader = this.uow.reader;
    // Redemptions (and the purchases behind them) within the business days asked about.
    const range: string[] = [];
    const within = (column: string) => {
      let sql = '';
      if (query.from) {
        sql += ` AND ${column} >= ?`;
        range.push(dbTime(chinaDayStart(query.from)));
      }
      if (query.to) {
        sql += ` AND ${column} < ?`;
        range.push(dbTime(chinaDayStart(addDays(query.to, 1))));
      }
      return sql;
    };

    const bySourceAndStatus = (await reader.query('SELECT source, status, COUNT(*) AS n FROM coupons WHERE template_id = ? GROUP BY source, status', [template.id])) as {
      source: CouponSource;
      status: CouponStatus;
      n: unknown;
    }[];
    const count = (match: (row: { source: CouponSource; status: CouponStatus }) => boolean) =>
      bySourceAndStatus.filter(match).reduce((sum, row) => sum + toInt(row.n), 0);

    const redeemedSql = `SELECT redeemed_store_id AS store_id, COUNT(*) AS n FROM coupons WHERE template_id = ? AND status = 'redeemed'${within('redeemed_at')} GROUP BY redeemed_store_id`;
    const redeemedRows = (await reader.query(redeemedSql, [template.id, ...range.splice(0)])) as { store_id: string; n: unknown }[];
    // One row per purchase that used the template, however many of its coupons it held.
    const revenueSql = `SELECT oc.store_id, SUM(o.payable_fen - COALESCE(r.refunded, 0)) AS revenue
       FROM (SELECT DISTINCT order_id, store_id FROM order_coupons WHERE template_id = ?) oc
       JOIN orders o ON o.id = oc.order_id
       LEFT JOIN (SELECT order_id, SUM(refund_fen) AS refunded FROM order_refunds GROUP BY order_id) r ON r.order_id = o.id
       WHERE 1 = 1${within('o.created_at')} GROUP BY oc.store_id`;
    const revenueRows = (await reader.query(revenueSql, [template.id, ...range.splice(0)])) as { store_id: string; revenue: unknown }[];

    const storeIds = [...new Set([...redeemedRows.map((r) => r.store_id), ...revenueRows.map((r) => r.store_id)])];
    const visible = (await this.stores.stores(storeIds)).filter((s) => this.policy.mayActAt(actor, s));
    const byStore = visible
      .map((store) => ({
        storeId: store.id,
        storeName: store.name,
        redeemed: toInt(redeemedRows.find((r) => r.store_id === store.id)?.n),
        revenueFen: toInt(revenueRows.find((r) => r.store_id === store.id)?.revenue),
      }))
      .sort((a, b) => b.redeemed - a.redeemed || b.revenueFen - a.revenueFen || a.storeName.localeCompare(b.storeName));

    const issued = count(() => true);
    const redeemed = byStore.reduce((sum, s) => sum + s.redeemed, 0);
    return {
      templateId: template.id,
      name: template.name,
      issued,
      claimed: count((r) => r.source === 'claim'),
      exchanged: count((r) => r.source === 'exchange'),
      granted: count((r) => ['welcome', 'tier_pack', 'grant', 'birthday', 'member_day'].includes(r.source)),
      redeemed,
      expired: count((r) => r.status === 'expired'),
      revoked: count((r) => r.status === 'revoked'),
      redemptionRateBp: issued > 0 ? Math.floor((redeemed * 10_000) / issued) : 0,
      revenueFen: byStore.reduce((sum, s) => sum + s.revenueFen, 0),
      byStore,
    };
  }
}
