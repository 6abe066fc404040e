import { DEFAULT_LOYALTY_RULES, type LoyaltyRules, loyaltyRulesSchema } from './loyalty-rules';
import {
  birthdayBonusApplies,
  birthdayBonusText,
  birthdayGiftDay,
  birthdayGiftDue,
  birthdayIn,
  earningMultiplier,
  isBirthdayToday,
  memberDaySchedule,
  nextMemberDay,
  quotePurchase,
  type PurchaseInput,
} from './points';

/** 12:00 in Shanghai on a calendar date. */
const noon = (date: string) => new Date(`${date}T04:00:00Z`);

function rulesWith(patch: { earning?: Partial<LoyaltyRules['earning']>; memberDay?: Partial<LoyaltyRules['earning']['memberDay']> }): LoyaltyRules {
  const d = DEFAULT_LOYALTY_RULES;
  return loyaltyRulesSchema.parse({ ...d, earning: { ...d.earning, ...patch.earning, memberDay: { ...d.earning.memberDay, ...patch.memberDay } } });
}

function aPurchase(overrides: Partial<PurchaseInput> = {}): PurchaseInput {
  return { amountFen: 10000, pointsToRedeem: 0, tier: 'normal', birthday: null, balance: 0, at: noon('2026-11-26'), ...overrides };
}

