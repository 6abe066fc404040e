import fc from 'fast-check';
import { DEFAULT_LOYALTY_RULES, type LoyaltyRules, loyaltyRulesSchema } from './loyalty-rules';
import {
  LoyaltyRuleError,
  type PurchaseInput,
  type RefundableOrder,
  addDays,
  chargeBack,
  earningMultiplier,
  isBirthdayMonth,
  isMemberDay,
  maxRedeemablePoints,
  pointsExpiryDate,
  pointsToFen,
  quotePurchase,
  refundShare,
} from './points';

// Instants used throughout, each with its Shanghai wall-clock time.
/** Thursday 26 Nov 2026, 12:00 in Shanghai: no birthday, no member day. */
const ORDINARY_DAY = new Date('2026-11-26T04:00:00Z');
/** Wednesday 2 Dec 2026, 01:00 in Shanghai — still Tuesday 1 Dec in UTC. */
const WEDNESDAY_IN_SHANGHAI = new Date('2026-12-01T17:00:00Z');
/** Tuesday 1 Dec 2026, 23:00 in Shanghai. */
const TUESDAY_NIGHT_IN_SHANGHAI = new Date('2026-12-01T15:00:00Z');

/** Rules built from the defaults, with only the parts a test is about changed. */
function rulesWith(patch: {
  earning?: Partial<LoyaltyRules['earning']>;
  memberDay?: Partial<LoyaltyRules['earning']['memberDay']>;
  redemption?: Partial<LoyaltyRules['redemption']>;
  expiry?: Partial<LoyaltyRules['expiry']>;
}): LoyaltyRules {
  const d = DEFAULT_LOYALTY_RULES;
  return loyaltyRulesSchema.parse({
    ...d,
    earning: { ...d.earning, ...patch.earning, memberDay: { ...d.earning.memberDay, ...patch.memberDay } },
    redemption: { ...d.redemption, ...patch.redemption },
    expiry: { ...d.expiry, ...patch.expiry },
  });
}

/**
 * Seed 002 (伊度 shoes) as rules: "每消费1元即可积1分", "生日…双倍积分", "1000积分返20元…购物直接
 * 抵用现金" — 1000 points = ¥20, i.e. 50 points per yuan, with no cap on the share of an order.
 */
const SEED_002 = rulesWith({
  earning: { pointsPerYuan: 1, birthdayMonthMultiplierPercent: 200, excludedCategories: [] },
  memberDay: { weekdays: [], monthDays: [] },
  redemption: { pointsPerYuan: 50, maxOrderPercent: 100 },
});

/** A purchase by a normal member on an ordinary day, with no points redeemed. */
function aPurchase(overrides: Partial<PurchaseInput> = {}): PurchaseInput {
  return { amountFen: 10000, pointsToRedeem: 0, tier: 'normal', birthday: null, balance: 0, at: ORDINARY_DAY, ...overrides };
}

/** The LoyaltyRuleError `fn` throws, to check its code, field and message together. */
function ruleErrorOf(fn: () => unknown): LoyaltyRuleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LoyaltyRuleError) return e;
    throw e;
  }
  throw new Error('expected a LoyaltyRuleError, nothing was thrown');
}

describe('earning with the default rules (1 point and 1 growth per yuan)', () => {
  it('¥123.45 earns 123 points and 123 growth: fen are never rounded up into a point', () => {
    const quote = quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 12345 }));
    expect(quote).toMatchObject({ discountFen: 0, payableFen: 12345, multiplierPercent: 100, bonuses: [], pointsEarned: 123, growthEarned: 123 });
  });

  it('¥0.99 earns nothing', () => {
    expect(quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 99 }))).toMatchObject({ pointsEarned: 0, growthEarned: 0 });
  });
});

describe('tier multiplier and member discount', () => {
  it('a gold member (×1.5, 5 % off) buying ¥200.00 pays ¥190.00 and earns floor(190 × 1.5) = 285 points', () => {
    const quote = quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 20000, tier: 'gold' }));
    expect(quote).toMatchObject({ discountFen: 1000, payableFen: 19000, multiplierPercent: 150, pointsEarned: 285, growthEarned: 190 });
  });

  it('the discount is rounded down, in the shop\'s favour: 5 % of ¥0.99 is 4 fen, not 4.95', () => {
    expect(quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 99, tier: 'gold' }))).toMatchObject({ discountFen: 4, payableFen: 95 });
  });
});

