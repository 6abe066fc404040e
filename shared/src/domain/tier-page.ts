import type { GiftLineView } from '../api/coupons';
import type { MemberTiers, TierInfo } from '../api/member-centre';
import { nextTierProgress, type LoyaltyRules } from './loyalty-rules';
import { TIER_NAMES, type TierCode } from './tiers';

const WEEKDAY_NAMES = ['日', '一', '二', '三', '四', '五', '六'];

/** 120 → "1.2"; 100 → "1"; 125 → "1.25". */
function times(percent: number): string {
  return String(percent / 100);
}

/** 5 % off → "9.5 折", 10 % off → "9 折"; null when the tier has no member price. */
export function discountText(offPercent: number): string | null {
  if (offPercent <= 0) return null;
  return `${String((100 - offPercent) / 10)} 折`;
}

/** Each tier's monthly coupon pack, as configured in the brand's gift settings. */
export type TierPacks = Partial<Record<TierCode, GiftLineView[]>>;

/** The birthday bonus as the tier page words it, by the brand's mode. */
function birthdayText(rules: LoyaltyRules): string {
  const times_ = times(rules.earning.birthdayMonthMultiplierPercent);
  switch (rules.earning.birthdayBonusMode) {
    case 'day':
      return `生日当天消费积分 ${times_} 倍`;
    case 'once_in_month':
      return `生日当月首单积分 ${times_} 倍`;
    default:
      return `生日当月消费积分 ${times_} 倍`;
  }
}

/** What one tier gives, as a shopper reads it on the tier page; `birthdayPacks` are each tier's birthday coupons. */
export function tierInfo(rules: LoyaltyRules, code: TierCode, packs: TierPacks = {}, birthdayPacks: TierPacks = {}): TierInfo {
  const tier = rules.tiers.find((t) => t.code === code) ?? rules.tiers[0];
  const discount = discountText(tier.discountOffPercent);
  const perYuan = (rules.earning.pointsPerYuan * tier.pointsMultiplierPercent) / 100;
  const benefits = [`消费 1 元得 ${perYuan} 积分`];
  if (discount) benefits.push(`会员价 ${discount}（烟草、彩票、购物卡等商品除外）`);
  if (rules.earning.birthdayMonthMultiplierPercent > 100) benefits.push(birthdayText(rules));
  for (const line of birthdayPacks[tier.code] ?? []) benefits.push(`生日礼 ${line.summary} ×${line.quantity}`);
  const day = memberDayText(rules);
  if (day) benefits.push(day);
  const monthlyCoupons = packs[tier.code] ?? [];
  for (const line of monthlyCoupons) benefits.push(`每月领 ${line.summary} ×${line.quantity}`);
  return {
    code: tier.code,
    name: TIER_NAMES[tier.code],
    minGrowth: tier.minGrowth,
    pointsMultiplier: `${times(tier.pointsMultiplierPercent)} 倍积分`,
    discount,
    benefits,
    monthlyCoupons,
  };
}

function memberDayText(rules: LoyaltyRules): string | null {
  const { weekdays, monthDays, multiplierPercent, discountOffPercent } = rules.earning.memberDay;
  if ((multiplierPercent <= 100 && discountOffPercent <= 0) || (weekdays.length === 0 && monthDays.length === 0)) return null;
  const when = [
    ...(weekdays.length ? [`每周${[...weekdays].sort().map((d) => WEEKDAY_NAMES[d]).join('、')}`] : []),
    ...(monthDays.length ? [`每月 ${[...monthDays].sort((a, b) => a - b).join('、')} 日`] : []),
  ].join('及');
  const perks = [
    ...(multiplierPercent > 100 ? [`消费积分 ${times(multiplierPercent)} 倍`] : []),
    ...(discountOffPercent > 0 ? [`额外 ${discountText(discountOffPercent)}`] : []),
  ];
  return `${when}会员日${perks.join('，')}`;
}

/** The next yearly review (1 January, Asia/Shanghai) after the business date `today`. */
export function nextReviewDate(today: string): string {
  return `${Number(today.slice(0, 4)) + 1}-01-01`;
}

/** The rules of growth, tiers and points, in sentences. */
export function tierRulesText(rules: LoyaltyRules): string[] {
  const years = rules.expiry.yearsAfterEarning;
  const expiry = years === 0 ? '当年' : years === 1 ? '次年' : `第 ${years} 年`;
  return [
    `消费 1 元得 ${rules.growth.perYuan} 成长值，退货时相应扣减`,
    '过去 12 个月的成长值达到更高等级的门槛，即时升级',
    '每年 1 月 1 日按上一年 1 月至 12 月的成长值重新评定等级，未达到当前等级门槛的将相应调整',
    `积分可在结账时抵现：${rules.redemption.pointsPerYuan} 积分抵 1 元，最多抵扣订单金额的 ${rules.redemption.maxOrderPercent}%`,
    `积分在获得${expiry}的 12 月 31 日到期`,
  ];
}

/**
 * The tier page. `growth` is the rolling-12-month growth (what upgrades look at); `reviewGrowth`
 * the growth counted so far for the next review (this calendar year, January to today), which must
 * reach the current tier's threshold by 31 December to keep it.
 */
export function tierPage(
  rules: LoyaltyRules,
  member: { tier: TierCode; growth: number; reviewGrowth: number },
  today: string,
  packs: TierPacks = {},
  birthdayPacks: TierPacks = {},
): MemberTiers {
  const next = nextTierProgress(rules, member.tier, member.growth);
  const current = rules.tiers.find((t) => t.code === member.tier) ?? rules.tiers[0];
  const lowest = current.code === rules.tiers[0].code;
  return {
    tiers: rules.tiers.map((t) => tierInfo(rules, t.code, packs, birthdayPacks)),
    tier: member.tier,
    tierName: TIER_NAMES[member.tier],
    growth: member.growth,
    progress: next && { nextTier: next.tier, nextTierName: TIER_NAMES[next.tier], nextMinGrowth: next.minGrowth, growthNeeded: next.growthNeeded },
    keepGrowthNeeded: lowest ? null : Math.max(0, current.minGrowth - member.reviewGrowth),
    nextReviewDate: nextReviewDate(today),
    rules: tierRulesText(rules),
  };
}
