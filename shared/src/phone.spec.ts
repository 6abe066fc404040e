import { formatYuan, fen } from './money';
import { isChinaMobile, maskPhone } from './phone';
import { isValidScene } from './scene';

describe('phone numbers', () => {
  it('accepts mainland mobiles only', () => {
    expect(isChinaMobile('13812341234')).toBe(true);
    expect(isChinaMobile('19912341234')).toBe(true);
    expect(isChinaMobile('12812341234')).toBe(false);
    expect(isChinaMobile('1381234123')).toBe(false);
    expect(isChinaMobile('+8613812341234')).toBe(false);
  });

  it('masks the middle four digits as staff views show them', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
  });
});

describe('money in fen', () => {
  it('formats fen as yuan without floats', () => {
    expect(formatYuan(55000)).toBe('¥550.00');
    expect(formatYuan(123456789)).toBe('¥1,234,567.89');
    expect(formatYuan(5)).toBe('¥0.05');
    expect(formatYuan(-1050)).toBe('-¥10.50');
  });

  it('refuses a fractional amount', () => {
    expect(() => fen(10.5)).toThrow(RangeError);
    expect(fen(1050)).toBe(1050);
  });
});

describe('store code scenes (wxacode.getUnlimited rules)', () => {
  it('allows up to 32 characters of the permitted set', () => {
    expect(isValidScene('jXTxmTRB')).toBe(true);
    expect(isValidScene('a'.repeat(32))).toBe(true);
    expect(isValidScene('a'.repeat(33))).toBe(false);
    expect(isValidScene('')).toBe(false);
    expect(isValidScene('门店')).toBe(false);
    expect(isValidScene('a%20b')).toBe(false);
  });
});