describe('a retail playbook\'s rule: 1 yuan = 1 point, 1000 points = ¥20 off the bill', () => {
  it('is a valid rule set', () => {
    expect(loyaltyRulesSchema.safeParse(SEED_002).success).toBe(true);
  });

  it('redeeming 1000 points pays ¥20.00', () => {
    expect(pointsToFen(SEED_002, 1000)).toBe(2000);
    // ¥100 bill − ¥20 of points = ¥80 paid, which earns 80 points.
    const quote = quotePurchase(SEED_002, aPurchase({ amountFen: 10000, pointsToRedeem: 1000, balance: 1500 }));
    expect(quote).toMatchObject({ pointsRedeemed: 1000, pointsDeductFen: 2000, payableFen: 8000, pointsEarned: 80 });
  });

  it('a single point is worth 2 fen, a whole number, so it may be redeemed', () => {
    expect(quotePurchase(SEED_002, aPurchase({ pointsToRedeem: 1, balance: 1 }))).toMatchObject({ pointsDeductFen: 2, payableFen: 9998 });
  });

  it('birthday double points: a member born in June buying ¥100 in June earns 200', () => {
    const quote = quotePurchase(SEED_002, aPurchase({ birthday: '1990-06-15', at: new Date('2026-06-10T04:00:00Z') }));
    expect(quote).toMatchObject({ multiplierPercent: 200, bonuses: ['birthday_month'], pointsEarned: 200 });
  });
});

describe('points pay whole fen only', () => {
  // At 300 points per yuan one point is 1/3 fen; only multiples of 3 points are whole fen.
  const THIRD_OF_A_FEN = rulesWith({ redemption: { pointsPerYuan: 300, maxOrderPercent: 50 } });

  it('refuses a number of points that is not a whole number of fen, blaming pointsToRedeem', () => {
    const error = ruleErrorOf(() => quotePurchase(THIRD_OF_A_FEN, aPurchase({ pointsToRedeem: 1000, balance: 5000 })));
    expect(error).toMatchObject({ code: 'REDEEM_NOT_WHOLE_FEN', field: 'pointsToRedeem', message: '抵扣积分应为 3 的整数倍' });
  });

  it('accepts a multiple of 3 points: 999 points pay ¥3.33', () => {
    expect(quotePurchase(THIRD_OF_A_FEN, aPurchase({ pointsToRedeem: 999, balance: 5000 }))).toMatchObject({ pointsDeductFen: 333, payableFen: 9667 });
  });

  it('maxRedeemablePoints rounds down to a whole-fen step', () => {
    // ¥10.00 bill, 50 % cap = 500 fen = 1500 points; the balance of 1234 binds, rounded down to 1233 (411 fen).
    expect(maxRedeemablePoints(THIRD_OF_A_FEN, 1000, 1234)).toBe(1233);
    // At 30 points per yuan, 3 points = 10 fen: a balance of 100 allows 99 points (¥3.30).
    expect(maxRedeemablePoints(rulesWith({ redemption: { pointsPerYuan: 30 } }), 100000, 100)).toBe(99);
    // Seed 002's 50 points per yuan: every point is 2 fen, so nothing is rounded away.
    expect(maxRedeemablePoints(SEED_002, 10000, 1234)).toBe(1234);
  });

  it('the maximum the quote offers can always be redeemed', () => {
    const offered = quotePurchase(THIRD_OF_A_FEN, aPurchase({ amountFen: 1000, balance: 1234 })).maxRedeemPoints;
    expect(offered).toBe(1233);
    expect(quotePurchase(THIRD_OF_A_FEN, aPurchase({ amountFen: 1000, balance: 1234, pointsToRedeem: offered }))).toMatchObject({ pointsDeductFen: 411, payableFen: 589 });
  });
});

describe('birthday month is judged in Asia/Shanghai', () => {
  it('an instant still 31 May in UTC but 1 June in Shanghai counts as June', () => {
    const at = new Date('2026-05-31T16:30:00Z'); // 1 June 00:30 in Shanghai
    expect(isBirthdayMonth('1990-06-20', at)).toBe(true);
    expect(isBirthdayMonth('1990-05-20', at)).toBe(false);
  });

  it('a member with no birthday set never gets the bonus', () => {
    expect(isBirthdayMonth(null, new Date('2026-06-10T04:00:00Z'))).toBe(false);
  });
});

