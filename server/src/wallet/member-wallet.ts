import { Injectable } from '@nestjs/common';
import { WALLET_ENTRY_KINDS, WALLET_ENTRY_NAMES, type Wallet, type WalletEntry, type WalletEntryKind, type WalletQuery } from '@wemember/shared';
import type { MemberActor } from '../access/actors';
import { DomainError } from '../common/domain-error';
import { dbTime, fromDbTime, toInt } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { LedgerRepository } from '../ledger/ledger.repository';

/** What the member reads beside their balance. */
export const WALLET_RULES = ['储值消费先扣本金，再扣赠送金', '退货时，储值支付的部分按比例退回储值余额', '充值退款只退未使用的本金，对应的赠送金一并扣回；赠送金不可退'];

/** Where a page ends: the last event's time and its business key (events sort by both, newest first). */
interface Cursor {
  at: Date;
  key: string;
}

const CURSOR = /^(\d{1,15})\.([\x21-\x7e]{1,160})$/;

function encodeCursor(at: Date, key: string): string {
  return Buffer.from(`${at.getTime()}.${key}`).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  const match = /^[A-Za-z0-9_-]+$/.test(cursor) ? CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  const at = match ? new Date(Number(match[1])) : null;
  // Up to 9999-12-31: a DATETIME both databases compare.
  if (!match || !at || Number.isNaN(at.getTime()) || at.getTime() > 253_402_300_799_999) {
    throw new DomainError('VALIDATION_FAILED', '翻页参数无效，请从第一页重新加载', [{ field: 'before', message: '翻页参数无效，请从第一页重新加载' }]);
  }
  return { at, key: match[2] };
}

/**
 * The member's stored-value entries with the event each belongs to: StoredValue posts an event's
 * parts under `<key>:principal` and `<key>:bonus`, so the key without its suffix names the event
 * (business keys are ASCII, so LENGTH counts characters on both databases). `balance_upto` is what
 * every entry up to and including this event adds up to — the balance right after it — computed in
 * the same statement, so a movement committing meanwhile cannot make a page disagree with itself.
 */
const EVENTS = `WITH g AS (
  SELECT e.id, e.entry_kind, e.delta, e.reason, e.created_at, a.kind,
    SUBSTR(e.business_key, 1, LENGTH(e.business_key) - CASE WHEN a.kind = 'stored_value_principal' THEN 10 ELSE 6 END) AS event_key
  FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
  WHERE a.member_id = ? AND a.kind IN ('stored_value_principal', 'stored_value_bonus')
)
SELECT g.id, g.entry_kind, g.delta, g.reason, g.created_at, g.kind, g.event_key,
  (SELECT SUM(h.delta) FROM g h WHERE h.created_at < g.created_at OR (h.created_at = g.created_at AND h.event_key <= g.event_key)) AS balance_upto
FROM g`;

interface EventRow {
  id: string;
  entry_kind: string;
  delta: unknown;
  reason: string;
  created_at: Date | string;
  kind: 'stored_value_principal' | 'stored_value_bonus';
  event_key: string;
  balance_upto: unknown;
}

/** 我的储值: the balance in its two parts, the rules, and the movements one line per event. */
@Injectable()
export class MemberWallet {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ledger: LedgerRepository,
  ) {}

  async wallet(actor: MemberActor, query: WalletQuery): Promise<Wallet> {
    const before = query.before ? decodeCursor(query.before) : null;
    // An event has at most two entries, so this many rows hold `limit` whole events and one more.
    const rows = (await this.uow.reader.query(
      `${EVENTS}${before ? ' WHERE g.created_at < ? OR (g.created_at = ? AND g.event_key < ?)' : ''}
       ORDER BY g.created_at DESC, g.event_key DESC LIMIT ${query.limit * 2 + 2}`,
      before ? [actor.memberId, dbTime(before.at), dbTime(before.at), before.key] : [actor.memberId],
    )) as EventRow[];
    const events = groupEvents(rows);
    const shown = events.slice(0, query.limit);
    const balance = await this.ledger.storedValue(actor.memberId);
    const last = shown[shown.length - 1];
    return {
      balanceFen: balance.principalFen + balance.bonusFen,
      principalFen: balance.principalFen,
      bonusFen: balance.bonusFen,
      rules: WALLET_RULES,
      entries: shown.map((e) => e.entry),
      nextBefore: events.length > query.limit ? encodeCursor(last.at, last.key) : null,
    };
  }
}

/** Consecutive rows of one event (same time and key) become one line: principal and bonus side by side. */
function groupEvents(rows: EventRow[]): { at: Date; key: string; entry: WalletEntry }[] {
  const events: { at: Date; key: string; rows: EventRow[] }[] = [];
  for (const row of rows) {
    const at = fromDbTime(row.created_at);
    const current = events[events.length - 1];
    if (current && current.key === row.event_key && current.at.getTime() === at.getTime()) current.rows.push(row);
    else events.push({ at, key: row.event_key, rows: [row] });
  }
  return events.map(({ at, key, rows: parts }) => {
    const principal = parts.find((r) => r.kind === 'stored_value_principal');
    const bonus = parts.find((r) => r.kind === 'stored_value_bonus');
    // The event is named by its principal part when it has one (充值, not 充值赠送).
    const lead = principal ?? bonus!;
    const kind: WalletEntryKind = (WALLET_ENTRY_KINDS as readonly string[]).includes(lead.entry_kind) ? (lead.entry_kind as WalletEntryKind) : 'adjust';
    const principalFen = principal ? toInt(principal.delta) : 0;
    const bonusFen = bonus ? toInt(bonus.delta) : 0;
    return {
      at,
      key,
      entry: {
        id: lead.id,
        kind,
        kindName: WALLET_ENTRY_NAMES[kind],
        principalFen,
        bonusFen,
        totalFen: principalFen + bonusFen,
        balanceAfterFen: toInt(lead.balance_upto),
        reason: lead.reason,
        createdAt: at.toISOString(),
      },
    };
  });
}