describe('birthdays', () => {
  it('a 29 Feb birthday falls on 29 Feb in leap years and on 28 Feb in the others (1900 and 2100 are not leap, 2000 is)', () => {
    expect(birthdayIn('1992-02-29', 2028)).toBe('2028-02-29');
    expect(birthdayIn('1992-02-29', 2027)).toBe('2027-02-28');
    expect(birthdayIn('1992-02-29', 2100)).toBe('2100-02-28');
    expect(birthdayIn('1992-02-29', 2000)).toBe('2000-02-29');
    expect(birthdayIn('1990-07-15', 2027)).toBe('2027-07-15');
    expect(isBirthdayToday('1992-02-29', noon('2027-02-28'))).toBe(true);
    expect(isBirthdayToday('1992-02-29', noon('2028-02-28'))).toBe(false);
    expect(isBirthdayToday('1992-02-29', noon('2028-02-29'))).toBe(true);
  });

  it('the gift day is the 1st of the birthday month or the birthday itself; a late run within the month still gives, the next month does not', () => {
    expect(birthdayGiftDay('1990-07-15', 2027, 'month_start')).toBe('2027-07-01');
    expect(birthdayGiftDay('1990-07-15', 2027, 'birthday')).toBe('2027-07-15');
    expect(birthdayGiftDay('1992-02-29', 2027, 'birthday')).toBe('2027-02-28');
    expect(birthdayGiftDue('1990-07-15', '2027-07-01', 'month_start')).toBe(true);
    expect(birthdayGiftDue('1990-07-15', '2027-07-03', 'month_start')).toBe(true);
    expect(birthdayGiftDue('1990-07-15', '2027-06-30', 'month_start')).toBe(false);
    expect(birthdayGiftDue('1990-07-15', '2027-08-01', 'month_start')).toBe(false);
    expect(birthdayGiftDue('1990-07-15', '2027-07-14', 'birthday')).toBe(false);
    expect(birthdayGiftDue('1990-07-15', '2027-07-15', 'birthday')).toBe(true);
    expect(birthdayGiftDue('1990-07-15', '2027-07-31', 'birthday')).toBe(true);
    expect(birthdayGiftDue('1992-02-29', '2027-02-27', 'birthday')).toBe(false);
    expect(birthdayGiftDue('1992-02-29', '2027-02-28', 'birthday')).toBe(true);
    expect(birthdayGiftDue('1992-02-29', '2028-02-28', 'birthday')).toBe(false);
    expect(birthdayGiftDue('1992-02-29', '2028-02-29', 'birthday')).toBe(true);
  });

  describe('the three bonus modes', () => {
    const month = rulesWith({ earning: { birthdayBonusMode: 'month' }, memberDay: { weekdays: [] } });
    const day = rulesWith({ earning: { birthdayBonusMode: 'day' }, memberDay: { weekdays: [] } });
    const once = rulesWith({ earning: { birthdayBonusMode: 'once_in_month' }, memberDay: { weekdays: [] } });

    it("'month': every purchase of the birthday month earns double", () => {
      expect(birthdayBonusApplies(month, '1990-07-15', noon('2027-07-02'))).toBe(true);
      expect(birthdayBonusApplies(month, '1990-07-15', noon('2027-07-31'), true)).toBe(true);
      expect(birthdayBonusApplies(month, '1990-07-15', noon('2027-08-01'))).toBe(false);
      expect(birthdayBonusApplies(month, null, noon('2027-07-15'))).toBe(false);
      expect(birthdayBonusText(month)).toBe('生日月消费积分 2 倍');
    });

    it("'day': only on the birthday itself, 28 Feb for 29 Feb birthdays in non-leap years", () => {
      expect(birthdayBonusApplies(day, '1990-07-15', noon('2027-07-15'))).toBe(true);
      expect(birthdayBonusApplies(day, '1990-07-15', noon('2027-07-14'))).toBe(false);
      expect(birthdayBonusApplies(day, '1992-02-29', noon('2027-02-28'))).toBe(true);
      expect(birthdayBonusApplies(day, '1992-02-29', noon('2028-02-28'))).toBe(false);
      expect(birthdayBonusApplies(day, '1992-02-29', noon('2028-02-29'))).toBe(true);
      // The birthday is a Shanghai day: 15 July 23:30 in Shanghai is 15:30Z.
      expect(birthdayBonusApplies(day, '1990-07-15', new Date('2027-07-15T15:30:00Z'))).toBe(true);
      expect(birthdayBonusApplies(day, '1990-07-15', new Date('2027-07-15T16:30:00Z'))).toBe(false);
      expect(birthdayBonusText(day)).toBe('生日当天消费积分 2 倍');
    });

    it("'once_in_month': the birthday month while no purchase has taken it this year", () => {
      expect(birthdayBonusApplies(once, '1990-07-15', noon('2027-07-20'), false)).toBe(true);
      expect(birthdayBonusApplies(once, '1990-07-15', noon('2027-07-20'), true)).toBe(false);
      expect(birthdayBonusApplies(once, '1990-07-15', noon('2027-06-20'), false)).toBe(false);
      expect(birthdayBonusText(once)).toBe('生日月首单积分 2 倍');
      const first = quotePurchase(once, aPurchase({ birthday: '1990-07-15', at: noon('2027-07-20') }));
      const second = quotePurchase(once, aPurchase({ birthday: '1990-07-15', at: noon('2027-07-20'), birthdayBonusClaimed: true }));
      expect([first.pointsEarned, first.bonuses]).toEqual([200, ['birthday_month']]);
      expect([second.pointsEarned, second.bonuses]).toEqual([100, []]);
    });

    it('the birthday bonus still competes with member day unless the brand stacks them', () => {
      const rules = rulesWith({ earning: { birthdayBonusMode: 'day', birthdayMonthMultiplierPercent: 300 }, memberDay: { weekdays: [3], multiplierPercent: 200 } });
      // 14 July 2027 is a Wednesday; the birthday is that day.
      expect(earningMultiplier(rules, 'gold', '1990-07-14', noon('2027-07-14'))).toEqual({ percent: 450, bonuses: ['birthday_month'] });
      expect(earningMultiplier(rules, 'gold', '1990-07-15', noon('2027-07-14'))).toEqual({ percent: 300, bonuses: ['member_day'] });
    });
  });
});