describe('member day is judged in Asia/Shanghai', () => {
  it('Wednesday in Shanghai (still Tuesday in UTC) is the default member day', () => {
    expect(isMemberDay(DEFAULT_LOYALTY_RULES, WEDNESDAY_IN_SHANGHAI)).toBe(true);
    expect(isMemberDay(DEFAULT_LOYALTY_RULES, TUESDAY_NIGHT_IN_SHANGHAI)).toBe(false);
  });

  it('days of the month: the 28th of each month', () => {
    const the28th = rulesWith({ memberDay: { weekdays: [], monthDays: [28] } });
    expect(isMemberDay(the28th, new Date('2026-11-27T16:30:00Z'))).toBe(true); // 28 Nov 00:30 in Shanghai
    expect(isMemberDay(the28th, new Date('2026-11-27T15:59:59Z'))).toBe(false); // 27 Nov 23:59:59 in Shanghai
    expect(isMemberDay(the28th, new Date('2026-11-28T16:00:00Z'))).toBe(false); // 29 Nov 00:00 in Shanghai
  });
});

describe('stacking bonuses', () => {
  /** A member born in December, shopping on Wednesday 2 Dec 2026: birthday month and member day at once. */
  const DECEMBER_BIRTHDAY = '1990-12-20';

  it('birthday month + member day give ×2, not ×4: the bonuses do not stack, one of them applies', () => {
    expect(earningMultiplier(DEFAULT_LOYALTY_RULES, 'normal', DECEMBER_BIRTHDAY, WEDNESDAY_IN_SHANGHAI)).toEqual({ percent: 200, bonuses: ['birthday_month'] });
  });

  it('the larger bonus wins: a ×3 member day beats a ×2 birthday month', () => {
    const tripleMemberDay = rulesWith({ memberDay: { multiplierPercent: 300 } });
    expect(earningMultiplier(tripleMemberDay, 'normal', DECEMBER_BIRTHDAY, WEDNESDAY_IN_SHANGHAI)).toEqual({ percent: 300, bonuses: ['member_day'] });
  });

  it('a brand that stacks bonuses gives ×2 × ×2 = ×4', () => {
    const stacked = rulesWith({ earning: { stackBonuses: true } });
    expect(earningMultiplier(stacked, 'normal', DECEMBER_BIRTHDAY, WEDNESDAY_IN_SHANGHAI)).toEqual({ percent: 400, bonuses: ['birthday_month', 'member_day'] });
    // Gold on top: 1.5 × 4 = ×6.
    expect(earningMultiplier(stacked, 'gold', DECEMBER_BIRTHDAY, WEDNESDAY_IN_SHANGHAI).percent).toBe(600);
  });

  it('the tier multiplier always applies: gold on member day is 1.5 × 2 = ×3', () => {
    expect(earningMultiplier(DEFAULT_LOYALTY_RULES, 'gold', null, WEDNESDAY_IN_SHANGHAI)).toEqual({ percent: 300, bonuses: ['member_day'] });
    // ¥200.00 less 5 % = ¥190.00 paid, × 3 = 570 points.
    expect(quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 20000, tier: 'gold', at: WEDNESDAY_IN_SHANGHAI }))).toMatchObject({ payableFen: 19000, pointsEarned: 570 });
  });

  it('without a bonus only the tier multiplier applies', () => {
    expect(earningMultiplier(DEFAULT_LOYALTY_RULES, 'diamond', DECEMBER_BIRTHDAY, ORDINARY_DAY)).toEqual({ percent: 200, bonuses: [] });
  });
});

describe('excluded categories (tobacco, lottery, prepaid cards)', () => {
  it('earn nothing and get no member discount', () => {
    // ¥30 cigarettes + ¥70 groceries, gold member: 5 % off the groceries only = 350 fen.
    // Paid ¥96.50, of which ¥66.50 on groceries earns floor(66.50 × 1.5) = 99 points.
    const quote = quotePurchase(
      DEFAULT_LOYALTY_RULES,
      aPurchase({ amountFen: 10000, tier: 'gold', items: [{ category: 'tobacco', amountFen: 3000 }, { category: 'grocery', amountFen: 7000 }] }),
    );
    expect(quote).toMatchObject({ discountFen: 350, payableFen: 9650, eligiblePaidFen: 6650, pointsEarned: 99 });
  });

  it('an order of only lottery tickets earns no points and no discount', () => {
    const quote = quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 5000, tier: 'diamond', items: [{ category: 'lottery', amountFen: 5000 }] }));
    expect(quote).toMatchObject({ discountFen: 0, payableFen: 5000, pointsEarned: 0 });
  });

  it('lines that do not add up to the order amount are refused, blaming items', () => {
    const error = ruleErrorOf(() => quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 10000, items: [{ amountFen: 3000 }, { amountFen: 6000 }] })));
    expect(error).toMatchObject({ code: 'ITEMS_TOTAL_MISMATCH', field: 'items', message: '商品金额合计 9000 分与订单金额 10000 分不一致' });
  });
});

