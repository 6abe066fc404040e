import { describe, expect, it } from '@jest/globals'
import { canMakeUp, monthGrid, shiftMonth } from './month-grid'

describe('check-in month grid', () => {
  it('pads to Monday and holds every day of the month', () => {
    // 1 June 2026 is a Monday; 1 November 2026 a Sunday.
    expect(monthGrid('2026-06').slice(0, 2)).toEqual(['2026-06-01', '2026-06-02'])
    expect(monthGrid('2026-06')).toHaveLength(30)
    const november = monthGrid('2026-11')
    expect(november.slice(0, 7)).toEqual([null, null, null, null, null, null, '2026-11-01'])
    expect(monthGrid('2028-02').filter(Boolean)).toHaveLength(29)
  })

  it('steps across years', () => {
    expect(shiftMonth('2026-01', -1)).toBe('2025-12')
    expect(shiftMonth('2026-12', 1)).toBe('2027-01')
  })
})

describe('canMakeUp', () => {
  const offer = { earliest: '2026-06-10', remainingThisMonth: 1 }
  it('offers the missed days of the window before today while make-ups are left', () => {
    expect(canMakeUp(offer, '2026-06-13', '2026-06-10')).toBe(true)
    expect(canMakeUp(offer, '2026-06-13', '2026-06-12')).toBe(true)
    expect(canMakeUp(offer, '2026-06-13', '2026-06-13')).toBe(false)
    expect(canMakeUp(offer, '2026-06-13', '2026-06-09')).toBe(false)
    expect(canMakeUp({ ...offer, remainingThisMonth: 0 }, '2026-06-13', '2026-06-12')).toBe(false)
    expect(canMakeUp(null, '2026-06-13', '2026-06-12')).toBe(false)
  })
})
