import type { EntityManager } from 'typeorm';
import { dbTime, insertOnce } from '../database/sql';

/*
 * The 'once_in_month' birthday bonus: the first purchase of the birthday month that the bonus
 * multiplies takes it, one per member and year (birthday_bonus_claims' primary key). The purchase
 * reads and inserts the claim inside its own unit of work under the member's lock, so two purchases
 * of one member cannot both take it, and a purchase that rolls back leaves it untaken.
 */

/** Whether a purchase of `year` already took the member's birthday bonus. */
export async function birthdayBonusClaimed(manager: EntityManager, memberId: string, year: number): Promise<boolean> {
  const rows = (await manager.query('SELECT order_id FROM birthday_bonus_claims WHERE member_id = ? AND year = ?', [memberId, year])) as unknown[];
  return rows.length > 0;
}

/** Takes the year's bonus for `orderId`; false when another purchase holds it (cannot happen under the member's lock). */
export function claimBirthdayBonus(manager: EntityManager, claim: { memberId: string; year: number; orderId: string; at: Date }): Promise<boolean> {
  return insertOnce(manager, 'birthday_bonus_claims', { member_id: claim.memberId, year: claim.year, order_id: claim.orderId, claimed_at: dbTime(claim.at) });
}
