/** Money is always an integer number of fen (1 yuan = 100 fen). Never a float. */
declare const fenBrand: unique symbol;
export type Fen = number & { readonly [fenBrand]: 'Fen' };

/** The largest amount one purchase or recharge may carry: ¥1,000,000.00. */
export const MAX_FEN = 100_000_000;

export function fen(value: number): Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer amount of fen: ${value}`);
  return value as Fen;
}

/** "¥1,234.50" for display; negative amounts keep their sign. */
export function formatYuan(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${yuan}.${cents}`;
}

/** "12,345" for counts shown to people (points, growth); negative counts keep their sign. */
export function formatCount(count: number): string {
  const sign = count < 0 ? '-' : '';
  return sign + Math.trunc(Math.abs(count)).toLocaleString('en-US');
}

/** floor(a × b / c) for non-negative safe integers, exact even when a × b passes 2^53: shares of an amount. */
export function mulDiv(a: number, b: number, c: number): number {
  const product = a * b;
  if (Number.isSafeInteger(product)) return Math.floor(product / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}
