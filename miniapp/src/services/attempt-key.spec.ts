import { describe, expect, it } from '@jest/globals'
import { AttemptKey } from './attempt-key'

function aKey(prefix = 'T') {
  let tick = 1_764_316_800_000
  let seed = 0
  return new AttemptKey(
    prefix,
    () => tick++,
    () => (seed++ % 10) / 10,
  )
}

describe('AttemptKey', () => {
  it('makes one key per action, in the characters the API accepts', () => {
    const key = aKey('T')
    const first = key.get()
    expect(first).toMatch(/^T\d{13}[0-9A-Z]{4}$/)
    expect(key.get()).toBe(first)
    key.reset()
    expect(key.get()).not.toBe(first)
  })

  it('keeps the key after a send with no certain answer, so the retry cannot record twice', () => {
    const key = aKey()
    const first = key.get()
    key.failed(true)
    expect(key.pending).toBe(true)
    expect(key.get()).toBe(first)
    // Even a definite refusal of the retry (say, the member code expired meanwhile) keeps it:
    // the first send may still have been recorded.
    key.failed(false)
    expect(key.get()).toBe(first)
  })

  it('takes a fresh key after a definite refusal, when nothing can have been recorded', () => {
    const key = aKey()
    const first = key.get()
    key.failed(false)
    expect(key.pending).toBe(false)
    expect(key.get()).not.toBe(first)
  })

  it('starts over once the action is recorded', () => {
    const key = aKey('R')
    const first = key.get()
    key.failed(true)
    key.reset()
    expect(key.pending).toBe(false)
    expect(key.get()).not.toBe(first)
    expect(key.get()).toMatch(/^R/)
  })
})