describe('redemption caps (default: 100 points = ¥1, at most 50 % of the order)', () => {
  it('offers the smaller of the balance and half the order', () => {
    expect(quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 10000, balance: 3000 })).maxRedeemPoints).toBe(3000);
    expect(quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 10000, balance: 99999 })).maxRedeemPoints).toBe(5000);
  });

  it('the cap is on what is left after the member discount', () => {
    // Gold: ¥100.00 less 5 % = ¥95.00; half is ¥47.50 = 4750 points.
    expect(quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 10000, tier: 'gold', balance: 99999 })).maxRedeemPoints).toBe(4750);
  });

  it('more points than the balance: POINTS_INSUFFICIENT', () => {
    const error = ruleErrorOf(() => quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ pointsToRedeem: 4000, balance: 3000 })));
    expect(error).toMatchObject({ code: 'POINTS_INSUFFICIENT', field: 'pointsToRedeem', message: '积分不足：可用 3000 积分' });
  });

  it('more than half the order: REDEEM_OVER_LIMIT, naming the maximum', () => {
    const error = ruleErrorOf(() => quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 10000, pointsToRedeem: 5001, balance: 99999 })));
    expect(error).toMatchObject({ code: 'REDEEM_OVER_LIMIT', field: 'pointsToRedeem' });
    expect(error.message).toBe('本单最多可用 5000 积分抵扣（不超过可积分商品金额的 50%）');
    // Exactly the maximum is fine.
    expect(quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 10000, pointsToRedeem: 5000, balance: 99999 })).payableFen).toBe(5000);
  });

  it('a brand with maxOrderPercent 0 lets no points pay', () => {
    const noCash = rulesWith({ redemption: { maxOrderPercent: 0 } });
    expect(maxRedeemablePoints(noCash, 10000, 99999)).toBe(0);
    expect(ruleErrorOf(() => quotePurchase(noCash, aPurchase({ pointsToRedeem: 100, balance: 99999 }))).code).toBe('REDEEM_OVER_LIMIT');
  });

  it('nothing is redeemable with an empty balance', () => {
    expect(maxRedeemablePoints(DEFAULT_LOYALTY_RULES, 10000, 0)).toBe(0);
  });
});

describe('what is paid with points earns nothing', () => {
  it('paying half of ¥100 with points halves the points and growth earned', () => {
    const full = quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 10000, balance: 5000 }));
    const half = quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 10000, balance: 5000, pointsToRedeem: 5000 }));
    expect(full).toMatchObject({ payableFen: 10000, pointsEarned: 100, growthEarned: 100 });
    expect(half).toMatchObject({ pointsDeductFen: 5000, payableFen: 5000, eligiblePaidFen: 5000, pointsEarned: 50, growthEarned: 50 });
  });

  it('points pay only for eligible goods: never for tobacco or a prepaid card', () => {
    // ¥40 tobacco + ¥60 groceries: points may pay half of the ¥60, i.e. 3000 points; the ¥30 of
    // groceries left to pay earns 30 points, the tobacco nothing.
    const items = [{ category: 'tobacco', amountFen: 4000 }, { amountFen: 6000 }];
    const tooMuch = ruleErrorOf(() => quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 10000, balance: 5000, pointsToRedeem: 3001, items })));
    expect(tooMuch).toMatchObject({ code: 'REDEEM_OVER_LIMIT', message: '本单最多可用 3000 积分抵扣（不超过可积分商品金额的 50%）' });
    const quote = quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 10000, balance: 5000, pointsToRedeem: 3000, items }));
    expect(quote).toMatchObject({ maxRedeemPoints: 3000, payableFen: 7000, eligiblePaidFen: 3000, pointsEarned: 30, growthEarned: 70 });
    const onlyTobacco = quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 4000, balance: 5000, items: [{ category: 'tobacco', amountFen: 4000 }] }));
    expect(onlyTobacco.maxRedeemPoints).toBe(0);
  });

  it('a negative or fractional number of points is refused, not turned into a surcharge', () => {
    for (const pointsToRedeem of [-100, 1.5]) {
      expect(ruleErrorOf(() => quotePurchase(DEFAULT_LOYALTY_RULES, aPurchase({ amountFen: 10000, balance: 5000, pointsToRedeem })))).toMatchObject({
        code: 'REDEEM_NOT_WHOLE_FEN',
        field: 'pointsToRedeem',
      });
    }
  });
});

