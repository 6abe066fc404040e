import { describe, expect, it } from '@jest/globals'
import { couponFace, expiryHint, validDates } from './face'

describe('a coupon as a shopper reads it', () => {
  it('shows the value big and the condition under it', () => {
    expect(couponFace({ type: 'cash', valueFen: 2000, percentOff: null, thresholdFen: 10_000 })).toEqual({ value: '¥20', condition: '满100元可用' })
    expect(couponFace({ type: 'cash', valueFen: 990, percentOff: null, thresholdFen: 0 })).toEqual({ value: '¥9.90', condition: '无门槛' })
    expect(couponFace({ type: 'percent', valueFen: null, percentOff: 15, thresholdFen: 5_050 })).toEqual({ value: '8.5折', condition: '满50.50元可用' })
    expect(couponFace({ type: 'percent', valueFen: null, percentOff: 20, thresholdFen: 0 }).value).toBe('8折')
    expect(couponFace({ type: 'gift', valueFen: null, percentOff: null, thresholdFen: 0 })).toEqual({ value: '赠品', condition: '到店领取' })
  })

  it('counts the days left of a coupon ending soon, and says nothing of one that is not', () => {
    expect(expiryHint({ expiringSoon: true, validTo: '2026-12-04' }, '2026-12-01')).toBe('3 天后过期')
    expect(expiryHint({ expiringSoon: true, validTo: '2026-12-02' }, '2026-12-01')).toBe('明天到期')
    expect(expiryHint({ expiringSoon: true, validTo: '2026-12-01' }, '2026-12-01')).toBe('今天到期')
    expect(expiryHint({ expiringSoon: false, validTo: '2026-12-02' }, '2026-12-01')).toBeNull()
  })

  it('writes a one-day coupon as that day', () => {
    expect(validDates({ validFrom: '2026-12-01', validTo: '2026-12-31' })).toBe('2026-12-01 至 2026-12-31')
    expect(validDates({ validFrom: '2026-12-01', validTo: '2026-12-01' })).toBe('仅 2026-12-01 当天')
  })
})
