import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DOMAIN_ERRORS, DomainError } from '../common/domain-error';
import { dbTime } from '../database/sql';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';

/** What a member code paid with at the till: points (redeem), stored value (balance), or both. */
export type MemberCodeSpendPurpose = 'redeem' | 'balance';

/**
 * A dynamic member code that paid with the member's value (points, stored value) once is spent: the same code (a photo of
 * the screen, a second scan) cannot pay again, though it still identifies the member for earning.
 * One row per (member, code) under a unique key, written in the paying purchase's unit of work, so
 * the spend and the payment commit or vanish together, and of two concurrent payments with one
 * code exactly one commits.
 */
@Injectable()
export class MemberCodeSpends {
  constructor(private readonly uow: UnitOfWork) {}

  /**
   * Marks `code` spent for what the purchase pays with (one row, however many: "redeem+balance");
   * 409 MEMBER_CODE_USED if it already was. Call under the member's lock.
   */
  async claim(m: EntityManager, member: { id: string; brandId: string }, code: string, purposes: MemberCodeSpendPurpose[], ref: string, at: Date): Promise<void> {
    try {
      await m.query('INSERT INTO member_code_spends (id, brand_id, member_id, code, purpose, ref, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        randomUUID(),
        member.brandId,
        member.id,
        code,
        purposes.join('+'),
        ref,
        dbTime(at),
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) throw used();
      throw error;
    }
  }

  /** Refuses a code already spent (the quote's check; the purchase's is `claim`). */
  async assertUnspent(memberId: string, code: string): Promise<void> {
    const rows = (await this.uow.reader.query('SELECT 1 AS spent FROM member_code_spends WHERE member_id = ? AND code = ?', [memberId, code])) as unknown[];
    if (rows.length > 0) throw used();
  }
}

function used(): DomainError {
  return new DomainError('MEMBER_CODE_USED', undefined, [{ field: 'memberCode', message: DOMAIN_ERRORS.MEMBER_CODE_USED.message }]);
}
