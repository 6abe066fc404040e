import type { EntityManager } from 'typeorm';
import { isMysql } from '../database/sql';
import { rollingStartMonth } from './member-growth';

/**
 * Each member's R/F/M inputs on one row (member_rfm, see the Rfm migration), moved in the purchase
 * and refund transactions under the member's lock, one statement each, so the nightly scoring
 * reads one row per member instead of every order.
 *
 * The row's invariant: purchases_12m and spend_12m_fen are the sums of member_months from
 * window_start_month on, and pending_purchases and pending_spend_fen (when pending_month is set)
 * the sums from window_start_month to pending_month: the month shift staged ahead, which the night
 * that month leaves subtracts (rfm-scoring.ts). A purchase always falls in the window and never in a
 * staged month (its month is the current one); a refund moves the row only when the order's month
 * is still in the window — an older month has already been subtracted — and the staged sums too
 * when the month is staged.
 *
 * A partial refund takes its payable share out of M and leaves F alone (the visit happened); the
 * refund that completes a full refund takes the purchase out of F too, and the last purchase date
 * falls back to the latest order not refunded in full (so a returned purchase does not count as a visit).
 *
 * The night finds the rows these moved without a mark on the row (rfm-scoring.ts rowsToScore): a
 * purchase's by its last purchase date, a refund's through order_refunds.
 */
export async function rfmPurchased(m: EntityManager, memberId: string, businessDate: string, spendFen: number): Promise<void> {
  const mysql = isMysql(m);
  const incoming = (c: string) => (mysql ? `VALUES(${c})` : `excluded.${c}`);
  const conflict = mysql ? 'ON DUPLICATE KEY UPDATE' : 'ON CONFLICT (member_id) DO UPDATE SET';
  await m.query(
    `INSERT INTO member_rfm (member_id, brand_id, joined_at, window_start_month, purchases_12m, spend_12m_fen, last_purchase_on)
     SELECT id, brand_id, joined_at, ?, 1, ?, ? FROM members WHERE id = ?
     ${conflict} purchases_12m = purchases_12m + ${incoming('purchases_12m')}, spend_12m_fen = spend_12m_fen + ${incoming('spend_12m_fen')},
       last_purchase_on = CASE WHEN last_purchase_on IS NULL OR last_purchase_on < ${incoming('last_purchase_on')} THEN ${incoming('last_purchase_on')} ELSE last_purchase_on END`,
    [rollingStartMonth(businessDate), spendFen, businessDate, memberId],
  );
}

/** A refund of an order of `orderDate`: `spendFen` is its payable share; `full` when it completes a full refund. */
export async function rfmRefunded(m: EntityManager, memberId: string, orderDate: string, spendFen: number, full: boolean): Promise<void> {
  const month = orderDate.slice(0, 7);
  // The orders row is already 'refunded' in this transaction, so the sub-select skips it.
  const last = full ? `, last_purchase_on = (SELECT MAX(o.business_date) FROM orders o WHERE o.member_id = ? AND o.status <> 'refunded')` : '';
  const purchases = full ? 1 : 0;
  const staged = 'window_start_month <= ? AND pending_month >= ?';
  await m.query(
    `UPDATE member_rfm SET purchases_12m = purchases_12m - CASE WHEN window_start_month <= ? THEN ? ELSE 0 END,
       spend_12m_fen = spend_12m_fen - CASE WHEN window_start_month <= ? THEN ? ELSE 0 END,
       pending_purchases = pending_purchases - CASE WHEN ${staged} THEN ? ELSE 0 END,
       pending_spend_fen = pending_spend_fen - CASE WHEN ${staged} THEN ? ELSE 0 END${last}
     WHERE member_id = ?`,
    [month, purchases, month, spendFen, month, month, purchases, month, month, spendFen, ...(full ? [memberId] : []), memberId],
  );
}
