import type { MemberCode } from '@wemember/shared'

/** A code goes up for at least this long: a countdown never starts at a few seconds. */
export const MIN_CODE_LIFETIME_MS = 10_000
/** …and for at most a minute, however wrong the phone's clock is. */
export const MAX_CODE_LIFETIME_MS = 60_000

/**
 * How long to show a code the server just served before asking for the next one. Normally until
 * its `refreshAt`. A code served a few seconds before its `refreshAt` (the server hands out the
 * same code until then) is still accepted until `expiresAt`, a window later: it stays up until
 * MIN_CODE_LIFETIME_MS before that, so a clerk scanning at the end of the countdown still has time.
 */
export function codeLifetimeMs(code: Pick<MemberCode, 'refreshAt' | 'expiresAt'>, now: number): number {
  const untilRefresh = Date.parse(code.refreshAt) - now
  const lifetime = untilRefresh >= MIN_CODE_LIFETIME_MS ? untilRefresh : Date.parse(code.expiresAt) - now - MIN_CODE_LIFETIME_MS
  if (!Number.isFinite(lifetime)) return MAX_CODE_LIFETIME_MS
  return Math.min(MAX_CODE_LIFETIME_MS, Math.max(MIN_CODE_LIFETIME_MS, lifetime))
}

/** Whole seconds left until `due`, for the countdown; never below 0. */
export function secondsUntil(due: number, now: number): number {
  return Math.max(0, Math.ceil((due - now) / 1000))
}
