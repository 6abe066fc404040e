import { Injectable } from '@nestjs/common';
import { fromDbTime, toInt } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import type { StoredValueBalance } from '@wemember/shared';
import type { AccountKind } from './ledger';

/** An entry as committed. */
export interface LedgerEntry {
  id: string;
  accountId: string;
  memberId: string;
  seq: number;
  entryKind: string;
  delta: number;
  balanceAfter: number;
  businessKey: string;
  reason: string;
  sourceType: string;
  sourceId: string;
  storeId: string | null;
  staffId: string | null;
  createdAt: Date;
}

/** A member's account of one kind beside what its entries say, for the reconciliation. */
export interface AccountAudit {
  memberId: string;
  memberNo: string;
  /** The cached balance and sequence (0 and 0 when the account was never opened). */
  balance: number;
  seq: number;
  entriesSum: number;
  entryCount: number;
  /** The highest sequence among the entries, and the balance after that entry (null when none). */
  lastSeq: number | null;
  lastBalanceAfter: number | null;
  /** Points only: what the member's lots still hold (null for kinds without lots). */
  lotsRemaining: number | null;
}

/**
 * Per account: entries sum = cached balance = the last entry's balance_after, the entries are
 * numbered 1…seq without a gap (the sequence is unique per account), and for points the balance =
 * the live lots' remainders.
 */
export function accountAddsUp(a: AccountAudit): boolean {
  if (a.lotsRemaining !== null && a.lotsRemaining !== a.balance) return false;
  if (a.seq === 0) return a.balance === 0 && a.entryCount === 0 && a.entriesSum === 0;
  return a.entriesSum === a.balance && a.lastBalanceAfter === a.balance && a.entryCount === a.seq && a.lastSeq === a.seq;
}

interface EntryRow {
  id: string;
  account_id: string;
  member_id: string;
  seq: unknown;
  entry_kind: string;
  delta: unknown;
  balance_after: unknown;
  business_key: string;
  reason: string;
  source_type: string;
  source_id: string;
  store_id: string | null;
  staff_id: string | null;
  created_at: Date | string;
}

const ENTRY_COLUMNS = 'e.id, e.account_id, e.member_id, e.seq, e.entry_kind, e.delta, e.balance_after, e.business_key, e.reason, e.source_type, e.source_id, e.store_id, e.staff_id, e.created_at';

/** What the ledger says, outside any transaction (committed rows only). Writes go through Ledger. */
@Injectable()
export class LedgerRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** The member's committed balance of `kind` (0 before the account's first movement). */
  async balance(memberId: string, kind: AccountKind): Promise<number> {
    const [row] = (await this.uow.reader.query('SELECT balance FROM ledger_accounts WHERE member_id = ? AND kind = ?', [memberId, kind])) as { balance: unknown }[];
    return row ? toInt(row.balance) : 0;
  }

  /** The member's committed stored value: principal and bonus, read in one statement so they agree. */
  async storedValue(memberId: string): Promise<StoredValueBalance> {
    const rows = (await this.uow.reader.query("SELECT kind, balance FROM ledger_accounts WHERE member_id = ? AND kind IN ('stored_value_principal', 'stored_value_bonus')", [
      memberId,
    ])) as { kind: AccountKind; balance: unknown }[];
    const of = (kind: AccountKind) => toInt(rows.find((r) => r.kind === kind)?.balance ?? 0);
    return { principalFen: of('stored_value_principal'), bonusFen: of('stored_value_bonus') };
  }

  /** The member's entries of `kind`, newest first: `limit` of them before sequence `before`. */
  async entries(memberId: string, kind: AccountKind, page: { before?: number; limit: number }): Promise<LedgerEntry[]> {
    const rows = (await this.uow.reader.query(
      `SELECT ${ENTRY_COLUMNS} FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
       WHERE a.member_id = ? AND a.kind = ?${page.before ? ' AND e.seq < ?' : ''} ORDER BY e.seq DESC LIMIT ${Number(page.limit)}`,
      page.before ? [memberId, kind, page.before] : [memberId, kind],
    )) as EntryRow[];
    return rows.map(toEntry);
  }

  /** The entry written under a business key, if any: a replay answers with it. */
  async byKey(businessKey: string): Promise<LedgerEntry | null> {
    const [row] = (await this.uow.reader.query(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries e WHERE e.business_key = ?`, [businessKey])) as EntryRow[];
    return row ? toEntry(row) : null;
  }

  /**
   * A batch of members (by id, after `after`) with their account of `kind` and what its entries add
   * up to. Members whose account was never opened come back with zeros, so nothing is skipped. One
   * statement, so a movement committing meanwhile cannot show as a mismatch: which is also why the
   * points lots (the points account's detail) are summed here rather than by the points module.
   */
  async audit(kind: AccountKind, batch: { after: string; limit: number; brandId?: string }): Promise<AccountAudit[]> {
    const lots = kind === 'points' ? '(SELECT COALESCE(SUM(p.remaining), 0) FROM point_lots p WHERE p.member_id = m.id)' : 'NULL';
    const rows = (await this.uow.reader.query(
      `SELECT m.id, m.member_no, a.balance, a.seq,
         (SELECT COALESCE(SUM(e.delta), 0) FROM ledger_entries e WHERE e.account_id = a.id) AS entries_sum,
         (SELECT COUNT(*) FROM ledger_entries e WHERE e.account_id = a.id) AS entry_count,
         (SELECT MAX(e.seq) FROM ledger_entries e WHERE e.account_id = a.id) AS last_seq,
         (SELECT e.balance_after FROM ledger_entries e WHERE e.account_id = a.id ORDER BY e.seq DESC LIMIT 1) AS last_after,
         ${lots} AS lots_remaining
       FROM members m LEFT JOIN ledger_accounts a ON a.member_id = m.id AND a.kind = ?
       WHERE m.id > ?${batch.brandId ? ' AND m.brand_id = ?' : ''} ORDER BY m.id LIMIT ${Number(batch.limit)}`,
      batch.brandId ? [kind, batch.after, batch.brandId] : [kind, batch.after],
    )) as {
      id: string;
      member_no: string;
      balance: unknown;
      seq: unknown;
      entries_sum: unknown;
      entry_count: unknown;
      last_seq: unknown;
      last_after: unknown;
      lots_remaining: unknown;
    }[];
    const orNull = (v: unknown) => (v === null || v === undefined ? null : toInt(v));
    return rows.map((r) => ({
      memberId: r.id,
      memberNo: r.member_no,
      balance: toInt(r.balance),
      seq: toInt(r.seq),
      entriesSum: toInt(r.entries_sum),
      entryCount: toInt(r.entry_count),
      lastSeq: orNull(r.last_seq),
      lastBalanceAfter: orNull(r.last_after),
      lotsRemaining: orNull(r.lots_remaining),
    }));
  }
}

function toEntry(row: EntryRow): LedgerEntry {
  return {
    id: row.id,
    accountId: row.account_id,
    memberId: row.member_id,
    seq: toInt(row.seq),
    entryKind: row.entry_kind,
    delta: toInt(row.delta),
    balanceAfter: toInt(row.balance_after),
    businessKey: row.business_key,
    reason: row.reason,
    sourceType: row.source_type,
    sourceId: row.source_id,
    storeId: row.store_id,
    staffId: row.staff_id,
    createdAt: fromDbTime(row.created_at),
  };
}
