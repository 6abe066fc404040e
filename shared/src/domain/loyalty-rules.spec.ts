import { DEFAULT_LOYALTY_RULES, type LoyaltyRules, discountLabel, loyaltyRulesSchema, nextTierProgress, tierAfterPurchase, tierForGrowth } from './loyalty-rules';

const RULES = DEFAULT_LOYALTY_RULES;

/**
 * Seed 003 (Sephora): 1 yuan = 1 point; 1500 points make a white card (白卡) black (黑卡), 12000 in
 * 12 months make it gold (金卡). Sephora has three cards and wemember four tiers, so the top one is
 * set out of reach.
 */
const SEPHORA: LoyaltyRules = loyaltyRulesSchema.parse({
  ...RULES,
  tiers: [
    { code: 'normal', minGrowth: 0, pointsMultiplierPercent: 100, discountOffPercent: 0 },
    { code: 'silver', minGrowth: 1500, pointsMultiplierPercent: 100, discountOffPercent: 0 },
    { code: 'gold', minGrowth: 12000, pointsMultiplierPercent: 100, discountOffPercent: 0 },
    { code: 'diamond', minGrowth: 100_000_000, pointsMultiplierPercent: 100, discountOffPercent: 0 },
  ],
});

/** The default rules with one tier changed, to feed the schema. */
function withTier(index: number, patch: Record<string, unknown>): unknown {
  return { ...RULES, tiers: RULES.tiers.map((tier, i) => (i === index ? { ...tier, ...patch } : tier)) };
}

/** What an HQ admin would be told: each offending field's path and message. */
function problems(input: unknown): { path: PropertyKey[]; message: string }[] {
  const result = loyaltyRulesSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map(({ path, message }) => ({ path, message }));
}

describe('tiers by growth (default: 银卡 1000, 金卡 5000, 钻石 20000)', () => {
  it('a threshold is reached at exactly the threshold', () => {
    expect(tierForGrowth(RULES, 0)).toBe('normal');
    expect(tierForGrowth(RULES, 999)).toBe('normal');
    expect(tierForGrowth(RULES, 1000)).toBe('silver');
    expect(tierForGrowth(RULES, 4999)).toBe('silver');
    expect(tierForGrowth(RULES, 5000)).toBe('gold');
    expect(tierForGrowth(RULES, 19999)).toBe('gold');
    expect(tierForGrowth(RULES, 20000)).toBe('diamond');
    expect(tierForGrowth(RULES, 1_000_000)).toBe('diamond');
  });

  it('growth pushed below zero by refunds is still a normal member', () => {
    expect(tierForGrowth(RULES, -50)).toBe('normal');
  });

  it('a cosmetics chain\'s tiers: a Sephora white card turns black at 1500 points and gold at 12000', () => {
    expect(tierAfterPurchase(SEPHORA, 'normal', 1499)).toBe('normal');
    expect(tierAfterPurchase(SEPHORA, 'normal', 1500)).toBe('silver');
    expect(tierAfterPurchase(SEPHORA, 'silver', 12000)).toBe('gold');
  });
});

describe('a purchase upgrades at once and never downgrades', () => {
  it('a silver member reaching 5000 growth is gold from this purchase on', () => {
    expect(tierAfterPurchase(RULES, 'silver', 5000)).toBe('gold');
  });

  it('a purchase may skip tiers: a normal member reaching 20000 becomes diamond', () => {
    expect(tierAfterPurchase(RULES, 'normal', 20000)).toBe('diamond');
  });

  it('a gold member whose rolling growth fell to 100 stays gold until the yearly review', () => {
    expect(tierAfterPurchase(RULES, 'gold', 100)).toBe('gold');
    expect(tierAfterPurchase(RULES, 'diamond', 0)).toBe('diamond');
  });
});

describe('progress to the next tier', () => {
  it('a silver member with 3000 growth needs 2000 more for gold', () => {
    expect(nextTierProgress(RULES, 'silver', 3000)).toEqual({ tier: 'gold', minGrowth: 5000, growthNeeded: 2000 });
  });

  it('a normal member with no growth needs 1000 for silver', () => {
    expect(nextTierProgress(RULES, 'normal', 0)).toEqual({ tier: 'silver', minGrowth: 1000, growthNeeded: 1000 });
  });

  it('the next tier is the one after the current tier, and never needs a negative amount', () => {
    // A silver member kept at silver by a past review although growth is over gold's threshold.
    expect(nextTierProgress(RULES, 'silver', 6000)).toEqual({ tier: 'gold', minGrowth: 5000, growthNeeded: 0 });
  });

  it('diamond is the top: no next tier', () => {
    expect(nextTierProgress(RULES, 'diamond', 50000)).toBeNull();
  });
});

