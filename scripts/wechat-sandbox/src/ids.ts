import { createHash, randomBytes, randomInt } from 'node:crypto';

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomAlphanumeric(length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) text += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return text;
}

/** Openids and unionids look like `oGZUI0egBJY1zhBYw2KhdUfwVJJE`: `o` + 27 base64url chars. */
export function newOpenid(): string {
  return 'o' + randomBytes(21).toString('base64url').slice(0, 27);
}

/** The unionid of a user who did not bring one: stable per openid, same shape as an openid. */
export function unionidFor(openid: string): string {
  return 'o' + createHash('sha256').update(`unionid:${openid}`).digest('base64url').slice(0, 27);
}

/** wx.login codes are 32 visible chars. */
export function newLoginCode(): string {
  return randomAlphanumeric(32);
}

/** Phone-button codes are longer hex strings. */
export function newPhoneCode(): string {
  return randomBytes(32).toString('hex');
}

/** session_key is base64 of 16 random bytes: the AES-128 key of §B.2. */
export function newSessionKey(): string {
  return randomBytes(16).toString('base64');
}

/** Real tokens are opaque, ~140 chars of [0-9A-Za-z_-]; storage should reserve 512 (§C.1). */
export function newAccessToken(): string {
  return `${randomInt(10, 99)}_${randomBytes(102).toString('base64url')}`;
}

/** Template msgids exceed 2^53 (e.g. 3717005636572528642, §D) but fit a signed 64-bit integer. */
export function newTemplateMsgid(): bigint {
  const low = BigInt('0x' + randomBytes(7).toString('hex')); // < 2^56
  return (1n << 61n) + low;
}

export function newNonce(): string {
  return String(randomInt(100_000_000, 2_000_000_000));
}

/** The official account's original id (`gh_…`), the ToUserName of every push (§G.2). */
export function originalIdFor(appid: string): string {
  return 'gh_' + createHash('sha1').update(`gh:${appid}`).digest('hex').slice(0, 12);
}

/** The openid an app gives the person behind `unionid` when only the unionid is known: stable per app. */
export function openidForUnionid(appid: string, unionid: string): string {
  return 'o' + createHash('sha256').update(`openid:${appid}:${unionid}`).digest('base64url').slice(0, 27);
}
