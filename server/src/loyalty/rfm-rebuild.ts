import { forUpdate, isMysql } from '../database/sql';
import type { UnitOfWork } from '../database/unit-of-work';
import { rollingStartMonth } from './member-growth';
import { nextMonth } from './rfm-scoring';

const BATCH = 5_000;

/**
 * Every member's R/F/M inputs recomputed from the orders and refunds themselves, not from
 * member_months nor the rows being replaced: the check on the incremental rows and the way to
 * build them the first time (`npx tsx scripts/rfm-rebuild.ts` after the Rfm migration). The window
 * is the rolling 12 months of `today`, its first month staged (pending_*) as the nights stage the
 * month that leaves next; the scores and stages stay as the last night left them, and the last
 * night's basis is dropped so the next night scores every row.
 *
 * Per batch of members, under their locks (members first, as every purchase and refund takes
 * them), so a purchase during the rebuild waits for its batch and then moves the rebuilt row.
 * Returns the number of rows written.
 */
export async function rebuildRfm(uow: UnitOfWork, today: string, onlyBrand?: string): Promise<number> {
  const windowStart = rollingStartMonth(today);
  const fromDate = `${windowStart}-01`;
  const nextFromDate = `${nextMonth(windowStart)}-01`;
  const brands = onlyBrand ? [{ id: onlyBrand }] : ((await uow.reader.query('SELECT id FROM brands ORDER BY id')) as { id: string }[]);
  let written = 0;
  for (const { id: brandId } of brands) {
    for (let after = ''; ; ) {
      const ids = (await uow.reader.query(`SELECT id FROM members WHERE brand_id = ? AND id > ? ORDER BY id LIMIT ${BATCH}`, [brandId, after])) as { id: string }[];
      if (ids.length === 0) break;
      const last = ids[ids.length - 1].id;
      written += await uow.transaction(async (m) => {
        await m.query(`SELECT id FROM members WHERE brand_id = ? AND id > ? AND id <= ? ORDER BY id${forUpdate(m)}`, [brandId, after, last]);
        const mysql = isMysql(m);
        const incoming = (c: string) => (mysql ? `VALUES(${c})` : `excluded.${c}`);
        const conflict = mysql ? 'ON DUPLICATE KEY UPDATE' : 'ON CONFLICT (member_id) DO UPDATE SET';
        // A full refund takes the purchase out of F and of the last purchase date; every refund its payable share out of M.
        // The window's first month is staged as the nights stage it (rfm-scoring.ts): its sums as pending,
        // for the members who bought in it. Every month before it has left.
        await m.query(
          `INSERT INTO member_rfm (member_id, brand_id, joined_at, window_start_month, purchases_12m, spend_12m_fen, last_purchase_on, pending_month, pending_purchases, pending_spend_fen)
           SELECT mb.id, mb.brand_id, mb.joined_at, ?, COALESCE(a.purchases, 0), COALESCE(a.spend, 0), a.last_on,
             CASE WHEN a.first_month_orders > 0 THEN ? END, COALESCE(a.first_month_purchases, 0), COALESCE(a.first_month_spend, 0)
           FROM members mb LEFT JOIN (
             SELECT o.member_id,
               SUM(CASE WHEN o.business_date >= ? AND o.status <> 'refunded' THEN 1 ELSE 0 END) AS purchases,
               SUM(CASE WHEN o.business_date >= ? THEN o.payable_fen - COALESCE((SELECT SUM(r.payable_share_fen) FROM order_refunds r WHERE r.order_id = o.id), 0) ELSE 0 END) AS spend,
               MAX(CASE WHEN o.status <> 'refunded' THEN o.business_date END) AS last_on,
               SUM(CASE WHEN o.business_date >= ? AND o.business_date < ? THEN 1 ELSE 0 END) AS first_month_orders,
               SUM(CASE WHEN o.business_date >= ? AND o.business_date < ? AND o.status <> 'refunded' THEN 1 ELSE 0 END) AS first_month_purchases,
               SUM(CASE WHEN o.business_date >= ? AND o.business_date < ? THEN o.payable_fen - COALESCE((SELECT SUM(r.payable_share_fen) FROM order_refunds r WHERE r.order_id = o.id), 0) ELSE 0 END) AS first_month_spend
             FROM orders o WHERE o.brand_id = ? AND o.member_id > ? AND o.member_id <= ? GROUP BY o.member_id
           ) a ON a.member_id = mb.id
           WHERE mb.brand_id = ? AND mb.id > ? AND mb.id <= ?
             AND (mb.status <> 'closed' OR EXISTS (SELECT 1 FROM member_rfm x WHERE x.member_id = mb.id))
           ${conflict} window_start_month = ${incoming('window_start_month')}, purchases_12m = ${incoming('purchases_12m')},
             spend_12m_fen = ${incoming('spend_12m_fen')}, last_purchase_on = ${incoming('last_purchase_on')}, pending_month = ${incoming('pending_month')},
             pending_purchases = ${incoming('pending_purchases')}, pending_spend_fen = ${incoming('pending_spend_fen')}`,
          [windowStart, windowStart, fromDate, fromDate, ...Array(3).fill([fromDate, nextFromDate]).flat(), brandId, after, last, brandId, after, last],
        );
        const [count] = (await m.query('SELECT COUNT(*) AS n FROM member_rfm WHERE brand_id = ? AND member_id > ? AND member_id <= ?', [brandId, after, last])) as { n: unknown }[];
        return Number(count.n);
      });
      after = last;
    }
    // The rows moved under the last night's feet: the next night compares with nothing and scores them all.
    await uow.transaction((m) => m.query('UPDATE rfm_runs SET basis = NULL WHERE brand_id = ?', [brandId]));
  }
  return written;
}