describe('discount labels as a shopper reads them', () => {
  it('5 % off is 9.5折, 10 % off is 9折, none is 无折扣', () => {
    expect(discountLabel(5)).toBe('9.5折');
    expect(discountLabel(10)).toBe('9折');
    expect(discountLabel(0)).toBe('无折扣');
  });

  it('every default tier has a label', () => {
    expect(RULES.tiers.map((t) => discountLabel(t.discountOffPercent))).toEqual(['无折扣', '9.8折', '9.5折', '9折']);
  });

  it('12 % off is 8.8折, 50 % off is 5折', () => {
    expect(discountLabel(12)).toBe('8.8折');
    expect(discountLabel(50)).toBe('5折');
  });
});

describe('loyalty rules an HQ admin may save', () => {
  it('the defaults are valid', () => {
    expect(loyaltyRulesSchema.parse(RULES)).toEqual(RULES);
  });

  it('tiers out of order are refused at the misplaced tier', () => {
    const swapped = { ...RULES, tiers: [RULES.tiers[0], RULES.tiers[2], RULES.tiers[1], RULES.tiers[3]] };
    expect(problems(swapped)).toEqual(
      expect.arrayContaining([
        { path: ['tiers', 1, 'code'], message: '第 2 个等级应为 silver' },
        { path: ['tiers', 2, 'code'], message: '第 3 个等级应为 gold' },
      ]),
    );
  });

  it('a threshold no higher than the tier below is refused', () => {
    // Gold at 1000 equals silver's 1000.
    expect(problems(withTier(2, { minGrowth: 1000 }))).toEqual([{ path: ['tiers', 2, 'minGrowth'], message: '等级门槛应逐级升高' }]);
    // Diamond below gold.
    expect(problems(withTier(3, { minGrowth: 4000 }))).toEqual([{ path: ['tiers', 3, 'minGrowth'], message: '等级门槛应逐级升高' }]);
  });

  it('a normal tier that needs growth is refused', () => {
    expect(problems(withTier(0, { minGrowth: 10 }))).toEqual([{ path: ['tiers', 0, 'minGrowth'], message: '普通会员的成长值门槛应为 0' }]);
  });

  it('a points multiplier below ×1 (99 %) or above ×10 (×99) is refused', () => {
    expect(problems(withTier(2, { pointsMultiplierPercent: 99 }))).toEqual([{ path: ['tiers', 2, 'pointsMultiplierPercent'], message: '积分倍率不能小于 100' }]);
    expect(problems(withTier(2, { pointsMultiplierPercent: 9900 }))).toEqual([{ path: ['tiers', 2, 'pointsMultiplierPercent'], message: '积分倍率不能大于 1000' }]);
    expect(problems({ ...RULES, earning: { ...RULES.earning, birthdayMonthMultiplierPercent: 99 } })).toEqual([
      { path: ['earning', 'birthdayMonthMultiplierPercent'], message: '生日月倍率不能小于 100' },
    ]);
  });

  it('a fractional multiplier is refused: every rate is an integer', () => {
    expect(problems(withTier(1, { pointsMultiplierPercent: 120.5 }))).toEqual([{ path: ['tiers', 1, 'pointsMultiplierPercent'], message: '积分倍率应为整数' }]);
  });

  it('a member discount over 50 % is refused', () => {
    expect(problems(withTier(3, { discountOffPercent: 51 }))).toEqual([{ path: ['tiers', 3, 'discountOffPercent'], message: '会员折扣不能大于 50' }]);
  });

  it('three tiers instead of four are refused', () => {
    expect(problems({ ...RULES, tiers: RULES.tiers.slice(0, 3) })).toEqual([{ path: ['tiers'], message: '应依次设置 4 个等级' }]);
  });

  it('an unknown field is refused, wherever it is', () => {
    expect(problems({ ...RULES, cashback: true })).toEqual([{ path: [], message: expect.stringContaining('cashback') }]);
    expect(problems({ ...RULES, redemption: { ...RULES.redemption, cashback: true } })).toEqual([{ path: ['redemption'], message: expect.stringContaining('cashback') }]);
    expect(problems(withTier(1, { birthdayCoupon: true }))).toEqual([{ path: ['tiers', 1], message: expect.stringContaining('birthdayCoupon') }]);
  });

  it('redemption needs at least 1 point per yuan', () => {
    expect(problems({ ...RULES, redemption: { ...RULES.redemption, pointsPerYuan: 0 } }).map((p) => p.path)).toEqual([['redemption', 'pointsPerYuan']]);
  });
});
