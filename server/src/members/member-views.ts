import { MEMBER_STATUS_NAMES, TIER_NAMES, type MemberCard, type MemberSummary } from '@wemember/shared';
import type { Member } from './member.entity';

export function toMemberCard(member: Member, brandName: string): MemberCard {
  return {
    memberNo: member.memberNo,
    phoneMasked: member.phoneMasked,
    tier: member.tier,
    tierName: TIER_NAMES[member.tier],
    points: member.points,
    balanceFen: member.balanceFen,
    growth: member.growth,
    status: member.status,
    joinedAt: member.joinedAt.toISOString(),
    brandName,
  };
}

export function toMemberSummary(
  member: Member,
  view: { phone: string; homeStoreName: string | null; resolvedBy: MemberSummary['resolvedBy'] },
): MemberSummary {
  return {
    memberId: member.id,
    memberNo: member.memberNo,
    phone: view.phone,
    tier: member.tier,
    tierName: TIER_NAMES[member.tier],
    points: member.points,
    balanceFen: member.balanceFen,
    growth: member.growth,
    status: member.status,
    statusName: MEMBER_STATUS_NAMES[member.status],
    homeStoreName: view.homeStoreName,
    joinedAt: member.joinedAt.toISOString(),
    resolvedBy: view.resolvedBy,
  };
}
