import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import './BackBar.scss'

interface BackBarProps {
  title: string
  /** Where "返回" leads when there is no page to go back to (the page was opened directly). */
  fallback(): void
}

/**
 * The back affordance of a page that is not a tab, in the browser only: WeChat draws its own
 * navigation bar with a back arrow, the H5 build shows none.
 */
export default function BackBar({ title, fallback }: BackBarProps) {
  if (process.env.TARO_ENV !== 'h5') return null
  function back() {
    if (Taro.getCurrentPages().length > 1) Taro.navigateBack()
    else fallback()
  }
  return (
    <View className='back-bar'>
      <Text className='back-bar__back' onClick={back}>
        ‹ 返回
      </Text>
      <Text className='back-bar__title'>{title}</Text>
    </View>
  )
}
