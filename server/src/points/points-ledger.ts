import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { PointEntryKind } from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { dbTime, execute, forUpdate, toInt } from '../database/sql';
import { Ledger, type LockedAccount, type Posted, type Posting } from '../ledger/ledger';
import { LedgerDrift, type LockedMember } from '../ledger/member-lock';

export type { Posted } from '../ledger/ledger';

/** The points account: lots are kept for it and no other. */
export type PointsAccount = LockedAccount<'points'>;

/** What a movement of points is and why: one entry of the member's points account, of a points kind. */
export type Movement = Omit<Posting, 'entryKind'> & { kind: PointEntryKind };

interface LotRow {
  id: string;
  remaining: unknown;
  expires_on: string;
}

/** The lot to take from first, before soonest-expiry order (a refund takes back its own order's lot). */
export interface PreferredLot {
  sourceType: string;
  sourceId: string;
}

const LOT_BATCH = 100;

/**
 * Points: the member's points account in the ledger, with lots as its detail. Earning creates a lot
 * with an expiry; spending draws from the soonest-expiring lots; every movement is one entry posted
 * through the Ledger (its one write path) in the same transaction as the lots it touches, so the
 * account's balance always equals the lots' remainders. Callers hold the member's lock
 * (lockMember), take the account with `account`, and pass the same manager.
 */
@Injectable()
export class PointsLedger {
  constructor(private readonly ledger: Ledger) {}

  /** The member's points account as of the lock. */
  account(m: EntityManager, member: LockedMember): Promise<PointsAccount> {
    return this.ledger.account(m, member, 'points');
  }

  /** Adds `amount` points as a new lot valid through `expiresOn` (a Shanghai date, inclusive). */
  async credit(m: EntityManager, account: PointsAccount, amount: number, movement: Movement, expiresOn: string): Promise<Posted> {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`credit of ${amount} points`);
    const posted = await this.post(m, account, amount, movement);
    await m.query(
      'INSERT INTO point_lots (id, brand_id, member_id, source_type, source_id, amount, remaining, expired, expires_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)',
      [randomUUID(), account.brandId, account.memberId, movement.sourceType, movement.sourceId, amount, amount, expiresOn, dbTime(movement.at)],
    );
    return posted;
  }

  /**
   * Takes `amount` points, soonest-expiring lots first (a preferred lot before all). Refused with
   * POINTS_INSUFFICIENT when the balance is short; nothing is written then.
   */
  async debit(m: EntityManager, account: PointsAccount, amount: number, movement: Movement, prefer?: PreferredLot): Promise<Posted> {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`debit of ${amount} points`);
    if (account.balance < amount) throw new DomainError('POINTS_INSUFFICIENT', `积分不足：可用 ${account.balance} 积分`);
    const posted = await this.post(m, account, -amount, movement);
    const memberId = account.memberId;
    let need = amount;
    const draws: unknown[][] = [];
    const take = async (lots: LotRow[]) => {
      for (const lot of lots) {
        if (need === 0) return;
        const amountFromLot = Math.min(need, toInt(lot.remaining));
        if (amountFromLot <= 0) continue;
        const updated = await execute(m, 'UPDATE point_lots SET remaining = remaining - ? WHERE id = ? AND remaining >= ?', [amountFromLot, lot.id, amountFromLot]);
        if (updated !== 1) throw new LedgerDrift(`lot ${lot.id} changed under the member lock`);
        draws.push([randomUUID(), posted.entryId, lot.id, memberId, amountFromLot, lot.expires_on]);
        need -= amountFromLot;
      }
    };
    if (prefer) {
      await take(
        (await m.query(`SELECT id, remaining, expires_on FROM point_lots WHERE member_id = ? AND source_type = ? AND source_id = ? AND remaining > 0${forUpdate(m)}`, [
          memberId,
          prefer.sourceType,
          prefer.sourceId,
        ])) as LotRow[],
      );
    }
    while (need > 0) {
      const lots = (await m.query(
        `SELECT id, remaining, expires_on FROM point_lots WHERE member_id = ? AND remaining > 0 ORDER BY expires_on, created_at, id LIMIT ${LOT_BATCH}${forUpdate(m)}`,
        [memberId],
      )) as LotRow[];
      if (lots.length === 0) throw new LedgerDrift(`member ${memberId}: balance says ${amount} points are there, the lots are short by ${need}`);
      await take(lots);
    }
    for (const draw of draws) {
      await m.query('INSERT INTO point_lot_draws (id, ledger_id, lot_id, member_id, amount, expires_on) VALUES (?, ?, ?, ?, ?, ?)', draw);
    }
    return posted;
  }

  /** Expires the unspent remainder of every lot whose last valid day is before `today`. */
  async expire(m: EntityManager, account: PointsAccount, today: string, movement: Omit<Movement, 'kind' | 'reason'>): Promise<Posted | null> {
    const lots = (await m.query(`SELECT id, remaining, expires_on FROM point_lots WHERE member_id = ? AND expires_on < ? AND remaining > 0 ORDER BY expires_on${forUpdate(m)}`, [
      account.memberId,
      today,
    ])) as LotRow[];
    if (lots.length === 0) return null;
    let total = 0;
    for (const lot of lots) {
      const remaining = toInt(lot.remaining);
      const updated = await execute(m, 'UPDATE point_lots SET remaining = 0, expired = expired + ? WHERE id = ? AND remaining = ?', [remaining, lot.id, remaining]);
      if (updated !== 1) throw new LedgerDrift(`lot ${lot.id} changed under the member lock`);
      total += remaining;
    }
    const dates = [...new Set(lots.map((l) => l.expires_on))];
    return this.post(m, account, -total, { ...movement, kind: 'expire', reason: `有效期至 ${dates.join('、')} 的积分已过期` });
  }

  /** The movement as the ledger's entry: its kind becomes the entry's kind. */
  private post(m: EntityManager, account: PointsAccount, delta: number, movement: Movement): Promise<Posted> {
    const { kind, ...posting } = movement;
    return this.ledger.post(m, account, delta, { ...posting, entryKind: kind });
  }
}
