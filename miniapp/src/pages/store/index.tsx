import { useState } from 'react'
import { useLoad } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { HomeStore } from '@wemember/shared'
import { PhoneLink } from '../../platform/profile-inputs'
import { getHomeStore } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { leaveIfSignedOut, openTab, requireMember } from '../../services/navigation'
import BackBar from '../../components/BackBar'
import './index.scss'

/** The store the member joined at: where it is, when it opens, how to call it. */
export default function StorePage() {
  const [home, setHome] = useState<HomeStore | null>(null)
  const [error, setError] = useState('')

  useLoad(() => {
    if (!requireMember()) return
    getHomeStore()
      .then(setHome)
      .catch((failure) => {
        if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
      })
  })

  const store = home?.store

  return (
    <View className='m-page store-page'>
      <BackBar title='我的门店' fallback={() => openTab('me')} />
      {error && <View className='m-error store-error'>{error}</View>}
      {!home && !error && <View className='skeleton skeleton--block store-skeleton' />}
      {home && !store && (
        <View className='m-section m-empty store-empty'>
          <Text className='m-empty__title'>还没有入会门店</Text>
          <Text className='m-empty__hint'>你是通过小程序直接入会的。下次到店扫描门店的会员码，积分和优惠在所有门店都能使用</Text>
        </View>
      )}
      {store && (
        <View className='m-section store'>
          <View className='store__head'>
            <Text className='store-name'>{store.name}</Text>
            <Text className='store__tag'>入会门店</Text>
          </View>
          <View className='m-row store-address'>
            <Text className='m-row__label'>地址</Text>
            <Text className='store-row__value'>{store.address ?? '门店暂未登记地址'}</Text>
          </View>
          <View className='m-row store-hours'>
            <Text className='m-row__label'>营业时间</Text>
            <Text className='store-row__value'>{store.hours ?? '请致电门店咨询'}</Text>
          </View>
          <View className='m-row store-phone'>
            <Text className='m-row__label'>电话</Text>
            {store.phone ? <PhoneLink className='store-row__value store-call' phone={store.phone} /> : <Text className='store-row__value'>暂无</Text>}
          </View>
        </View>
      )}
    </View>
  )
}
