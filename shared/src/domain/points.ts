import { chinaDate, chinaMonth, chinaWeekday } from '../china-time';
import { mulDiv } from '../money';
import { type CouponTerms, couponDiscountFen } from './coupons';
import { type LoyaltyRules, tierRule } from './loyalty-rules';
import type { TierCode } from './tiers';

/** A rule a purchase or refund breaks; `field` names the request field to blame. */
export class LoyaltyRuleError extends Error {
  constructor(
    readonly code: 'POINTS_INSUFFICIENT' | 'REDEEM_OVER_LIMIT' | 'REDEEM_NOT_WHOLE_FEN' | 'ITEMS_TOTAL_MISMATCH' | 'REFUND_EXCEEDS_ORDER',
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PurchaseLine {
  category?: string;
  amountFen: number;
}

export interface PurchaseInput {
  amountFen: number;
  items?: PurchaseLine[];
  pointsToRedeem: number;
  tier: TierCode;
  /** YYYY-MM-DD, or null when the member has not set one. */
  birthday: string | null;
  /** The member's points balance before the purchase. */
  balance: number;
  at: Date;
  /** The one discount coupon (cash or percent) the purchase uses, its threshold already checked; gifts take nothing off. */
  coupon?: CouponTerms | null;
}

export type EarningBonus = 'birthday_month' | 'member_day';

export interface PurchaseQuote {
  /** Member (tier) discount on eligible goods. */
  discountFen: number;
  /** What the coupon takes off eligible goods after the member discount. */
  couponDiscountFen: number;
  pointsRedeemed: number;
  /** What the redeemed points pay. */
  pointsDeductFen: number;
  /** What the shopper pays: amount − member discount − coupon − points deduction. */
  payableFen: number;
  /** The most points this order could take (balance and the order-share cap). */
  maxRedeemPoints: number;
  /** Paid amount on goods that earn points. */
  eligiblePaidFen: number;
  /** Tier multiplier × bonuses, in percent. */
  multiplierPercent: number;
  bonuses: EarningBonus[];
  pointsEarned: number;
  growthEarned: number;
}

/** Excluded categories neither earn points nor get the member discount. */
export function eligibleAmount(rules: LoyaltyRules, amountFen: number, items: PurchaseLine[] | undefined): number {
  if (!items || items.length === 0) return amountFen;
  const excluded = new Set(rules.earning.excludedCategories);
  return items.reduce((sum, line) => (line.category && excluded.has(line.category) ? sum : sum + line.amountFen), 0);
}

/** Whether `at` (Asia/Shanghai) is in the member's birthday month. */
export function isBirthdayMonth(birthday: string | null, at: Date): boolean {
  if (!birthday) return false;
  return Number(birthday.slice(5, 7)) === chinaMonth(at);
}

export function isMemberDay(rules: LoyaltyRules, at: Date): boolean {
  const { weekdays, monthDays } = rules.earning.memberDay;
  return weekdays.includes(chinaWeekday(at)) || monthDays.includes(Number(chinaDate(at).slice(8, 10)));
}

/**
 * The earning multiplier in percent. The tier multiplier always applies; the birthday-month and
 * member-day bonuses multiply each other only when the brand stacks them, else the larger wins.
 */
export function earningMultiplier(rules: LoyaltyRules, tier: TierCode, birthday: string | null, at: Date): { percent: number; bonuses: EarningBonus[] } {
  const bonuses: { kind: EarningBonus; percent: number }[] = [];
  if (isBirthdayMonth(birthday, at)) bonuses.push({ kind: 'birthday_month', percent: rules.earning.birthdayMonthMultiplierPercent });
  if (isMemberDay(rules, at)) bonuses.push({ kind: 'member_day', percent: rules.earning.memberDay.multiplierPercent });
  const tierPercent = tierRule(rules, tier).pointsMultiplierPercent;
  if (bonuses.length === 0) return { percent: tierPercent, bonuses: [] };
  if (rules.earning.stackBonuses) {
    const bonus = bonuses.reduce((product, b) => Math.floor((product * b.percent) / 100), 100);
    return { percent: Math.floor((tierPercent * bonus) / 100), bonuses: bonuses.map((b) => b.kind) };
  }
  const best = bonuses.reduce((a, b) => (b.percent > a.percent ? b : a));
  return { percent: Math.floor((tierPercent * best.percent) / 100), bonuses: [best.kind] };
}

/** Fen that `points` pay; only whole fen are allowed. */
export function pointsToFen(rules: LoyaltyRules, points: number): number {
  return Math.floor((points * 100) / rules.redemption.pointsPerYuan);
}

/** The largest redeemable amount that pays whole fen, within the balance and the cap on the eligible goods' price. */
export function maxRedeemablePoints(rules: LoyaltyRules, eligibleFen: number, balance: number): number {
  const capFen = mulDiv(eligibleFen, rules.redemption.maxOrderPercent, 100);
  const ppy = rules.redemption.pointsPerYuan;
  const byCap = mulDiv(capFen, ppy, 100);
  let max = Math.max(0, Math.min(balance, byCap));
  // Round down to a number of points that is a whole number of fen.
  const step = ppy / gcd(ppy, 100);
  max -= max % step;
  return max;
}

/**
 * Prices one purchase: member discount on eligible goods, then the coupon on what they cost after
 * it, then points deduction on what is left of them (≤ balance, ≤ the cap, whole fen), then points
 * on what eligible goods cost in money and growth on all that was paid. Everything in integers,
 * every rounding down (in the shop's favour for discounts, in nobody's for points).
 */
export function quotePurchase(rules: LoyaltyRules, input: PurchaseInput): PurchaseQuote {
  const { amountFen, items } = input;
  if (items && items.length > 0) {
    const total = items.reduce((sum, line) => sum + line.amountFen, 0);
    if (total !== amountFen) throw new LoyaltyRuleError('ITEMS_TOTAL_MISMATCH', 'items', `商品金额合计 ${total} 分与订单金额 ${amountFen} 分不一致`);
  }
  const eligibleFen = eligibleAmount(rules, amountFen, items);
  const discountFen = mulDiv(eligibleFen, tierRule(rules, input.tier).discountOffPercent, 100);
  // Coupons and points pay only for goods that take member benefits: never for tobacco or a prepaid card.
  const couponFen = input.coupon ? couponDiscountFen(input.coupon, eligibleFen - discountFen) : 0;
  const afterDiscountFen = amountFen - discountFen - couponFen;
  const eligibleAfterDiscount = eligibleFen - discountFen - couponFen;
  const maxRedeemPoints = maxRedeemablePoints(rules, eligibleAfterDiscount, input.balance);
  const pointsRedeemed = input.pointsToRedeem;
  if (!Number.isSafeInteger(pointsRedeemed) || pointsRedeemed < 0) {
    throw new LoyaltyRuleError('REDEEM_NOT_WHOLE_FEN', 'pointsToRedeem', '抵扣积分应为不小于 0 的整数');
  }
  if (pointsRedeemed > 0) {
    if ((pointsRedeemed * 100) % rules.redemption.pointsPerYuan !== 0) {
      const step = rules.redemption.pointsPerYuan / gcd(rules.redemption.pointsPerYuan, 100);
      throw new LoyaltyRuleError('REDEEM_NOT_WHOLE_FEN', 'pointsToRedeem', `抵扣积分应为 ${step} 的整数倍`);
    }
    if (pointsRedeemed > input.balance) throw new LoyaltyRuleError('POINTS_INSUFFICIENT', 'pointsToRedeem', `积分不足：可用 ${input.balance} 积分`);
    if (pointsRedeemed > maxRedeemPoints)
      throw new LoyaltyRuleError(
        'REDEEM_OVER_LIMIT',
        'pointsToRedeem',
        `本单最多可用 ${maxRedeemPoints} 积分抵扣（不超过可积分商品金额的 ${rules.redemption.maxOrderPercent}%）`,
      );
  }
  const pointsDeductFen = pointsToFen(rules, pointsRedeemed);
  const payableFen = afterDiscountFen - pointsDeductFen;

  // What was paid in money for eligible goods earns points; what points paid earns nothing.
  const eligiblePaidFen = eligibleAfterDiscount - pointsDeductFen;
  const multiplier = earningMultiplier(rules, input.tier, input.birthday, input.at);
  const pointsEarned = mulDiv(eligiblePaidFen, rules.earning.pointsPerYuan * multiplier.percent, 10_000);
  const growthEarned = mulDiv(payableFen, rules.growth.perYuan, 100);

  return {
    discountFen,
    couponDiscountFen: couponFen,
    pointsRedeemed,
    pointsDeductFen,
    payableFen,
    maxRedeemPoints,
    eligiblePaidFen,
    multiplierPercent: multiplier.percent,
    bonuses: multiplier.bonuses,
    pointsEarned,
    growthEarned,
  };
}

export interface RefundableOrder {
  amountFen: number;
  payableFen: number;
  pointsEarned: number;
  pointsRedeemed: number;
  growthEarned: number;
}

export interface RefundShare {
  /** Money the refund gives back before any charge-back. */
  payableFen: number;
  /** Earned points to take back. */
  pointsEarned: number;
  /** Redeemed points to give back. */
  pointsRedeemed: number;
  growth: number;
}

/**
 * Pro rata share of one refund of `amountFen` (goods value) after `refundedBeforeFen` was already
 * refunded. Computed cumulatively, so partial refunds that add up to the order give back exactly
 * what the order took and gave: no rounding is lost or invented along the way.
 */
export function refundShare(order: RefundableOrder, refundedBeforeFen: number, amountFen: number): RefundShare {
  const after = refundedBeforeFen + amountFen;
  if (amountFen <= 0 || after > order.amountFen) {
    throw new LoyaltyRuleError('REFUND_EXCEEDS_ORDER', 'amountFen', `退款金额超过可退金额 ${order.amountFen - refundedBeforeFen} 分`);
  }
  const share = (total: number) => mulDiv(total, after, order.amountFen) - mulDiv(total, refundedBeforeFen, order.amountFen);
  return {
    payableFen: share(order.payableFen),
    pointsEarned: share(order.pointsEarned),
    pointsRedeemed: share(order.pointsRedeemed),
    growth: share(order.growthEarned),
  };
}

export interface ChargeBack {
  /** Points the shopper no longer has, paid for out of the refund. */
  points: number;
  /** Deducted from the refund at the redemption rate. */
  fen: number;
  /** Points that not even the whole refund could pay for: forgiven and recorded. */
  writtenOffPoints: number;
}

/**
 * Seed 002: "在退款同时扣除卡内相应积点，如卡积点小于应扣积点，则需从退款中扣除相应金额" — points
 * the member already spent are charged against the refund at the redemption rate (rounded up to
 * whole fen), never more than the refund itself.
 */
export function chargeBack(rules: LoyaltyRules, shortfallPoints: number, refundFen: number): ChargeBack {
  if (shortfallPoints <= 0) return { points: 0, fen: 0, writtenOffPoints: 0 };
  const fenNeeded = Math.ceil((shortfallPoints * 100) / rules.redemption.pointsPerYuan);
  if (fenNeeded <= refundFen) return { points: shortfallPoints, fen: fenNeeded, writtenOffPoints: 0 };
  const coveredPoints = Math.floor((refundFen * rules.redemption.pointsPerYuan) / 100);
  return { points: coveredPoints, fen: refundFen, writtenOffPoints: shortfallPoints - coveredPoints };
}

/** What a refund of `amountFen` moves, given the member's points balance when it happens. */
export interface RefundFigures {
  share: RefundShare;
  /** Earned points taken back from the balance (after the redeemed points came back to it). */
  pointsReversed: number;
  charged: ChargeBack;
  /** Money given back: the paid share less the charge-back. */
  refundFen: number;
  pointsBalanceAfter: number;
}

/**
 * The refund's figures, in the order the refund moves them: redeemed points come back first, then
 * the earned points are taken back as far as the balance allows, and what is missing is charged
 * against the refund at the redemption rate. The refund and its preview both use this.
 */
export function refundFigures(rules: LoyaltyRules, order: RefundableOrder, refundedBeforeFen: number, amountFen: number, pointsBalance: number): RefundFigures {
  const share = refundShare(order, refundedBeforeFen, amountFen);
  const afterReturn = pointsBalance + share.pointsRedeemed;
  const pointsReversed = Math.min(share.pointsEarned, afterReturn);
  const charged = chargeBack(rules, share.pointsEarned - pointsReversed, share.payableFen);
  return { share, pointsReversed, charged, refundFen: share.payableFen - charged.fen, pointsBalanceAfter: afterReturn - pointsReversed };
}

/** The last valid day (Asia/Shanghai, YYYY-MM-DD) of points earned at `at`: end of year + N. */
export function pointsExpiryDate(rules: LoyaltyRules, at: Date): string {
  const year = Number(chinaDate(at).slice(0, 4)) + rules.expiry.yearsAfterEarning;
  return `${year}-12-31`;
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