describe('refunds give back a pro rata share, computed cumulatively', () => {
  const order: RefundableOrder = { amountFen: 10001, payableFen: 9501, pointsEarned: 100, pointsRedeemed: 0, growthEarned: 95 };

  it('three partial refunds of ¥33.33 / ¥33.33 / ¥33.35 of a ¥100.01 order take back 33 / 33 / 34 of its 100 points', () => {
    // Points: floor(100 × 3333 / 10001) = 33; floor(100 × 6666 / 10001) = 66, minus 33 = 33; 100 − 66 = 34.
    // Paid ¥95.01: floor(9501 × 3333 / 10001) = 3166; floor(9501 × 6666 / 10001) = 6332, minus 3166 = 3166; 9501 − 6332 = 3169.
    const first = refundShare(order, 0, 3333);
    const second = refundShare(order, 3333, 3333);
    const third = refundShare(order, 6666, 3335);
    expect([first.pointsEarned, second.pointsEarned, third.pointsEarned]).toEqual([33, 33, 34]);
    expect([first.payableFen, second.payableFen, third.payableFen]).toEqual([3166, 3166, 3169]);
    expect(first.payableFen + second.payableFen + third.payableFen).toBe(order.payableFen);
    expect(first.growth + second.growth + third.growth).toBe(order.growthEarned);
  });

  it('redeemed points come back in the same proportion', () => {
    const withPoints: RefundableOrder = { amountFen: 10000, payableFen: 5000, pointsEarned: 50, pointsRedeemed: 5000, growthEarned: 50 };
    expect(refundShare(withPoints, 0, 2500)).toEqual({ payableFen: 1250, pointsEarned: 12, pointsRedeemed: 1250, growth: 12 });
  });

  it('refunding more than is left: REFUND_EXCEEDS_ORDER, naming what is left', () => {
    const error = ruleErrorOf(() => refundShare(order, 6666, 3336));
    expect(error).toMatchObject({ code: 'REFUND_EXCEEDS_ORDER', field: 'amountFen', message: '退款金额超过可退金额 3335 分' });
    expect(ruleErrorOf(() => refundShare(order, 10001, 1)).code).toBe('REFUND_EXCEEDS_ORDER');
  });

  it('a refund of nothing is refused', () => {
    expect(ruleErrorOf(() => refundShare(order, 0, 0)).code).toBe('REFUND_EXCEEDS_ORDER');
  });

  it('for any order and any way of splitting it into refunds, the shares sum to the totals and are never negative', () => {
    const anOrder = fc.integer({ min: 1, max: 100_000_000 }).chain((amountFen) =>
      fc.record({
        amountFen: fc.constant(amountFen),
        payableFen: fc.integer({ min: 0, max: amountFen }),
        pointsEarned: fc.integer({ min: 0, max: 2_000_000 }),
        pointsRedeemed: fc.integer({ min: 0, max: 10_000_000 }),
        growthEarned: fc.integer({ min: 0, max: 1_000_000 }),
        cuts: fc.uniqueArray(fc.integer({ min: 1, max: amountFen }), { maxLength: 8 }),
      }),
    );
    fc.assert(
      fc.property(anOrder, ({ cuts, ...o }) => {
        const bounds = [0, ...[...cuts].sort((a, b) => a - b).filter((c) => c < o.amountFen), o.amountFen];
        const sum = { payableFen: 0, pointsEarned: 0, pointsRedeemed: 0, growth: 0 };
        for (let i = 1; i < bounds.length; i++) {
          const share = refundShare(o, bounds[i - 1], bounds[i] - bounds[i - 1]);
          for (const key of Object.keys(sum) as (keyof typeof sum)[]) {
            expect(share[key]).toBeGreaterThanOrEqual(0);
            sum[key] += share[key];
          }
        }
        expect(sum).toEqual({ payableFen: o.payableFen, pointsEarned: o.pointsEarned, pointsRedeemed: o.pointsRedeemed, growth: o.growthEarned });
      }),
      { numRuns: 500 },
    );
  });
});

