import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { StaffProfile } from '@wemember/shared'

/** What a staff member who may not run campaigns (a clerk, a manager) sees instead of the console's pages. */
export default function MarketingOnly({ staff }: { staff: StaffProfile }) {
  return (
    <View className='till-not-offered-page'>
      <View className='till-not-offered'>
        <Text className='till-not-offered__title'>{`${staff.roleName}账号不能管理人群和营销活动`}</Text>
        <Text className='till-not-offered__text'>人群和营销活动由总部营销人员和总部管理员管理。</Text>
        <Button className='till-not-offered__back' onClick={() => Taro.redirectTo({ url: '/staff/scan/index' })}>
          <Text>返回员工首页</Text>
        </Button>
      </View>
    </View>
  )
}
