import Taro, { useDidShow } from '@tarojs/taro'
import type { StaffProfile } from '@wemember/shared'
import { getStaffProfile } from '../services/api'
import { RequestError } from '../services/request'
import { staffSession } from '../services/session'

/* What every staff page does with the staff member's session. */

export function openLogin() {
  Taro.redirectTo({ url: '/staff/login/index' })
}

/** A refused staff token: the interceptor has dropped it, so log in again. */
export function leaveIfUnauthorized(failure: unknown): boolean {
  if (!(failure instanceof RequestError && failure.unauthorized)) return false
  openLogin()
  return true
}

/**
 * Each time the page shows, the signed-in staff member's profile (their role and store may have
 * changed meanwhile); without a session, the login page instead.
 */
export function useStaffProfile(onProfile: (profile: StaffProfile) => void, onFailure: (failure: unknown) => void) {
  useDidShow(() => {
    if (!staffSession.get()) {
      openLogin()
      return
    }
    getStaffProfile().then(onProfile, onFailure)
  })
}