describe('orders near MAX_FEN (¥1,000,000.00) lose no fen and no point to float arithmetic', () => {
  // Two amounts of up to 1e8 fen multiplied pass 2^53, where a float product rounds and the floor
  // would land one below the exact quotient; mulDiv switches to BigInt there.
  it('a full refund of a ¥949,062.67 order gives back every fen paid', () => {
    // 94906267 × 94906267 ≈ 9.007e15 > 2^53: in floats floor(product / 94906267) would be 94906266.
    const big: RefundableOrder = { amountFen: 94_906_267, payableFen: 94_906_267, pointsEarned: 949_062, pointsRedeemed: 0, growthEarned: 949_062 };
    expect(refundShare(big, 0, big.amountFen).payableFen).toBe(94_906_267);
  });

  it('a ¥999,999.75 order in the birthday month on member day, bonuses stacked (×4), earns floor(999999.75 × 4) = 3999999 points', () => {
    // 99999975 fen × 400 % stays exact; the earlier float version lost a point here.
    const stacked = rulesWith({ earning: { stackBonuses: true } });
    const quote = quotePurchase(stacked, aPurchase({ amountFen: 99_999_975, birthday: '1990-12-20', at: WEDNESDAY_IN_SHANGHAI }));
    expect(quote).toMatchObject({ multiplierPercent: 400, eligiblePaidFen: 99_999_975, pointsEarned: 3_999_999 });
  });
});

describe('charge-back (如卡积点小于应扣积点，则需从退款中扣除相应金额)', () => {
  it('at 100 points per yuan, 91 points the card no longer has cost ¥0.91 of the refund', () => {
    expect(chargeBack(DEFAULT_LOYALTY_RULES, 91, 5000)).toEqual({ points: 91, fen: 91, writtenOffPoints: 0 });
  });

  it('at the playbook\'s ¥20 per 1000 points (50 per yuan), 91 points cost ceil(91 × 2) = 182 fen', () => {
    expect(chargeBack(SEED_002, 91, 5000)).toEqual({ points: 91, fen: 182, writtenOffPoints: 0 });
  });

  it('a fraction of a fen is rounded up: at 300 points per yuan, 10 points cost ceil(3.33) = 4 fen', () => {
    expect(chargeBack(rulesWith({ redemption: { pointsPerYuan: 300 } }), 10, 5000)).toEqual({ points: 10, fen: 4, writtenOffPoints: 0 });
  });

  it('never takes more than the refund: the rest is written off', () => {
    // Seed 002 rate: a ¥1.00 refund covers 50 of the 91 points; 41 are forgiven and recorded.
    expect(chargeBack(SEED_002, 91, 100)).toEqual({ points: 50, fen: 100, writtenOffPoints: 41 });
    expect(chargeBack(SEED_002, 91, 0)).toEqual({ points: 0, fen: 0, writtenOffPoints: 91 });
  });

  it('nothing to charge when the card had enough points', () => {
    expect(chargeBack(DEFAULT_LOYALTY_RULES, 0, 5000)).toEqual({ points: 0, fen: 0, writtenOffPoints: 0 });
  });
});

describe('points expire at the end of the next calendar year (Asia/Shanghai)', () => {
  it('points earned any day of 2026 are valid until 2027-12-31', () => {
    expect(pointsExpiryDate(DEFAULT_LOYALTY_RULES, new Date('2025-12-31T16:00:00Z'))).toBe('2027-12-31'); // 1 Jan 2026 00:00 in Shanghai
    expect(pointsExpiryDate(DEFAULT_LOYALTY_RULES, new Date('2026-06-15T04:00:00Z'))).toBe('2027-12-31');
    expect(pointsExpiryDate(DEFAULT_LOYALTY_RULES, new Date('2026-12-31T15:59:59Z'))).toBe('2027-12-31'); // 31 Dec 23:59:59 in Shanghai
  });

  it('31 Dec 2026 16:30 UTC is already 2027 in Shanghai: valid until 2028-12-31', () => {
    expect(pointsExpiryDate(DEFAULT_LOYALTY_RULES, new Date('2026-12-31T16:30:00Z'))).toBe('2028-12-31');
  });

  it('yearsAfterEarning 0: points expire at the end of the year they were earned', () => {
    expect(pointsExpiryDate(rulesWith({ expiry: { yearsAfterEarning: 0 } }), new Date('2026-03-01T04:00:00Z'))).toBe('2026-12-31');
  });

  it('the reminder 30 days ahead of 2027-12-31 goes out on 2027-12-01', () => {
    expect(addDays('2027-12-31', -DEFAULT_LOYALTY_RULES.expiry.reminderDays)).toBe('2027-12-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});
