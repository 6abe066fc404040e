import {
  COUPON_SOURCE_NAMES,
  couponSummary,
  daysLeft,
  formatCouponCode,
  TIER_CODES,
  TIER_NAMES,
  validityText,
  type CouponOffer,
  type CouponTemplate as TemplateView,
  type MemberCoupon,
  type MemberCouponTab,
  type TierCode,
} from '@wemember/shared';
import type { Coupon, CouponTemplate } from './coupon.entity';
import { templateValidity } from './coupon-issuer';

/** A usable coupon whose last day is at most this many days away is "expiring soon" (and reminded of). */
export const EXPIRING_SOON_DAYS = 3;

type Terms = Pick<Coupon, 'name' | 'description' | 'type' | 'valueFen' | 'percentOff' | 'capFen' | 'thresholdFen' | 'giftName' | 'storeIds' | 'regionIds'>;

/** Names of the stores and regions a coupon's scope lists, for "仅限 人民路店、滨江店". */
export interface ScopeNames {
  stores: Map<string, string>;
  regions: Map<string, string>;
}

export function storeScopeText(terms: Pick<Terms, 'storeIds' | 'regionIds'>, names: ScopeNames): string {
  if (terms.storeIds.length === 0 && terms.regionIds.length === 0) return '全部门店';
  const parts = [
    ...terms.regionIds.map((id) => `${names.regions.get(id) ?? '已停用区域'}各门店`),
    ...terms.storeIds.map((id) => names.stores.get(id) ?? '已停用门店'),
  ];
  return `仅限 ${parts.join('、')}`;
}

/** The terms as every view shows them. */
export function termsView(terms: Terms, names: ScopeNames) {
  return {
    name: terms.name,
    description: terms.description,
    type: terms.type,
    valueFen: terms.valueFen,
    percentOff: terms.percentOff,
    capFen: terms.capFen,
    thresholdFen: terms.thresholdFen,
    giftName: terms.giftName,
    summary: couponSummary(terms),
    storeScopeText: storeScopeText(terms, names),
  };
}

export function templateView(t: CouponTemplate, names: ScopeNames): TemplateView {
  const validity = templateValidity(t);
  return {
    id: t.id,
    ...termsView(t, names),
    stock: t.stock,
    issued: t.issued,
    stockLeft: Math.max(0, t.stock - t.issued),
    perMemberLimit: t.perMemberLimit,
    validity,
    validityText: validityText(validity),
    claimable: t.claimable,
    pointsPrice: t.pointsPrice,
    storeIds: t.storeIds,
    regionIds: t.regionIds,
    tiers: t.tiers,
    status: t.status,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

/** Which tab of "我的券" a coupon sits under on `today`. */
export function couponTab(coupon: Pick<Coupon, 'status' | 'validTo'>, today: string): MemberCouponTab {
  if (coupon.status === 'redeemed') return 'used';
  if ((coupon.status === 'issued' || coupon.status === 'locked') && coupon.validTo >= today) return 'usable';
  return 'expired';
}

export function memberCouponView(c: Coupon, today: string, names: ScopeNames): MemberCoupon {
  const tab = couponTab(c, today);
  return {
    id: c.id,
    templateId: c.templateId,
    code: c.code,
    codeDisplay: formatCouponCode(c.code),
    ...termsView(c, names),
    status: c.status,
    tab,
    source: c.source,
    sourceName: COUPON_SOURCE_NAMES[c.source],
    validFrom: c.validFrom,
    validTo: c.validTo,
    expiringSoon: tab === 'usable' && daysLeft(c.validTo, today) <= EXPIRING_SOON_DAYS,
    issuedAt: c.issuedAt.toISOString(),
    redeemedAt: c.redeemedAt ? c.redeemedAt.toISOString() : null,
    redeemedStoreName: c.redeemedStoreId ? (names.stores.get(c.redeemedStoreId) ?? null) : null,
  };
}

/**
 * Who may take a tier-restricted template, as a shopper reads it: "金卡及以上可领" when the tiers
 * are the top of the ladder, else "仅 银卡会员、钻石会员 可领".
 */
export function tierRestrictionText(tiers: TierCode[]): string | null {
  if (tiers.length === 0) return null;
  const from = TIER_CODES.findIndex((code) => tiers.includes(code));
  const topOfLadder = TIER_CODES.slice(from).every((code) => tiers.includes(code));
  const short = (code: TierCode) => TIER_NAMES[code].replace(/会员$/, '');
  if (topOfLadder) return from === TIER_CODES.length - 1 ? `${short(TIER_CODES[from])}可领` : `${short(TIER_CODES[from])}及以上可领`;
  return `仅 ${TIER_CODES.filter((code) => tiers.includes(code)).map(short).join('、')} 可领`;
}

/** What a member brings to an offer: their tier, how many of it they took, and their points in the mall. */
export interface OfferFor {
  tier: TierCode;
  takenByMe: number;
  /** The member's points balance, in the points mall; leave out in the coupon centre. */
  pointsBalance?: number;
}

/** The first reason the member cannot take one now, in the order a shopper would want to hear it. */
function offerProblem(t: CouponTemplate, who: OfferFor): string | null {
  if (t.tiers.length > 0 && !t.tiers.includes(who.tier)) return tierRestrictionText(t.tiers);
  if (t.issued >= t.stock) return '已领完';
  if (who.takenByMe >= t.perMemberLimit) return `每人限领 ${t.perMemberLimit} 张`;
  if (who.pointsBalance !== undefined && t.pointsPrice !== null && who.pointsBalance < t.pointsPrice) return '积分不足';
  return null;
}

export function offerView(t: CouponTemplate, names: ScopeNames, who: OfferFor): CouponOffer {
  const problem = offerProblem(t, who);
  return {
    templateId: t.id,
    ...termsView(t, names),
    validityText: validityText(templateValidity(t)),
    pointsPrice: t.pointsPrice,
    tierNames: TIER_CODES.filter((code) => t.tiers.includes(code)).map((code) => TIER_NAMES[code]),
    stockLeft: Math.max(0, t.stock - t.issued),
    perMemberLimit: t.perMemberLimit,
    takenByMe: who.takenByMe,
    available: problem === null,
    unavailableReason: problem,
  };
}
