import fc from 'fast-check';
import { COUPON_CODE_ALPHABET, COUPON_CODE_LENGTH, couponCodeFromBytes, formatCouponCode, normalizeCouponCode } from '../coupon-code';
import { couponDiscountFen, couponProblem, couponSummary, couponValidDates, type CouponTerms } from './coupons';
import { DEFAULT_LOYALTY_RULES } from './loyalty-rules';
import { quotePurchase } from './points';

const cash = (valueFen: number, thresholdFen = 0): CouponTerms => ({ type: 'cash', valueFen, percentOff: null, capFen: null, thresholdFen, giftName: null });
const percent = (percentOff: number, capFen: number | null = null, thresholdFen = 0): CouponTerms => ({
  type: 'percent',
  valueFen: null,
  percentOff,
  capFen,
  thresholdFen,
  giftName: null,
});
const bytes = fc.uint8Array({ minLength: 10, maxLength: 10 });

describe('coupon codes', () => {
  it('carry 80 random bits and a check character that normalising accepts', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const code = couponCodeFromBytes(b);
        expect(code).toHaveLength(COUPON_CODE_LENGTH);
        expect(normalizeCouponCode(code)).toBe(code);
        expect(normalizeCouponCode(formatCouponCode(code).toLowerCase())).toBe(code);
      }),
    );
  });

  it('tell different bytes apart', () => {
    expect(couponCodeFromBytes(new Uint8Array(10))).not.toBe(couponCodeFromBytes(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 1])));
  });

  it('refuse every single mistyped character', () => {
    fc.assert(
      fc.property(bytes, fc.nat(COUPON_CODE_LENGTH - 1), fc.nat(COUPON_CODE_ALPHABET.length - 2), (b, at, shift) => {
        const code = couponCodeFromBytes(b);
        const wrong = COUPON_CODE_ALPHABET[(COUPON_CODE_ALPHABET.indexOf(code[at]) + shift + 1) % COUPON_CODE_ALPHABET.length];
        expect(normalizeCouponCode(code.slice(0, at) + wrong + code.slice(at + 1))).toBeNull();
      }),
    );
  });

  it('refuse two swapped neighbours among the random characters', () => {
    fc.assert(
      fc.property(bytes, fc.nat(COUPON_CODE_LENGTH - 3), (b, at) => {
        const code = couponCodeFromBytes(b);
        fc.pre(code[at] !== code[at + 1]);
        // Luhn misses only the swap of the two values whose doubled digits sum alike (0 and N−1).
        const last = COUPON_CODE_ALPHABET[COUPON_CODE_ALPHABET.length - 1];
        fc.pre(![`0${last}`, `${last}0`].includes(code[at] + code[at + 1]));
        expect(normalizeCouponCode(code.slice(0, at) + code[at + 1] + code[at] + code.slice(at + 2))).toBeNull();
      }),
    );
  });

  it('forgive O for 0 and I or L for 1, and refuse what is not a code', () => {
    const code = couponCodeFromBytes(new Uint8Array(10));
    expect(code).toMatch(/^0+/);
    expect(normalizeCouponCode(code.replace(/0/g, 'O'))).toBe(code);
    expect(normalizeCouponCode('')).toBeNull();
    expect(normalizeCouponCode('12345678901234567890')).toBeNull();
    expect(normalizeCouponCode(`${code}0`)).toBeNull();
    expect(normalizeCouponCode(code.replace(/^0/, 'U'))).toBeNull();
  });
});

