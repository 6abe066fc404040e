/** Mainland China mobile numbers: 11 digits starting with 1[3-9]. */
export const CN_MOBILE = /^1[3-9]\d{9}$/;

export function isChinaMobile(phone: string): boolean {
  return CN_MOBILE.test(phone);
}

/** 13812341234 → 138****1234 */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}
