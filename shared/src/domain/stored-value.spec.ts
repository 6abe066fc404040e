import fc from 'fast-check';
import { balanceRefundShare, rechargeLabel, rechargeRefundable, refundTender, spendSplit } from './stored-value';

describe('stored value', () => {
  it('spends principal first, then bonus', () => {
    expect(spendSplit({ principalFen: 5000, bonusFen: 500 }, 3000)).toEqual({ principalFen: 3000, bonusFen: 0 });
    expect(spendSplit({ principalFen: 5000, bonusFen: 500 }, 5200)).toEqual({ principalFen: 5000, bonusFen: 200 });
    expect(() => spendSplit({ principalFen: 100, bonusFen: 0 }, 101)).toThrow(RangeError);
  });

  it('gives a purchase its balance payment back pro rata, exactly once over any partial refunds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.nat(1_000_000), fc.nat(1_000_000), fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }), (amount, p, b, parts) => {
        const paid = { principalFen: Math.min(p, amount), bonusFen: Math.min(b, amount - Math.min(p, amount)) };
        const weights = parts.reduce((x, y) => x + y, 0);
        let before = 0;
        let principal = 0;
        let bonus = 0;
        parts.forEach((w, i) => {
          const slice = i === parts.length - 1 ? amount - before : Math.floor((amount * w) / weights);
          if (slice <= 0) return;
          const share = balanceRefundShare(paid, { amountFen: amount }, before, slice);
          principal += share.principalFen;
          bonus += share.bonusFen;
          before += slice;
        });
        expect({ principal, bonus }).toEqual({ principal: paid.principalFen, bonus: paid.bonusFen });
      }),
    );
  });

  it('refunds only unused principal of a recharge and forfeits its bonus pro rata, the whole bonus once all is back', () => {
    const recharge = { principalFen: 50000, bonusFen: 5000, refundedPrincipalFen: 0 };
    expect(rechargeRefundable(recharge, { principalFen: 50000, bonusFen: 5000 })).toEqual({ principalFen: 50000, bonusForfeitFen: 5000 });
    // ¥100 spent (principal first): ¥400 can come back, with ¥40 of the bonus.
    expect(rechargeRefundable(recharge, { principalFen: 40000, bonusFen: 5000 })).toEqual({ principalFen: 40000, bonusForfeitFen: 4000 });
    // Bonus already spent is not taken twice: the forfeit stops at the bonus balance.
    expect(rechargeRefundable(recharge, { principalFen: 50000, bonusFen: 1000 })).toEqual({ principalFen: 50000, bonusForfeitFen: 1000 });
    expect(rechargeRefundable({ ...recharge, refundedPrincipalFen: 50000 }, { principalFen: 9000, bonusFen: 0 })).toEqual({ principalFen: 0, bonusForfeitFen: 0 });
    // Two partial refunds forfeit exactly the whole bonus.
    const first = rechargeRefundable({ principalFen: 333, bonusFen: 100, refundedPrincipalFen: 0 }, { principalFen: 111, bonusFen: 100 });
    const second = rechargeRefundable({ principalFen: 333, bonusFen: 100, refundedPrincipalFen: 111 }, { principalFen: 222, bonusFen: 100 - first.bonusForfeitFen });
    expect(first.bonusForfeitFen + second.bonusForfeitFen).toBe(100);
  });

  it('charges spent points back from the cash part of a refund first, then from the balance return, bonus first', () => {
    // ¥100 back: ¥60 to the balance (50 principal + 10 bonus), ¥40 cash.
    expect(refundTender(10000, { principalFen: 5000, bonusFen: 1000 }, 0)).toEqual({ balance: { principalFen: 5000, bonusFen: 1000 }, cashFen: 4000 });
    // A ¥15 charge-back comes out of the ¥40 cash.
    expect(refundTender(10000, { principalFen: 5000, bonusFen: 1000 }, 1500)).toEqual({ balance: { principalFen: 5000, bonusFen: 1000 }, cashFen: 2500 });
    // ¥45: the cash covers ¥40, the other ¥5 is kept back from the bonus.
    expect(refundTender(10000, { principalFen: 5000, bonusFen: 1000 }, 4500)).toEqual({ balance: { principalFen: 5000, bonusFen: 500 }, cashFen: 0 });
    // Paid wholly from the balance: ¥15 from the bonus's ¥10, then ¥5 of principal.
    expect(refundTender(6000, { principalFen: 5000, bonusFen: 1000 }, 1500)).toEqual({ balance: { principalFen: 4500, bonusFen: 0 }, cashFen: 0 });
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.nat(1_000_000), fc.nat(1_000_000), fc.nat(1_000_000), (payable, p, b, charge) => {
        const principalFen = Math.min(p, payable);
        const share = { principalFen, bonusFen: Math.min(b, payable - principalFen) };
        const chargeback = Math.min(charge, payable);
        const { balance, cashFen } = refundTender(payable, share, chargeback);
        expect(cashFen).toBeGreaterThanOrEqual(0);
        expect(balance.principalFen).toBeGreaterThanOrEqual(0);
        expect(balance.bonusFen).toBeGreaterThanOrEqual(0);
        expect(balance.principalFen + balance.bonusFen + cashFen + chargeback).toBe(payable);
      }),
    );
  });

  it('reads packages as a shopper would', () => {
    expect(rechargeLabel(50000, 5000)).toBe('充500送50');
    expect(rechargeLabel(10000, 0)).toBe('充100');
    expect(rechargeLabel(9950, 50)).toBe('充99.50送0.50');
  });
});
