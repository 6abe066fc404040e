import {
  discountLabel,
  MEMBER_STATUS_NAMES,
  nextTierProgress,
  TIER_NAMES,
  tierRule,
  type LoyaltyRules,
  type MemberCard,
  type MemberSummary,
} from '@wemember/shared';
import type { Member } from './member.entity';

/**
 * The card; `growth` is the rolling-12-month growth as of today, `points` the points account's
 * balance, `balanceFen` the stored value (principal + bonus accounts; members.balance_fen is a
 * legacy column nothing writes).
 */
export function toMemberCard(member: Member, brandName: string, rules: LoyaltyRules, growth: number, points: number, balanceFen: number): MemberCard {
  const next = nextTierProgress(rules, member.tier, growth);
  return {
    memberNo: member.memberNo,
    phoneMasked: member.phoneMasked,
    tier: member.tier,
    tierName: TIER_NAMES[member.tier],
    points,
    balanceFen,
    growth,
    tierProgress: next && { nextTier: next.tier, nextTierName: TIER_NAMES[next.tier], nextMinGrowth: next.minGrowth, growthNeeded: next.growthNeeded },
    tierDiscount: discountLabel(tierRule(rules, member.tier).discountOffPercent),
    birthday: member.birthday ?? null,
    status: member.status,
    joinedAt: member.joinedAt.toISOString(),
    brandName,
  };
}

export function toMemberSummary(
  member: Member,
  view: { phone: string; points: number; balanceFen: number; homeStoreName: string | null; resolvedBy: MemberSummary['resolvedBy'] },
): MemberSummary {
  return {
    memberId: member.id,
    memberNo: member.memberNo,
    phone: view.phone,
    tier: member.tier,
    tierName: TIER_NAMES[member.tier],
    points: view.points,
    balanceFen: view.balanceFen,
    growth: member.growth,
    status: member.status,
    statusName: MEMBER_STATUS_NAMES[member.status],
    homeStoreName: view.homeStoreName,
    joinedAt: member.joinedAt.toISOString(),
    resolvedBy: view.resolvedBy,
  };
}
