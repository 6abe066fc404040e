import { describe, expect, it } from '@jest/globals'
import { fenToYuanText, parsePointsInput, parseYuanToFen } from './money-input'

describe('parseYuanToFen', () => {
  it('reads whole yuan and one or two decimals as integer fen', () => {
    expect(parseYuanToFen('12')).toBe(1200)
    expect(parseYuanToFen('12.3')).toBe(1230)
    expect(parseYuanToFen('12.34')).toBe(1234)
    expect(parseYuanToFen('0.01')).toBe(1)
    expect(parseYuanToFen('0')).toBe(0)
    expect(parseYuanToFen(' 8.5 ')).toBe(850)
    expect(parseYuanToFen('007.10')).toBe(710)
  })

  it('is exact where floats are not', () => {
    // In floating point 0.29 * 100, 19.99 * 100 and 4.35 * 100 all fall just short of a whole fen.
    expect(parseYuanToFen('0.29')).toBe(29)
    expect(parseYuanToFen('19.99')).toBe(1999)
    expect(parseYuanToFen('4.35')).toBe(435)
  })

  it('accepts up to ¥1,000,000.00 and nothing above', () => {
    expect(parseYuanToFen('1000000')).toBe(100_000_000)
    expect(parseYuanToFen('1000000.00')).toBe(100_000_000)
    expect(parseYuanToFen('999999.99')).toBe(99_999_999)
    expect(parseYuanToFen('1000000.01')).toBeNull()
    expect(parseYuanToFen('10000000')).toBeNull()
    expect(parseYuanToFen('99999999999999999999')).toBeNull()
  })

  it('rejects anything that is not a plain amount', () => {
    for (const text of ['', '  ', '-1', '-0.5', '+5', '1.234', '12.', '.5', '1,000', '1e3', '¥5', '5元', 'abc', '1.2.3', '１２', 'NaN', 'Infinity']) {
      expect([text, parseYuanToFen(text)]).toEqual([text, null])
    }
  })
})

describe('fenToYuanText', () => {
  it('writes fen as the yuan text a field starts with', () => {
    expect(fenToYuanText(12345)).toBe('123.45')
    expect(fenToYuanText(1200)).toBe('12.00')
    expect(fenToYuanText(5)).toBe('0.05')
    expect(fenToYuanText(0)).toBe('0.00')
    expect(fenToYuanText(100_000_000)).toBe('1000000.00')
  })

  it('round-trips through parseYuanToFen', () => {
    for (const fen of [0, 1, 10, 99, 100, 1999, 123456, 100_000_000]) {
      expect(parseYuanToFen(fenToYuanText(fen))).toBe(fen)
    }
  })
})

describe('parsePointsInput', () => {
  it('reads whole points', () => {
    expect(parsePointsInput('600')).toEqual({ points: 600 })
    expect(parsePointsInput(' 15 ')).toEqual({ points: 15 })
    expect(parsePointsInput('0')).toEqual({ points: 0 })
    expect(parsePointsInput('007')).toEqual({ points: 7 })
    expect(parsePointsInput('999999999')).toEqual({ points: 999_999_999 })
  })

  it('refuses a decimal as a decimal: "1.5" is neither 15 nor 1', () => {
    for (const text of ['1.5', '1.0', '.5', '15.', '1,5', '1。5', '１.５'.normalize('NFKC')]) {
      expect([text, parsePointsInput(text)]).toEqual([text, { error: '积分只能是整数，不能有小数' }])
    }
  })

  it('refuses anything else that is not plain digits, and says what to type', () => {
    expect(parsePointsInput('')).toEqual({ error: '请输入要抵扣的积分' })
    expect(parsePointsInput('  ')).toEqual({ error: '请输入要抵扣的积分' })
    for (const text of ['-5', '+5', '1e3', '5分', 'abc', '1.2.3', '１２']) {
      expect([text, parsePointsInput(text)]).toEqual([text, { error: '请输入整数积分' }])
    }
    expect(parsePointsInput('1000000000')).toEqual({ error: '积分数过大' })
  })
})
