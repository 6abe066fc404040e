import { chinaDate, chinaDateLabel, chinaDateTime, chinaDayStart, chinaMonth, chinaWeekday } from './china-time';

describe('business dates are Asia/Shanghai whatever the machine zone', () => {
  it('an instant late on 31 Dec UTC is already New Year in Shanghai', () => {
    const at = new Date('2026-12-31T16:30:00Z');
    expect(chinaDate(at)).toBe('2027-01-01');
    expect(chinaMonth(at)).toBe(1);
  });

  it('a Shanghai day starts at 16:00 UTC the day before', () => {
    expect(chinaDayStart('2026-11-28').toISOString()).toBe('2026-11-27T16:00:00.000Z');
    expect(chinaDate(chinaDayStart('2026-11-28'))).toBe('2026-11-28');
    expect(chinaDate(new Date(chinaDayStart('2026-11-28').getTime() - 1))).toBe('2026-11-27');
  });

  it('member day (Wednesday) is judged in Shanghai', () => {
    // 2026-12-01T17:00Z is Wednesday 2 Dec 01:00 in Shanghai (still Tuesday in UTC).
    expect(chinaWeekday(new Date('2026-12-01T17:00:00Z'))).toBe(3);
  });

  it('shows an instant as Shanghai wall-clock time and a date the way a shopper reads it', () => {
    expect(chinaDateTime(new Date('2026-12-31T16:30:59Z'))).toBe('2027-01-01 00:30');
    expect(chinaDateTime(new Date('2026-11-28T06:05:00Z'))).toBe('2026-11-28 14:05');
    expect(chinaDateLabel('2027-12-31')).toBe('2027年12月31日');
    expect(chinaDateLabel('2027-01-05')).toBe('2027年1月5日');
  });
});
