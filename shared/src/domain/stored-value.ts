import { formatYuan, mulDiv } from '../money';

/*
 * Stored value (储值): what a member paid in (principal, 本金) and what the brand gave on top (bonus,
 * 赠送金) are two accounts. Spending draws principal first; a refund of a recharge returns only
 * principal not yet spent and forfeits the bonus that came with it pro rata. Integers only.
 */

export interface StoredValueBalance {
  principalFen: number;
  bonusFen: number;
}

/** How a payment of `amountFen` from the balance is drawn: principal first, then bonus. */
export function spendSplit(balance: StoredValueBalance, amountFen: number): StoredValueBalance {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) throw new RangeError(`a balance payment of ${amountFen}`);
  if (amountFen > balance.principalFen + balance.bonusFen) throw new RangeError('the balance does not cover the payment');
  const principalFen = Math.min(balance.principalFen, amountFen);
  return { principalFen, bonusFen: amountFen - principalFen };
}

/**
 * The share of a purchase's balance payment that a refund gives back, computed cumulatively like
 * the points' refund share so partial refunds add up to exactly what the purchase drew: the
 * principal share first, the bonus share after.
 */
export function balanceRefundShare(
  paid: StoredValueBalance,
  order: { amountFen: number },
  refundedBeforeFen: number,
  amountFen: number,
): StoredValueBalance {
  const after = refundedBeforeFen + amountFen;
  const share = (total: number) => mulDiv(total, after, order.amountFen) - mulDiv(total, refundedBeforeFen, order.amountFen);
  return { principalFen: share(paid.principalFen), bonusFen: share(paid.bonusFen) };
}

/**
 * What refunding a recharge can give back now: the recharge's principal not refunded yet, no more
 * than the member's principal balance (principal spent is gone), and the bonus that came with that
 * principal, forfeited pro rata (never more than the bonus balance).
 */
export function rechargeRefundable(
  recharge: { principalFen: number; bonusFen: number; refundedPrincipalFen: number },
  balance: StoredValueBalance,
): { principalFen: number; bonusForfeitFen: number } {
  const principalFen = Math.max(0, Math.min(recharge.principalFen - recharge.refundedPrincipalFen, balance.principalFen));
  if (principalFen === 0 || recharge.principalFen === 0) return { principalFen, bonusForfeitFen: 0 };
  // Cumulative, rounded up: refunds of one recharge forfeit its whole bonus exactly once all its principal is back.
  const forfeitUpTo = (principal: number) => mulDivCeil(recharge.bonusFen, principal, recharge.principalFen);
  const before = recharge.refundedPrincipalFen;
  const bonusForfeitFen = Math.min(balance.bonusFen, forfeitUpTo(before + principalFen) - forfeitUpTo(before));
  return { principalFen, bonusForfeitFen };
}

/** ceil(a × b / c) for non-negative safe integers. */
function mulDivCeil(a: number, b: number, c: number): number {
  const down = mulDiv(a, b, c);
  const product = BigInt(a) * BigInt(b);
  return product % BigInt(c) === 0n ? down : down + 1;
}

/** "充500送50", "充100": a recharge package as a shopper reads it. */
export function rechargeLabel(payFen: number, bonusFen: number): string {
  const yuan = (fen: number) => (fen % 100 === 0 ? String(fen / 100) : formatYuan(fen).replace(/^¥/, ''));
  return bonusFen > 0 ? `充${yuan(payFen)}送${yuan(bonusFen)}` : `充${yuan(payFen)}`;
}

/**
 * How a purchase refund's money goes back when the purchase was paid partly from stored value:
 * `balanceShare` (balanceRefundShare) to the balance, the rest of the payable share in cash. A
 * charge-back (points already spent, paid for out of the refund) is taken from the cash part
 * first; only what the cash part cannot cover is kept back from the balance return — bonus first
 * (the brand's own money), then principal.
 */
export function refundTender(payableShareFen: number, balanceShare: StoredValueBalance, chargebackFen: number): { balance: StoredValueBalance; cashFen: number } {
  const cashShare = payableShareFen - balanceShare.principalFen - balanceShare.bonusFen;
  const fromBalance = Math.max(0, chargebackFen - cashShare);
  const bonusCut = Math.min(balanceShare.bonusFen, fromBalance);
  const principalCut = Math.min(balanceShare.principalFen, fromBalance - bonusCut);
  const balance = { principalFen: balanceShare.principalFen - principalCut, bonusFen: balanceShare.bonusFen - bonusCut };
  return { balance, cashFen: payableShareFen - chargebackFen - balance.principalFen - balance.bonusFen };
}
