import { DEFAULT_LOYALTY_RULES } from './loyalty-rules';
import { discountText, nextReviewDate, tierInfo, tierPage } from './tier-page';

const RULES = DEFAULT_LOYALTY_RULES;

describe('the tier page', () => {
  it('lists every tier with its threshold, multiplier, discount and benefits', () => {
    const page = tierPage(RULES, { tier: 'normal', growth: 0, reviewGrowth: 0 }, '2026-11-29');
    expect(page.tiers.map((t) => [t.code, t.name, t.minGrowth, t.pointsMultiplier, t.discount])).toEqual([
      ['normal', '普通会员', 0, '1 倍积分', null],
      ['silver', '银卡会员', 1000, '1.2 倍积分', '9.8 折'],
      ['gold', '金卡会员', 5000, '1.5 倍积分', '9.5 折'],
      ['diamond', '钻石会员', 20000, '2 倍积分', '9 折'],
    ]);
    expect(page.tiers[0].benefits).toEqual(['消费 1 元得 1 积分', '生日当月消费积分 2 倍', '每周三会员日消费积分 2 倍']);
    expect(page.tiers[2].benefits.slice(0, 2)).toEqual(['消费 1 元得 1.5 积分', '会员价 9.5 折（烟草、彩票、购物卡等商品除外）']);
  });

  it('a silver member with 1200 growth, 300 of it this year: 3800 to gold, 700 more this year to stay silver', () => {
    const page = tierPage(RULES, { tier: 'silver', growth: 1200, reviewGrowth: 300 }, '2026-03-15');
    expect(page.tierName).toBe('银卡会员');
    expect(page.growth).toBe(1200);
    expect(page.progress).toEqual({ nextTier: 'gold', nextTierName: '金卡会员', nextMinGrowth: 5000, growthNeeded: 3800 });
    expect(page.keepGrowthNeeded).toBe(700);
    expect(page.nextReviewDate).toBe('2027-01-01');
  });

  it('a tier already kept needs 0; the lowest tier has nothing to keep; the top has no next tier', () => {
    expect(tierPage(RULES, { tier: 'gold', growth: 6000, reviewGrowth: 5200 }, '2026-08-01').keepGrowthNeeded).toBe(0);
    expect(tierPage(RULES, { tier: 'normal', growth: 600, reviewGrowth: 600 }, '2026-08-01').keepGrowthNeeded).toBeNull();
    const top = tierPage(RULES, { tier: 'diamond', growth: 25_000, reviewGrowth: 1000 }, '2026-08-01');
    expect(top.progress).toBeNull();
    expect(top.keepGrowthNeeded).toBe(19_000);
  });

  it('the next review is 1 January of the next year, also on 1 January and 31 December', () => {
    expect(nextReviewDate('2026-01-01')).toBe('2027-01-01');
    expect(nextReviewDate('2026-12-31')).toBe('2027-01-01');
  });

  it('discounts read as a shopper says them, none as null', () => {
    expect(discountText(0)).toBeNull();
    expect(discountText(5)).toBe('9.5 折');
    expect(discountText(10)).toBe('9 折');
    expect(discountText(12)).toBe('8.8 折');
  });

  it('a brand without member days or birthday bonus lists only what the tier gives', () => {
    const plain = { ...RULES, earning: { ...RULES.earning, birthdayMonthMultiplierPercent: 100, memberDay: { weekdays: [], monthDays: [], multiplierPercent: 200 } } };
    expect(tierInfo(plain, 'normal').benefits).toEqual(['消费 1 元得 1 积分']);
    const monthly = { ...RULES, earning: { ...RULES.earning, memberDay: { weekdays: [6, 0], monthDays: [18, 8], multiplierPercent: 150 } } };
    expect(tierInfo(monthly, 'normal').benefits).toContain('每周日、六及每月 8、18 日会员日消费积分 1.5 倍');
  });

  it('the birthday bonus follows the brand mode; member day names its extra discount; birthday coupons are listed per tier', () => {
    const rules = {
      ...RULES,
      earning: { ...RULES.earning, birthdayBonusMode: 'once_in_month' as const, memberDay: { weekdays: [3], monthDays: [], multiplierPercent: 200, discountOffPercent: 2 } },
    };
    const cake = { templateId: 't2', name: '生日蛋糕券', summary: '赠 生日蛋糕', quantity: 1 };
    const gold = tierInfo(rules, 'gold', {}, { gold: [cake] });
    expect(gold.benefits).toEqual(expect.arrayContaining(['生日当月首单积分 2 倍', '生日礼 赠 生日蛋糕 ×1', '每周三会员日消费积分 2 倍，额外 9.8 折']));
    expect(tierInfo(rules, 'silver', {}, { gold: [cake] }).benefits.some((b) => b.startsWith('生日礼'))).toBe(false);
    const onTheDay = { ...rules, earning: { ...rules.earning, birthdayBonusMode: 'day' as const } };
    expect(tierInfo(onTheDay, 'normal').benefits).toContain('生日当天消费积分 2 倍');
  });

  it('a tier with a monthly pack lists each coupon as a benefit; tiers without one list none', () => {
    const line = { templateId: 't1', name: '银卡月礼', summary: '满100减10', quantity: 2 };
    const page = tierPage(RULES, { tier: 'normal', growth: 0, reviewGrowth: 0 }, '2026-11-29', { silver: [line] });
    const silver = page.tiers.find((t) => t.code === 'silver')!;
    expect(silver.monthlyCoupons).toEqual([line]);
    expect(silver.benefits).toContain('每月领 满100减10 ×2');
    expect(page.tiers.find((t) => t.code === 'gold')!.monthlyCoupons).toEqual([]);
  });
});
