import { describe, expect, it } from '@jest/globals'
import { formatCount } from '@wemember/shared/money'
import { avatarSrc, couponLineValue, foldText, memberDayPerks, minusYuan, percentBetween, shortYuan, signedCount, timesText } from './format'

describe('formatCount (shared)', () => {
  it('groups thousands', () => {
    expect(formatCount(0)).toBe('0')
    expect(formatCount(999)).toBe('999')
    expect(formatCount(1000)).toBe('1,000')
    expect(formatCount(1234567)).toBe('1,234,567')
    expect(formatCount(-12500)).toBe('-12,500')
  })
})

describe('receipt figures', () => {
  it('signs counts with a true minus sign', () => {
    expect(signedCount(1280, formatCount)).toBe('+1,280')
    expect(signedCount(-500, formatCount)).toBe('−500')
    expect(signedCount(0, formatCount)).toBe('+0')
    expect(minusYuan(1230)).toBe('−¥12.30')
  })

  it('shows what a coupon took off, or the gift it handed over', () => {
    expect(couponLineValue({ type: 'cash', giftName: null, discountFen: 2000 })).toBe('−¥20.00')
    expect(couponLineValue({ type: 'percent', giftName: null, discountFen: 1234 })).toBe('−¥12.34')
    expect(couponLineValue({ type: 'gift', giftName: '抽纸一提', discountFen: 0 })).toBe('赠 抽纸一提')
  })

  it('writes whole yuan short inside a sentence, and keeps the fen otherwise', () => {
    expect(shortYuan(50000)).toBe('¥500')
    expect(shortYuan(123400000)).toBe('¥1,234,000')
    expect(shortYuan(1250)).toBe('¥12.50')
    expect(shortYuan(0)).toBe('¥0')
  })

})

describe('avatarSrc', () => {
  it('makes a full URL of a path below the API, with or without the /api prefix', () => {
    expect(avatarSrc('/member/avatars/a1.png', '/api')).toBe('/api/member/avatars/a1.png')
    expect(avatarSrc('/api/member/avatars/a1.png', '/api')).toBe('/api/member/avatars/a1.png')
    expect(avatarSrc('/api/member/avatars/a1.png', 'https://m.example.com/api')).toBe('https://m.example.com/api/member/avatars/a1.png')
    expect(avatarSrc('/member/avatars/a1.png', 'https://m.example.com/api/')).toBe('https://m.example.com/api/member/avatars/a1.png')
    expect(avatarSrc('https://cdn.example.com/a.png', '/api')).toBe('https://cdn.example.com/a.png')
    expect(avatarSrc(null, '/api')).toBeNull()
  })
})

describe('percentBetween', () => {
  it('is the share of the way, bounded to 0–100', () => {
    expect(percentBetween(500, 0, 1000)).toBe(50)
    expect(percentBetween(1500, 1000, 3000)).toBe(25)
    expect(percentBetween(-5, 0, 1000)).toBe(0)
    expect(percentBetween(5000, 1000, 3000)).toBe(100)
    expect(percentBetween(10, 1000, 1000)).toBe(100)
  })
})

describe('member day banner', () => {
  it('says the multiplier and the extra discount as a shopper reads them', () => {
    expect(timesText(200)).toBe('2倍')
    expect(timesText(150)).toBe('1.5倍')
    expect(timesText(125)).toBe('1.25倍')
    expect(foldText(2)).toBe('9.8折')
    expect(foldText(10)).toBe('9折')
    expect(memberDayPerks({ multiplierPercent: 200, discountOffPercent: 2 })).toEqual(['积分2倍', '额外9.8折'])
    expect(memberDayPerks({ multiplierPercent: 100, discountOffPercent: 0 })).toEqual([])
  })
})
