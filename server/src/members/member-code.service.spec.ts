import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { MemberCodes } from './member-code.service';

const config = loadConfig({
  NODE_ENV: 'test',
  JWT_SECRET: randomBytes(32).toString('base64url'),
  PII_KEY: randomBytes(32).toString('base64url'),
  MEMBER_CODE_SECRET: randomBytes(32).toString('base64url'),
});
const codes = new MemberCodes(config, new Clock());
const BRAND = 'brand-1';
const MEMBER_NO = '1234567890';
const T0 = Date.parse('2026-11-28T10:00:30Z');

describe('the dynamic member code', () => {
  it('is 20 digits: the member number, the minute and a signature', () => {
    const { code, refreshAt, expiresAt } = codes.issue(BRAND, MEMBER_NO, T0);
    expect(code).toMatch(/^\d{20}$/);
    expect(code.startsWith(MEMBER_NO)).toBe(true);
    expect(refreshAt).toBe('2026-11-28T10:01:00.000Z');
    expect(expiresAt).toBe('2026-11-28T10:02:00.000Z');
  });

  it('scans during its minute and the next, then is expired (a screenshot stops working)', () => {
    const { code } = codes.issue(BRAND, MEMBER_NO, T0);
    expect(codes.verify(BRAND, code, T0)).toBe(MEMBER_NO);
    expect(codes.verify(BRAND, code, T0 + 89_000)).toBe(MEMBER_NO);
    expect(() => codes.verify(BRAND, code, T0 + 90_000)).toThrow(expect.objectContaining({ code: 'MEMBER_CODE_EXPIRED' }));
    expect(() => codes.verify(BRAND, code, T0 + 99 * 60_000)).toThrow(expect.objectContaining({ code: 'MEMBER_CODE_EXPIRED' }));
  });

  it('rotates every minute', () => {
    expect(codes.issue(BRAND, MEMBER_NO, T0).code).not.toBe(codes.issue(BRAND, MEMBER_NO, T0 + 60_000).code);
  });

  it('a changed digit, another brand or another secret is invalid, not expired', () => {
    const { code } = codes.issue(BRAND, MEMBER_NO, T0);
    const forged = code.slice(0, 19) + ((Number(code[19]) + 1) % 10);
    expect(() => codes.verify(BRAND, forged, T0)).toThrow(expect.objectContaining({ code: 'MEMBER_CODE_INVALID' }));
    expect(() => codes.verify('brand-2', code, T0)).toThrow(expect.objectContaining({ code: 'MEMBER_CODE_INVALID' }));
    const other = new MemberCodes(loadConfig({ ...process.env, NODE_ENV: 'test', JWT_SECRET: randomBytes(32).toString('base64url'), PII_KEY: randomBytes(32).toString('base64url'), MEMBER_CODE_SECRET: randomBytes(32).toString('base64url') }), new Clock());
    expect(() => other.verify(BRAND, code, T0)).toThrow(expect.objectContaining({ code: 'MEMBER_CODE_INVALID' }));
    expect(() => codes.verify(BRAND, '12345', T0)).toThrow(expect.objectContaining({ code: 'MEMBER_CODE_INVALID' }));
  });
});
