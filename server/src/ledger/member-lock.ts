import type { MemberStatus, TierCode } from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { forUpdate, toInt } from '../database/sql';

/**
 * A member row read under its lock (SELECT … FOR UPDATE on MySQL; SQLite write transactions run one
 * at a time). Every movement of a member's value starts here, so movements of one member never
 * interleave, and always takes the member row before its ledger accounts and points lots: one lock
 * order, no deadlocks.
 */
export interface LockedMember {
  id: string;
  brandId: string;
  memberNo: string;
  phoneMasked: string;
  status: MemberStatus;
  tier: TierCode;
  birthday: string | null;
  growth: number;
}

interface MemberRow {
  id: string;
  brand_id: string;
  member_no: string;
  phone_masked: string;
  status: MemberStatus;
  tier: TierCode;
  birthday: string | null;
  growth: unknown;
}

const MEMBER_COLUMNS = 'id, brand_id, member_no, phone_masked, status, tier, birthday, growth';

export async function lockMember(manager: EntityManager, memberId: string): Promise<LockedMember | null> {
  const [row] = (await manager.query(`SELECT ${MEMBER_COLUMNS} FROM members WHERE id = ?${forUpdate(manager)}`, [memberId])) as MemberRow[];
  return row ? lockedMember(row) : null;
}

/**
 * Several members under their locks in one statement, in id order (the rows are locked as the
 * primary key is walked, so two callers locking overlapping sets take them in the same order and
 * cannot deadlock on each other). Ids not found are left out. For work over many members at once
 * (a campaign's chunk); the same rule holds: these member rows first, then anything else.
 */
export async function lockMembers(manager: EntityManager, memberIds: readonly string[]): Promise<LockedMember[]> {
  if (memberIds.length === 0) return [];
  const ids = [...new Set(memberIds)].sort();
  const rows = (await manager.query(`SELECT ${MEMBER_COLUMNS} FROM members WHERE id IN (${ids.map(() => '?').join(', ')}) ORDER BY id${forUpdate(manager)}`, ids)) as MemberRow[];
  return rows.map(lockedMember);
}

function lockedMember(row: MemberRow): LockedMember {
  return {
    id: row.id,
    brandId: row.brand_id,
    memberNo: row.member_no,
    phoneMasked: row.phone_masked,
    status: row.status,
    tier: row.tier,
    birthday: row.birthday,
    growth: toInt(row.growth),
  };
}

/** Frozen and lost cards neither earn nor spend (nor take coupons); a closed one is gone. */
export function assertCanTransact(member: Pick<LockedMember, 'status'>): void {
  if (member.status === 'closed') throw new DomainError('MEMBER_CLOSED');
  if (member.status !== 'active') throw new DomainError('MEMBER_FROZEN');
}

/** The ledger disagrees with itself: a bug, never a user error. Rolls the transaction back. */
export class LedgerDrift extends Error {}
