/*
 * A coupon's code: what its QR holds, what the member reads out and what a clerk types. No zod and
 * nothing else here: the miniapp imports this module on its own (`@wemember/shared/coupon-code`) to
 * tell a scanned coupon from a member code and to catch a typo before asking the server.
 */

/**
 * Crockford's base32: no I, L, O or U, so a code read aloud or typed from a screen has no look-alikes;
 * typing I/L for 1 and O for 0 is forgiven.
 */
export const COUPON_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 16 random characters (80 bits) and one check character. */
export const COUPON_CODE_DATA_LENGTH = 16;
export const COUPON_CODE_LENGTH = COUPON_CODE_DATA_LENGTH + 1;

/** A canonical coupon code: what the QR holds and the database stores. */
export const COUPON_CODE = new RegExp(`^[${COUPON_CODE_ALPHABET}]{${COUPON_CODE_LENGTH}}$`);

/**
 * The check character, Luhn mod 32 over the data characters: it catches every single mistyped
 * character and every swap of two neighbours.
 */
export function couponCheckChar(data: string): string {
  const n = COUPON_CODE_ALPHABET.length;
  let sum = 0;
  let factor = 2;
  for (let i = data.length - 1; i >= 0; i--) {
    const value = COUPON_CODE_ALPHABET.indexOf(data[i]);
    if (value < 0) throw new Error(`not a coupon code character: ${data[i]}`);
    const addend = factor * value;
    sum += Math.floor(addend / n) + (addend % n);
    factor = factor === 2 ? 1 : 2;
  }
  return COUPON_CODE_ALPHABET[(n - (sum % n)) % n];
}

/** A code from 80 random bits (16 × 5): the caller brings the randomness (crypto.randomBytes(10)). */
export function couponCodeFromBytes(bytes: Uint8Array): string {
  if (bytes.length * 8 < COUPON_CODE_DATA_LENGTH * 5) throw new Error('a coupon code needs 80 random bits');
  let bits = 0n;
  for (const byte of bytes.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let data = '';
  for (let i = 0; i < COUPON_CODE_DATA_LENGTH; i++) {
    data = COUPON_CODE_ALPHABET[Number(bits & 31n)] + data;
    bits >>= 5n;
  }
  return data + couponCheckChar(data);
}

/**
 * The canonical form of what a clerk typed or a scanner read: upper case, spaces and dashes
 * dropped, O read as 0 and I/L as 1. Null when it is not a well-formed code or its check character
 * is wrong (a typo), so no lookup is spent on it.
 */
export function normalizeCouponCode(input: string): string | null {
  const code = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (!COUPON_CODE.test(code)) return null;
  return couponCheckChar(code.slice(0, COUPON_CODE_DATA_LENGTH)) === code[COUPON_CODE_DATA_LENGTH] ? code : null;
}

/** "K7QM 2XPA 9D3R HF6TZ": the code in groups a person can read out and type. */
export function formatCouponCode(code: string): string {
  return `${code.slice(0, 4)} ${code.slice(4, 8)} ${code.slice(8, 12)} ${code.slice(12)}`;
}
