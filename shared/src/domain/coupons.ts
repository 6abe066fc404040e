import { daysBetween } from '../china-time';
import { formatYuan, mulDiv } from '../money';
import { addDays } from './points';

/*
 * Coupon rules shared by the server (pricing a purchase, checking a redemption) and the miniapp
 * (showing a coupon): what a coupon takes off a purchase, when and where it can be used, and the
 * reasons it cannot be here and now. No zod and no IO. The code format with its check character
 * is `../coupon-code`, a module of its own for the miniapp.
 */

export const COUPON_TYPES = ['cash', 'percent', 'gift'] as const;
export type CouponType = (typeof COUPON_TYPES)[number];

/** Where an issued coupon came from. */
export const COUPON_SOURCES = ['claim', 'exchange', 'welcome', 'tier_pack', 'grant', 'checkin', 'birthday', 'member_day', 'campaign'] as const;
export type CouponSource = (typeof COUPON_SOURCES)[number];

export const COUPON_SOURCE_NAMES: Record<CouponSource, string> = {
  claim: '领券中心',
  exchange: '积分兑换',
  welcome: '入会礼',
  tier_pack: '等级月礼',
  grant: '品牌赠送',
  checkin: '签到奖励',
  birthday: '生日礼',
  member_day: '会员日礼券',
  campaign: '营销活动',
};

/** The terms a coupon carries: copied from its template when issued, so editing the template later changes no issued coupon. */
export interface CouponTerms {
  type: CouponType;
  /** Cash coupons: the amount off. */
  valueFen: number | null;
  /** Percent coupons: 20 = 20 % off (8折). */
  percentOff: number | null;
  /** Percent coupons: the most they take off; null = no cap. */
  capFen: number | null;
  /** The eligible goods' price (before the member discount) the purchase must reach; 0 = none. */
  thresholdFen: number;
  /** Gift coupons: the item handed over. */
  giftName: string | null;
}

/** "满100减20", "无门槛减10元", "8.5折 最高减30元", "赠 抽纸一提". */
export function couponSummary(terms: CouponTerms): string {
  if (terms.type === 'gift') return `赠 ${terms.giftName ?? '礼品'}`;
  const threshold = terms.thresholdFen > 0 ? `满${yuan(terms.thresholdFen)}` : '';
  if (terms.type === 'cash') return threshold ? `${threshold}减${yuan(terms.valueFen ?? 0)}` : `无门槛减${yuan(terms.valueFen ?? 0)}元`;
  const rate = 100 - (terms.percentOff ?? 0);
  const fold = `${rate % 10 === 0 ? rate / 10 : (rate / 10).toFixed(1)}折`;
  const cap = terms.capFen ? ` 最高减${yuan(terms.capFen)}元` : '';
  return `${threshold}${threshold ? ' ' : ''}${fold}${cap}`;
}

/** Whole yuan without decimals ("100"), else two decimals ("9.90"). */
function yuan(fen: number): string {
  return fen % 100 === 0 ? String(fen / 100) : formatYuan(fen).replace(/^¥/, '');
}

/** True for coupons that take money off (at most one per purchase); gifts hand over an item instead. */
export function isDiscountCoupon(type: CouponType): boolean {
  return type !== 'gift';
}

/**
 * What the coupon takes off a purchase whose eligible goods cost `eligibleFen` before and
 * `eligibleAfterTierFen` after the member discount: the threshold is read against the shelf price
 * (满100 means goods worth ¥100), the discount comes off what is left after the member discount,
 * never more than that, rounded down. A gift takes nothing off. The caller has checked the threshold.
 */
export function couponDiscountFen(terms: CouponTerms, eligibleAfterTierFen: number): number {
  if (terms.type === 'cash') return Math.min(terms.valueFen ?? 0, eligibleAfterTierFen);
  if (terms.type === 'percent') {
    const off = mulDiv(eligibleAfterTierFen, terms.percentOff ?? 0, 100);
    return terms.capFen ? Math.min(off, terms.capFen) : off;
  }
  return 0;
}

// Validity -----------------------------------------------------------------------------------------

export type CouponValidity = { kind: 'fixed'; from: string; to: string } | { kind: 'relative'; days: number };

/** The first and last valid business day (inclusive) of a coupon issued on `issuedOn`. */
export function couponValidDates(validity: CouponValidity, issuedOn: string): { from: string; to: string } {
  if (validity.kind === 'fixed') return { from: validity.from, to: validity.to };
  return { from: issuedOn, to: addDays(issuedOn, validity.days - 1) };
}

/** "2026-12-01 至 2026-12-31" or "领取后 30 天内有效". */
export function validityText(validity: CouponValidity): string {
  return validity.kind === 'fixed' ? `${validity.from} 至 ${validity.to}` : `领取后 ${validity.days} 天内有效`;
}

// Where and when a coupon can be used --------------------------------------------------------------

/** The stores a coupon is good at: every store of the brand when both lists are empty. */
export interface CouponStoreScope {
  storeIds: string[];
  regionIds: string[];
}

export function couponUsableAtStore(scope: CouponStoreScope, store: { id: string; regionId: string | null }): boolean {
  if (scope.storeIds.length === 0 && scope.regionIds.length === 0) return true;
  return scope.storeIds.includes(store.id) || (store.regionId !== null && scope.regionIds.includes(store.regionId));
}

/** Why a coupon cannot be redeemed; the codes are API error codes. */
export type CouponProblemCode = 'COUPON_NOT_YET_VALID' | 'COUPON_EXPIRED' | 'COUPON_WRONG_STORE' | 'COUPON_BELOW_THRESHOLD';

export interface CouponProblem {
  code: CouponProblemCode;
  message: string;
}

/**
 * The first reason the coupon cannot be used at `store` on `today` (Asia/Shanghai) for a purchase
 * whose eligible goods cost `eligibleFen` (leave it out for a standalone redemption, where there is
 * no purchase to measure), or null when it can. State (redeemed, revoked…) is the caller's: it is
 * checked in SQL when the coupon is taken.
 */
export function couponProblem(
  coupon: CouponTerms & CouponStoreScope & { validFrom: string; validTo: string },
  at: { store: { id: string; regionId: string | null }; today: string; eligibleFen?: number },
): CouponProblem | null {
  if (at.today < coupon.validFrom) return { code: 'COUPON_NOT_YET_VALID', message: `该券 ${coupon.validFrom} 起才能使用` };
  if (at.today > coupon.validTo) return { code: 'COUPON_EXPIRED', message: `该券已于 ${coupon.validTo} 过期` };
  if (!couponUsableAtStore(coupon, at.store)) return { code: 'COUPON_WRONG_STORE', message: '该券不适用于本门店' };
  if (at.eligibleFen !== undefined && coupon.thresholdFen > 0 && at.eligibleFen < coupon.thresholdFen) {
    return {
      code: 'COUPON_BELOW_THRESHOLD',
      message: `未达到使用门槛：可用券商品满 ${formatYuan(coupon.thresholdFen)} 可用，本单 ${formatYuan(at.eligibleFen)}`,
    };
  }
  return null;
}

/** Days from `today` to the coupon's last day, for "3 天后过期"; 0 on its last day. */
export function daysLeft(validTo: string, today: string): number {
  return daysBetween(today, validTo);
}