describe('what a coupon takes off', () => {
  it('reads 满100减20, percent with a cap, and gifts', () => {
    expect(couponSummary(cash(2000, 10000))).toBe('满100减20');
    expect(couponSummary(cash(1000))).toBe('无门槛减10元');
    expect(couponSummary(percent(15, 3000))).toBe('8.5折 最高减30元');
    expect(couponSummary(percent(20, null, 5000))).toBe('满50 8折');
    expect(couponSummary({ ...cash(0), type: 'gift', valueFen: null, giftName: '抽纸一提' })).toBe('赠 抽纸一提');
  });

  it('never more than the goods cost, rounded down, capped', () => {
    expect(couponDiscountFen(cash(2000), 1500)).toBe(1500);
    expect(couponDiscountFen(percent(15), 999)).toBe(149);
    expect(couponDiscountFen(percent(50, 3000), 10000)).toBe(3000);
  });

  it('comes off after the member discount and before points, and what it takes earns no points', () => {
    const base = { amountFen: 10000, pointsToRedeem: 0, tier: 'gold' as const, birthday: null, balance: 10000, at: new Date('2026-11-30T04:00:00Z') };
    const without = quotePurchase(DEFAULT_LOYALTY_RULES, base);
    const withCoupon = quotePurchase(DEFAULT_LOYALTY_RULES, { ...base, coupon: cash(2000, 10000) });
    expect(without.discountFen).toBe(500);
    expect(withCoupon.couponDiscountFen).toBe(2000);
    expect(withCoupon.payableFen).toBe(10000 - 500 - 2000);
    expect(withCoupon.maxRedeemPoints).toBe(((10000 - 500 - 2000) / 2) * 1);
    expect(withCoupon.pointsEarned).toBeLessThan(without.pointsEarned);
  });

  it('leaves excluded goods alone: a coupon pays only for goods that take member benefits', () => {
    const quote = quotePurchase(DEFAULT_LOYALTY_RULES, {
      amountFen: 5000,
      items: [
        { amountFen: 1000, category: 'food' },
        { amountFen: 4000, category: 'tobacco' },
      ],
      pointsToRedeem: 0,
      tier: 'normal',
      birthday: null,
      balance: 0,
      at: new Date('2026-11-30T04:00:00Z'),
      coupon: cash(2000),
    });
    expect(quote.couponDiscountFen).toBe(1000);
    expect(quote.payableFen).toBe(4000);
  });
});

describe('when and where a coupon can be used', () => {
  const coupon = { ...cash(2000, 10000), storeIds: ['s1'], regionIds: ['r2'], validFrom: '2026-12-01', validTo: '2026-12-31' };
  const store = { id: 's1', regionId: 'r1' };

  it('names the first reason it cannot', () => {
    expect(couponProblem(coupon, { store, today: '2026-11-30' })?.code).toBe('COUPON_NOT_YET_VALID');
    expect(couponProblem(coupon, { store, today: '2027-01-01' })?.code).toBe('COUPON_EXPIRED');
    expect(couponProblem(coupon, { store: { id: 's9', regionId: 'r1' }, today: '2026-12-05' })?.code).toBe('COUPON_WRONG_STORE');
    expect(couponProblem(coupon, { store, today: '2026-12-05', eligibleFen: 9999 })?.code).toBe('COUPON_BELOW_THRESHOLD');
  });

  it('allows the listed stores and the stores of the listed regions, on its first and last day', () => {
    expect(couponProblem(coupon, { store, today: '2026-12-01', eligibleFen: 10000 })).toBeNull();
    expect(couponProblem(coupon, { store: { id: 's7', regionId: 'r2' }, today: '2026-12-31' })).toBeNull();
    expect(couponProblem({ ...coupon, storeIds: [], regionIds: [] }, { store: { id: 'any', regionId: null }, today: '2026-12-05' })).toBeNull();
  });

  it('runs N days from the day of receipt, or the fixed window', () => {
    expect(couponValidDates({ kind: 'relative', days: 1 }, '2026-11-30')).toEqual({ from: '2026-11-30', to: '2026-11-30' });
    expect(couponValidDates({ kind: 'relative', days: 30 }, '2026-12-15')).toEqual({ from: '2026-12-15', to: '2027-01-13' });
    expect(couponValidDates({ kind: 'fixed', from: '2026-12-01', to: '2026-12-31' }, '2026-11-30')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });
});
