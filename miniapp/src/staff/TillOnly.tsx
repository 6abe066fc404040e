import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { API_ROUTES, StaffProfile, StaffRole } from '@wemember/shared'

/** The roles the till's routes take (recording, listing and refunding purchases): everyone but marketers. */
type TillRole = (typeof API_ROUTES)['staffCreateOrder']['roles'][number]
const AT_THE_TILL: Record<TillRole, true> = { clerk: true, store_manager: true, region_manager: true, hq_admin: true }

/** True when the staff member may work the till (record purchases, list orders, refund). */
export function mayUseTill(role: StaffRole): boolean {
  return Object.prototype.hasOwnProperty.call(AT_THE_TILL, role)
}

/** What a staff member who may not work the till sees instead of the till's pages. */
export default function TillNotOffered({ staff }: { staff: StaffProfile }) {
  return (
    <View className='till-not-offered-page'>
      <View className='till-not-offered'>
        <Text className='till-not-offered__title'>{`${staff.roleName}账号不能收银或退款`}</Text>
        <Text className='till-not-offered__text'>收银记账、查看订单和退货退款请由门店店员或店长办理。你可以在员工首页扫描会员码查询会员信息。</Text>
        <Button className='till-not-offered__back' onClick={() => Taro.redirectTo({ url: '/staff/scan/index' })}>
          <Text>返回员工首页</Text>
        </Button>
      </View>
    </View>
  )
}
