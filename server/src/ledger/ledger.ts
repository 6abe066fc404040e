import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, type DomainErrorCode } from '../common/domain-error';
import { dbTime, execute, toInt } from '../database/sql';
import { LedgerDrift, type LockedMember } from './member-lock';

/** What a member's value is held in: one account per member and kind. */
export const ACCOUNT_KINDS = ['points', 'stored_value_principal', 'stored_value_bonus'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** The refusal a member reads when a movement would take an account below zero. */
const INSUFFICIENT: Record<AccountKind, DomainErrorCode> = {
  points: 'POINTS_INSUFFICIENT',
  stored_value_principal: 'BALANCE_INSUFFICIENT',
  stored_value_bonus: 'BALANCE_INSUFFICIENT',
};

/**
 * An account as read under its member's lock: the balance and sequence the next post is
 * conditional on, kept current by `post`. `id` is null until the account's first movement opens it.
 */
export interface LockedAccount<K extends AccountKind = AccountKind> {
  id: string | null;
  brandId: string;
  memberId: string;
  kind: K;
  balance: number;
  seq: number;
}

/** One movement: what it is, why, where it came from, and the key that makes it happen once. */
export interface Posting {
  /** In the account's own terms: earn, redeem, refund_return, … for points. */
  entryKind: string;
  /** Unique across the ledger: the same movement can never be written twice. */
  key: string;
  reason: string;
  sourceType: string;
  sourceId: string;
  storeId?: string | null;
  staffId?: string | null;
  at: Date;
}

export interface Posted {
  entryId: string;
  delta: number;
  balanceAfter: number;
  seq: number;
}

interface AccountRow {
  id: string;
  balance: unknown;
  seq: unknown;
}

/**
 * The ledger's one write path. Every movement of value is an append-only entry with the account's
 * next sequence number and the balance after it, written in the same transaction as the account's
 * cached balance. Callers hold the member's lock (lockMember: the member row first, then the
 * account, always in that order) and pass that transaction's manager.
 */
@Injectable()
export class Ledger {
  /** The member's account of `kind` as of the lock (balance 0 before its first movement). */
  async account<K extends AccountKind>(m: EntityManager, member: LockedMember, kind: K): Promise<LockedAccount<K>> {
    // No FOR UPDATE: every writer of this account holds the member's lock, and post() checks the
    // sequence read here anyway.
    const [row] = (await m.query('SELECT id, balance, seq FROM ledger_accounts WHERE member_id = ? AND kind = ?', [member.id, kind])) as AccountRow[];
    return { id: row?.id ?? null, brandId: member.brandId, memberId: member.id, kind, balance: row ? toInt(row.balance) : 0, seq: row ? toInt(row.seq) : 0 };
  }

  /**
   * Moves the account by `delta` and appends its entry. The UPDATE is conditional on the sequence
   * read under the lock and on the balance staying non-negative, and its count is checked: if
   * anything moved the account outside this discipline the transaction fails instead of lying. An
   * overdraw is refused before anything is written (callers check first, with their own message).
   */
  async post(m: EntityManager, account: LockedAccount, delta: number, posting: Posting): Promise<Posted> {
    if (!Number.isSafeInteger(delta) || delta === 0) throw new RangeError(`posting of ${delta} to a ${account.kind} account`);
    if (account.balance + delta < 0) throw new DomainError(INSUFFICIENT[account.kind]);
    const accountId = account.id ?? (await this.open(m, account, posting.at));
    const updated = await execute(m, 'UPDATE ledger_accounts SET balance = balance + ?, seq = seq + 1 WHERE id = ? AND seq = ? AND balance + ? >= 0', [
      delta,
      accountId,
      account.seq,
      delta,
    ]);
    if (updated !== 1) throw new LedgerDrift(`${account.kind} account ${accountId} moved outside its member's lock (seq ${account.seq})`);
    account.balance += delta;
    account.seq += 1;
    const entryId = randomUUID();
    await m.query(
      `INSERT INTO ledger_entries (id, brand_id, account_id, member_id, seq, entry_kind, delta, balance_after, business_key, reason, source_type, source_id, store_id, staff_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        entryId,
        account.brandId,
        accountId,
        account.memberId,
        account.seq,
        posting.entryKind,
        delta,
        account.balance,
        posting.key,
        posting.reason.slice(0, 200),
        posting.sourceType,
        posting.sourceId,
        posting.storeId ?? null,
        posting.staffId ?? null,
        dbTime(posting.at),
      ],
    );
    return { entryId, delta, balanceAfter: account.balance, seq: account.seq };
  }

  /** The account's row, on its first movement (unique per member and kind). */
  private async open(m: EntityManager, account: LockedAccount, at: Date): Promise<string> {
    const id = randomUUID();
    await m.query('INSERT INTO ledger_accounts (id, brand_id, member_id, kind, balance, seq, created_at) VALUES (?, ?, ?, ?, 0, 0, ?)', [
      id,
      account.brandId,
      account.memberId,
      account.kind,
      dbTime(at),
    ]);
    account.id = id;
    return id;
  }
}