describe('member day', () => {
  it('the next member day is today on a member day, else the next weekday or month day', () => {
    const wednesdays = rulesWith({ memberDay: { weekdays: [3], monthDays: [] } });
    expect(nextMemberDay(wednesdays, '2027-07-14')).toBe('2027-07-14');
    expect(nextMemberDay(wednesdays, '2027-07-15')).toBe('2027-07-21');
    const eighth = rulesWith({ memberDay: { weekdays: [], monthDays: [8, 18] } });
    expect(nextMemberDay(eighth, '2027-07-09')).toBe('2027-07-18');
    expect(nextMemberDay(eighth, '2027-07-19')).toBe('2027-08-08');
    expect(nextMemberDay(rulesWith({ memberDay: { weekdays: [], monthDays: [] } }), '2027-07-19')).toBeNull();
  });

  it('a month day of 31 skips the months without one; 30 skips February', () => {
    const last = rulesWith({ memberDay: { weekdays: [], monthDays: [31] } });
    expect(nextMemberDay(last, '2027-04-01')).toBe('2027-05-31');
    expect(nextMemberDay(last, '2027-06-01')).toBe('2027-07-31');
    expect(nextMemberDay(last, '2027-08-01')).toBe('2027-08-31');
    const thirtieth = rulesWith({ memberDay: { weekdays: [], monthDays: [30] } });
    expect(nextMemberDay(thirtieth, '2027-01-31')).toBe('2027-03-30');
  });

  it('reads the schedule as a shopper would: 每周三, 每月 8 日、18 日, both together, nothing when none', () => {
    expect(memberDaySchedule(rulesWith({ memberDay: { weekdays: [3], monthDays: [] } }))).toBe('每周三');
    expect(memberDaySchedule(rulesWith({ memberDay: { weekdays: [0, 6, 3], monthDays: [] } }))).toBe('每周三、周六、周日');
    expect(memberDaySchedule(rulesWith({ memberDay: { weekdays: [], monthDays: [18, 8] } }))).toBe('每月 8 日、18 日');
    expect(memberDaySchedule(rulesWith({ memberDay: { weekdays: [3], monthDays: [8] } }))).toBe('每周三、每月 8 日');
    expect(memberDaySchedule(rulesWith({ memberDay: { weekdays: [], monthDays: [] } }))).toBe('');
  });

  describe('the member-day discount', () => {
    const rules = rulesWith({ memberDay: { weekdays: [3], multiplierPercent: 200, discountOffPercent: 2 } });
    const WEDNESDAY = noon('2027-07-14');

    it('comes after the tier discount, on what it left, rounded down; points and coupon follow it', () => {
      // Gold: 5 % off ¥123.45 = 617.25 → 617; then 2 % of 11728 = 234.56 → 234.
      const quote = quotePurchase(rules, aPurchase({ amountFen: 12345, tier: 'gold', at: WEDNESDAY }));
      expect(quote).toMatchObject({ discountFen: 617 + 234, memberDayDiscountFen: 234, payableFen: 12345 - 851, multiplierPercent: 300 });
      expect(quote.pointsEarned).toBe(Math.floor(((12345 - 851) * 300) / 10000));
      const withCoupon = quotePurchase(rules, aPurchase({ amountFen: 10000, at: WEDNESDAY, coupon: { type: 'cash', valueFen: 1000, percentOff: null, capFen: null, thresholdFen: 0, giftName: null } }));
      expect(withCoupon).toMatchObject({ discountFen: 200, memberDayDiscountFen: 200, couponDiscountFen: 1000, payableFen: 8800 });
    });

    it('takes nothing off excluded goods nor on other days', () => {
      const quote = quotePurchase(
        rules,
        aPurchase({ amountFen: 10000, at: WEDNESDAY, items: [{ amountFen: 5000 }, { category: 'tobacco', amountFen: 5000 }] }),
      );
      expect(quote).toMatchObject({ discountFen: 100, memberDayDiscountFen: 100, payableFen: 9900 });
      const thursday = quotePurchase(rules, aPurchase({ amountFen: 10000, at: noon('2027-07-15') }));
      expect(thursday).toMatchObject({ discountFen: 0, memberDayDiscountFen: 0, payableFen: 10000 });
    });

    it('a brand that gives no member-day discount prices member day as before', () => {
      const plain = quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 10000, tier: 'silver', at: WEDNESDAY }));
      expect(plain).toMatchObject({ discountFen: 200, memberDayDiscountFen: 0, payableFen: 9800, multiplierPercent: 240 });
    });
  });
});
