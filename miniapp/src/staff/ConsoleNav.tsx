import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { StaffProfile } from '@wemember/shared'
import { staffSession } from '../services/session'
import { switchConsole } from './console'
import { openLogin } from './staff-page'
import { mayUseTill } from './TillOnly'

/**
 * The console's top bar: its two sections, who is signed in, and the way out. A section's own
 * page (a list) shows the bar with its tab on; a page opened from one (an editor, a campaign)
 * passes `section` too, so the marketer can jump across.
 */
export default function ConsoleNav({ section, staff }: { section: 'campaigns' | 'segments'; staff: StaffProfile | null }) {
  function logOut() {
    staffSession.clear()
    openLogin()
  }
  return (
    <View className='console-nav'>
      <View className='console-nav__tabs'>
        <Text className={`console-nav__tab console-nav__tab--campaigns${section === 'campaigns' ? ' is-on' : ''}`} onClick={() => switchConsole('campaigns')}>
          营销活动
        </Text>
        <Text className={`console-nav__tab console-nav__tab--segments${section === 'segments' ? ' is-on' : ''}`} onClick={() => switchConsole('segments')}>
          人群
        </Text>
        {staff && mayUseTill(staff.role) && (
          <Text className='console-nav__tab console-nav__tab--till' onClick={() => Taro.redirectTo({ url: '/staff/scan/index' })}>
            员工首页
          </Text>
        )}
      </View>
      <View className='console-nav__who'>
        <Text className='console-nav__name'>{staff ? `${staff.displayName} · ${staff.roleName}` : '加载中…'}</Text>
        <Text className='console-nav__logout' onClick={logOut}>
          退出
        </Text>
      </View>
    </View>
  )
}
