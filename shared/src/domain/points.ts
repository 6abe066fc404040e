import { chinaDate, chinaMonth } from '../china-time';
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
  /** 'once_in_month' birthday bonus: whether a purchase of this year already took it. */
  birthdayBonusClaimed?: boolean;
}

export type EarningBonus = 'birthday_month' | 'member_day';

export interface PurchaseQuote {
  /** Member discounts on eligible goods: the tier discount plus, on member day, the member-day discount. */
  discountFen: number;
  /** The member-day part of `discountFen` (会员日折上折, taken after the tier discount); 0 on other days. */
  memberDayDiscountFen: number;
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

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The day (YYYY-MM-DD) a birthday falls on in `year`: 29 Feb birthdays have theirs on 28 Feb in other years. */
export function birthdayIn(birthday: string, year: number): string {
  const monthDay = birthday.slice(5) === '02-29' && !isLeapYear(year) ? '02-28' : birthday.slice(5);
  return `${String(year).padStart(4, '0')}-${monthDay}`;
}

/**
 * The day of `year` from which the birthday gift is given: the 1st of the birthday month
 * ('month_start') or the birthday itself ('birthday', 28 Feb for 29 Feb birthdays in other years).
 */
export function birthdayGiftDay(birthday: string, year: number, grantOn: 'month_start' | 'birthday'): string {
  return grantOn === 'birthday' ? birthdayIn(birthday, year) : `${String(year).padStart(4, '0')}-${birthday.slice(5, 7)}-01`;
}

/** Whether a run on `date` (YYYY-MM-DD) gives the birthday gift: its gift day has come, and the birthday month is not over. */
export function birthdayGiftDue(birthday: string, date: string, grantOn: 'month_start' | 'birthday'): boolean {
  if (birthday.slice(5, 7) !== date.slice(5, 7)) return false;
  return birthdayGiftDay(birthday, Number(date.slice(0, 4)), grantOn) <= date;
}

/** Whether `at` (Asia/Shanghai) is the member's birthday this year. */
export function isBirthdayToday(birthday: string | null, at: Date): boolean {
  if (!birthday) return false;
  const today = chinaDate(at);
  return birthdayIn(birthday, Number(today.slice(0, 4))) === today;
}

/**
 * Whether the birthday multiplier applies to a purchase at `at` under the brand's mode: every
 * purchase of the birthday month ('month'), only on the birthday itself ('day'), or the first
 * purchase of the birthday month that takes it ('once_in_month': `claimedThisYear` says whether one
 * already did). No birthday set, no bonus.
 */
export function birthdayBonusApplies(rules: LoyaltyRules, birthday: string | null, at: Date, claimedThisYear = false): boolean {
  switch (rules.earning.birthdayBonusMode) {
    case 'day':
      return isBirthdayToday(birthday, at);
    case 'once_in_month':
      return isBirthdayMonth(birthday, at) && !claimedThisYear;
    default:
      return isBirthdayMonth(birthday, at);
  }
}

/** 「生日月消费积分 2 倍」「生日当天消费积分 2 倍」「生日月首单积分 2 倍」: the birthday bonus as the card announces it. */
export function birthdayBonusText(rules: LoyaltyRules): string {
  const times = timesLabel(rules.earning.birthdayMonthMultiplierPercent);
  switch (rules.earning.birthdayBonusMode) {
    case 'day':
      return `生日当天消费积分 ${times}`;
    case 'once_in_month':
      return `生日月首单积分 ${times}`;
    default:
      return `生日月消费积分 ${times}`;
  }
}

/** The birthday bonus's name on a receipt note: 「生日月」「生日当天」「生日月首单」. */
export function birthdayBonusName(rules: LoyaltyRules): string {
  return { month: '生日月', day: '生日当天', once_in_month: '生日月首单' }[rules.earning.birthdayBonusMode];
}

/** "2 倍", "1.5 倍", "1.25 倍" for a percent multiplier. */
export function timesLabel(percent: number): string {
  return `${percent % 100 === 0 ? percent / 100 : (percent / 100).toFixed(percent % 10 === 0 ? 1 : 2)} 倍`;
}

/** Whether the Shanghai calendar day `date` (YYYY-MM-DD) is a member day; a month day of 31 happens only in months that have one. */
export function isMemberDate(rules: LoyaltyRules, date: string): boolean {
  const { weekdays, monthDays } = rules.earning.memberDay;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekdays.includes(weekday) || monthDays.includes(Number(date.slice(8, 10)));
}

export function isMemberDay(rules: LoyaltyRules, at: Date): boolean {
  return isMemberDate(rules, chinaDate(at));
}

/**
 * The first member day on or after `from` (YYYY-MM-DD); null when the brand has none. Any month day
 * 1..31 comes round within 62 days (31 skips at most one short month), any weekday within 7.
 */
export function nextMemberDay(rules: LoyaltyRules, from: string): string | null {
  for (let i = 0; i <= 62; i++) {
    const date = addDays(from, i);
    if (isMemberDate(rules, date)) return date;
  }
  return null;
}

const WEEKDAY_NAMES = ['日', '一', '二', '三', '四', '五', '六'];

/** How the member days read: 「每周三」「每周三、周六」「每月 8 日、18 日」「每周三、每月 8 日」; empty when none. */
export function memberDaySchedule(rules: LoyaltyRules): string {
  const { weekdays, monthDays } = rules.earning.memberDay;
  const parts: string[] = [];
  // Monday first, as a Chinese calendar reads; Sunday last.
  const week = [...new Set(weekdays)].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
  if (week.length > 0) parts.push(`每${week.map((d) => `周${WEEKDAY_NAMES[d]}`).join('、')}`);
  const days = [...new Set(monthDays)].sort((a, b) => a - b);
  if (days.length > 0) parts.push(`每月 ${days.map((d) => `${d} 日`).join('、')}`);
  return parts.join('、');
}

/**
 * The earning multiplier in percent. The tier multiplier always applies; the birthday and
 * member-day bonuses multiply each other only when the brand stacks them, else the larger wins.
 * `birthdayClaimed`: in 'once_in_month' mode, whether a purchase already took this year's bonus.
 */
export function earningMultiplier(
  rules: LoyaltyRules,
  tier: TierCode,
  birthday: string | null,
  at: Date,
  birthdayClaimed = false,
): { percent: number; bonuses: EarningBonus[] } {
  const bonuses: { kind: EarningBonus; percent: number }[] = [];
  if (birthdayBonusApplies(rules, birthday, at, birthdayClaimed)) bonuses.push({ kind: 'birthday_month', percent: rules.earning.birthdayMonthMultiplierPercent });
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
 * Prices one purchase: member discount on eligible goods (the tier's, then member day's on what is
 * left), then the coupon on what they cost after
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
  const tierDiscountFen = mulDiv(eligibleFen, tierRule(rules, input.tier).discountOffPercent, 100);
  // Member day takes its extra percent off what the tier discount left, each rounded down on its own.
  const memberDayOff = isMemberDay(rules, input.at) ? rules.earning.memberDay.discountOffPercent : 0;
  const memberDayDiscountFen = mulDiv(eligibleFen - tierDiscountFen, memberDayOff, 100);
  const discountFen = tierDiscountFen + memberDayDiscountFen;
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
  const multiplier = earningMultiplier(rules, input.tier, input.birthday, input.at, input.birthdayBonusClaimed ?? false);
  const pointsEarned = mulDiv(eligiblePaidFen, rules.earning.pointsPerYuan * multiplier.percent, 10_000);
  const growthEarned = mulDiv(payableFen, rules.growth.perYuan, 100);

  return {
    discountFen,
    memberDayDiscountFen,
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
