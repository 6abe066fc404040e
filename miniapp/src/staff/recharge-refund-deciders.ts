import Taro from '@tarojs/taro'
import type { API_ROUTES, StaffRole } from '@wemember/shared'

/** The roles that decide members' recharge refunds (the route's own list): managers and HQ. */
type DeciderRole = (typeof API_ROUTES)['staffDecideRechargeRefund']['roles'][number]
const DECIDERS: Record<DeciderRole, true> = { hq_admin: true, region_manager: true, store_manager: true }

export function mayDecideRechargeRefunds(role: StaffRole): boolean {
  return Object.prototype.hasOwnProperty.call(DECIDERS, role)
}

/** 储值退款审核: members' requests for their unused principal back. */
export function openRechargeRefunds() {
  Taro.navigateTo({ url: '/staff/recharge-refunds/index' })
}
