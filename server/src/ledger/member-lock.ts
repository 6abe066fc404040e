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

export async function lockMember(manager: EntityManager, memberId: string): Promise<LockedMember | null> {
  const [row] = (await manager.query(`SELECT id, brand_id, member_no, phone_masked, status, tier, birthday, growth FROM members WHERE id = ?${forUpdate(manager)}`, [
    memberId,
  ])) as MemberRow[];
  if (!row) return null;
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
