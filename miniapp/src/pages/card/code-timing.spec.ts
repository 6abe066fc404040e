import { describe, expect, it } from '@jest/globals'
import { codeLifetimeMs, secondsUntil } from './code-timing'

const T0 = Date.parse('2026-11-29T08:00:00.000Z')
/** A code of the window starting at T0: refreshed at +60 s, accepted until +120 s. */
const code = { refreshAt: '2026-11-29T08:01:00.000Z', expiresAt: '2026-11-29T08:02:00.000Z' }

describe('codeLifetimeMs', () => {
  it('shows a code until its refreshAt when that is far enough away', () => {
    expect(codeLifetimeMs(code, T0)).toBe(60_000)
    expect(codeLifetimeMs(code, T0 + 30_000)).toBe(30_000)
    expect(codeLifetimeMs(code, T0 + 50_000)).toBe(10_000)
  })

  it('keeps a code served seconds before its refreshAt up for most of the next window, ending 10 s before it expires', () => {
    // Served at second 57: 3 s to refreshAt, 63 s to expiresAt → up for 53 s, not 3 s.
    expect(codeLifetimeMs(code, T0 + 57_000)).toBe(53_000)
    expect(codeLifetimeMs(code, T0 + 59_999)).toBe(50_001)
    // The countdown ends while the code is still accepted for 10 s.
    const shownAt = T0 + 55_000
    expect(shownAt + codeLifetimeMs(code, shownAt)).toBe(Date.parse(code.expiresAt) - 10_000)
  })

  it('stays between 10 s and a minute whatever the phone clock says', () => {
    // Phone clock 5 minutes fast: everything looks expired.
    expect(codeLifetimeMs(code, T0 + 300_000)).toBe(10_000)
    // Phone clock 5 minutes slow: everything looks far away.
    expect(codeLifetimeMs(code, T0 - 300_000)).toBe(60_000)
    expect(codeLifetimeMs({ refreshAt: 'nonsense', expiresAt: 'nonsense' }, T0)).toBe(60_000)
  })
})

describe('secondsUntil', () => {
  it('rounds up to whole seconds and stops at 0', () => {
    expect(secondsUntil(T0 + 53_000, T0)).toBe(53)
    expect(secondsUntil(T0 + 52_001, T0)).toBe(53)
    expect(secondsUntil(T0, T0 + 5_000)).toBe(0)
  })
})
