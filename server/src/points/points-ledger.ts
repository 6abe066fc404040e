import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { PointEntryKind } from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { dbTime, execute, forUpdate, toInt } from '../database/sql';
import { LedgerDrift, type LockedMember } from '../ledger/member-lock';

/** What a movement is and why: one ledger row. */
export interface Movement {
  kind: PointEntryKind;
  /** Unique business key: the same movement can never be written twice. */
  key: string;
  reason: string;
  sourceType: string;
  sourceId: string;
  storeId?: string | null;
  staffId?: string | null;
  at: Date;
}

export interface Posted {
  ledgerId: string;
  delta: number;
  balanceAfter: number;
}

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
 * The points ledger. Earning creates a lot with an expiry; spending draws from the soonest-expiring
 * lots; every movement is one append-only ledger row with the balance after it, and the member's
 * cached balance moves in the same transaction by a conditional UPDATE whose row count is checked.
 * Callers hold the member's lock (lockMember) and pass the same manager.
 */
@Injectable()
export class PointsLedger {
  /** Adds `amount` points as a new lot valid through `expiresOn` (a Shanghai date, inclusive). */
  async credit(m: EntityManager, member: LockedMember, amount: number, movement: Movement, expiresOn: string): Promise<Posted> {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`credit of ${amount} points`);
    const posted = await this.post(m, member, amount, movement);
    await m.query(
      'INSERT INTO point_lots (id, brand_id, member_id, source_type, source_id, amount, remaining, expired, expires_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)',
      [randomUUID(), member.brandId, member.id, movement.sourceType, movement.sourceId, amount, amount, expiresOn, dbTime(movement.at)],
    );
    return posted;
  }

  /**
   * Takes `amount` points, soonest-expiring lots first (a preferred lot before all). Refused with
   * POINTS_INSUFFICIENT when the balance is short; nothing is written then.
   */
  async debit(m: EntityManager, member: LockedMember, amount: number, movement: Movement, prefer?: PreferredLot): Promise<Posted> {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`debit of ${amount} points`);
    if (member.points < amount) throw new DomainError('POINTS_INSUFFICIENT', `积分不足：可用 ${member.points} 积分`);
    const posted = await this.post(m, member, -amount, movement);
    let need = amount;
    const draws: unknown[][] = [];
    const take = async (lots: LotRow[]) => {
      for (const lot of lots) {
        if (need === 0) return;
        const amountFromLot = Math.min(need, toInt(lot.remaining));
        if (amountFromLot <= 0) continue;
        const updated = await execute(m, 'UPDATE point_lots SET remaining = remaining - ? WHERE id = ? AND remaining >= ?', [amountFromLot, lot.id, amountFromLot]);
        if (updated !== 1) throw new LedgerDrift(`lot ${lot.id} changed under the member lock`);
        draws.push([randomUUID(), posted.ledgerId, lot.id, member.id, amountFromLot, lot.expires_on]);
        need -= amountFromLot;
      }
    };
    if (prefer) {
      await take(
        (await m.query(`SELECT id, remaining, expires_on FROM point_lots WHERE member_id = ? AND source_type = ? AND source_id = ? AND remaining > 0${forUpdate(m)}`, [
          member.id,
          prefer.sourceType,
          prefer.sourceId,
        ])) as LotRow[],
      );
    }
    while (need > 0) {
      const lots = (await m.query(
        `SELECT id, remaining, expires_on FROM point_lots WHERE member_id = ? AND remaining > 0 ORDER BY expires_on, created_at, id LIMIT ${LOT_BATCH}${forUpdate(m)}`,
        [member.id],
      )) as LotRow[];
      if (lots.length === 0) throw new LedgerDrift(`member ${member.id}: balance says ${amount} points are there, the lots are short by ${need}`);
      await take(lots);
    }
    for (const draw of draws) {
      await m.query('INSERT INTO point_lot_draws (id, ledger_id, lot_id, member_id, amount, expires_on) VALUES (?, ?, ?, ?, ?, ?)', draw);
    }
    return posted;
  }

  /** Expires the unspent remainder of every lot whose last valid day is before `today`. */
  async expire(m: EntityManager, member: LockedMember, today: string, movement: Omit<Movement, 'kind' | 'reason'>): Promise<Posted | null> {
    const lots = (await m.query(`SELECT id, remaining, expires_on FROM point_lots WHERE member_id = ? AND expires_on < ? AND remaining > 0 ORDER BY expires_on${forUpdate(m)}`, [
      member.id,
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
    return this.post(m, member, -total, { ...movement, kind: 'expire', reason: `有效期至 ${dates.join('、')} 的积分已过期` });
  }

  /**
   * The ledger row and the cached balance, together. The UPDATE is conditional on the sequence
   * number read under the lock and on the balance staying non-negative, and its count is checked:
   * if anything moved the balance outside this discipline, the transaction fails instead of lying.
   */
  private async post(m: EntityManager, member: LockedMember, delta: number, movement: Movement): Promise<Posted> {
    const updated = await execute(m, 'UPDATE members SET points = points + ?, ledger_seq = ledger_seq + 1 WHERE id = ? AND ledger_seq = ? AND points + ? >= 0', [
      delta,
      member.id,
      member.ledgerSeq,
      delta,
    ]);
    if (updated !== 1) throw new LedgerDrift(`member ${member.id} moved outside its lock (seq ${member.ledgerSeq})`);
    member.points += delta;
    member.ledgerSeq += 1;
    const ledgerId = randomUUID();
    await m.query(
      `INSERT INTO point_ledger (id, brand_id, member_id, seq, kind, delta, balance_after, business_key, source_type, source_id, reason, store_id, staff_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        ledgerId,
        member.brandId,
        member.id,
        member.ledgerSeq,
        movement.kind,
        delta,
        member.points,
        movement.key,
        movement.sourceType,
        movement.sourceId,
        movement.reason.slice(0, 200),
        movement.storeId ?? null,
        movement.staffId ?? null,
        dbTime(movement.at),
      ],
    );
    return { ledgerId, delta, balanceAfter: member.points };
  }
}
