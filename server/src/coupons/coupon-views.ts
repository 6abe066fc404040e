import {
  chinaDateTime,
  COUPON_SOURCE_NAMES,
  couponProblem,
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
  type StaffCoupon,
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
  if (topOfLadder) return from === TIER_CODES.length - 1 ? `${TIER_NAMES[TIER_CODES[from]]}可领` : `${short(TIER_CODES[from])}及以上可领`;
  return `仅 ${TIER_CODES.filter((code) => tiers.includes(code)).map((code) => TIER_NAMES[code]).join('、')} 可领`;
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

/** Who redeemed a coupon, for the till: the staff member's name, or "POS" for a store system. */
export interface RedeemedBy {
  staffNames: Map<string, string>;
}

/** "11月29日 14:03" (Asia/Shanghai), as the till says when something happened today or lately. */
function monthDayTime(at: Date): string {
  const text = chinaDateTime(at);
  return `${Number(text.slice(5, 7))}月${Number(text.slice(8, 10))}日 ${text.slice(11)}`;
}

/** Where and by whom a redeemed coupon was used: the store's name, and the clerk's name or "POS". */
export function redeemedWhere(c: Coupon, names: ScopeNames & RedeemedBy): { storeName: string | null; by: string | null } {
  const storeName = c.redeemedStoreId ? (names.stores.get(c.redeemedStoreId) ?? null) : null;
  const by = c.redeemedApiKeyId ? 'POS' : c.redeemedStaffId ? (names.staffNames.get(c.redeemedStaffId) ?? null) : null;
  return { storeName, by };
}

/**
 * Why the coupon's state keeps it from being used, or null when it is issued: a redeemed one says
 * when, where and by whom ("该券已于 11月29日 14:03 在 人民路店 核销（店员 张三）"), so the clerk
 * who scans it twice can tell the shopper. The till's refusals and the staff view both say this.
 */
export function couponStateProblem(c: Coupon, names: ScopeNames & RedeemedBy): string | null {
  switch (c.status) {
    case 'issued':
      return null;
    case 'redeemed': {
      const { storeName, by } = redeemedWhere(c, names);
      const who = by === 'POS' ? '（POS 收银系统）' : by ? `（店员 ${by}）` : '';
      return `该券已于 ${c.redeemedAt ? monthDayTime(c.redeemedAt) : ''} 在 ${storeName ?? '其他门店'} 核销${who}`;
    }
    case 'locked':
      return '该券正在另一笔收银中使用，请稍后再试';
    case 'revoked':
      return c.revokeReason ? `该券已作废：${c.revokeReason}` : '该券已作废';
    case 'expired':
      return `该券已于 ${c.validTo} 过期`;
  }
}

/**
 * A coupon as staff see it: whose it is, and why it cannot be used at `store` today (its state
 * first, then its dates and store scope). Without a store (a marketer granting or revoking) only
 * the state and the dates count.
 */
export function staffCouponView(
  c: Coupon,
  member: { memberNo: string; phoneMasked: string },
  at: { today: string; store?: { id: string; regionId: string | null } },
  names: ScopeNames & RedeemedBy,
): StaffCoupon {
  const { storeName, by: redeemedBy } = redeemedWhere(c, names);
  // Without a store, its scope is not asked about: the coupon is read as good everywhere.
  const problem =
    couponStateProblem(c, names) ??
    couponProblem(at.store ? c : { ...c, storeIds: [], regionIds: [] }, { store: at.store ?? { id: '', regionId: null }, today: at.today })?.message ??
    null;
  return {
    id: c.id,
    templateId: c.templateId,
    codeDisplay: formatCouponCode(c.code),
    ...termsView(c, names),
    status: c.status,
    memberNo: member.memberNo,
    memberPhone: member.phoneMasked,
    validFrom: c.validFrom,
    validTo: c.validTo,
    usableHere: problem === null,
    problem,
    redeemedAt: c.redeemedAt ? c.redeemedAt.toISOString() : null,
    redeemedStoreName: storeName,
    redeemedBy,
    redeemedOrderId: c.redeemedOrderId,
  };
}
