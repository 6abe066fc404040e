import { useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { PointsExchange } from '@wemember/shared'
import { chinaDateTime } from '@wemember/shared/china-time'
import { formatCount } from '@wemember/shared/money'
import BackBar from '../../components/BackBar'
import { getMemberExchanges } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { signedCount } from '../../services/format'
import { leaveIfSignedOut, openCoupon, openCouponPage, requireMember } from '../../services/navigation'
import { STATUS_NAMES } from '../face'
import './index.scss'

export default function ExchangesPage() {
  const [exchanges, setExchanges] = useState<PointsExchange[] | null>(null)
  const [error, setError] = useState('')

  useDidShow(() => {
    if (!requireMember()) return
    getMemberExchanges().then(
      (answer) => {
        setExchanges(answer.exchanges)
        setError('')
      },
      (failure) => {
        if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
      },
    )
  })

  return (
    <View className='m-page exchanges-page'>
      <BackBar title='兑换记录' fallback={() => openCouponPage('mall')} />
      {error && <View className='m-error exchanges-error'>{error}</View>}
      {exchanges === null && !error && <View className='skeleton skeleton--block' />}
      {exchanges && exchanges.length === 0 && (
        <View className='m-section m-empty exchanges-empty'>
          <Text className='m-empty__title'>还没有兑换记录</Text>
          <Text className='m-empty__hint'>在积分商城用积分兑换券和礼品，记录会显示在这里</Text>
          <Text className='coupon-link exchanges-mall' onClick={() => openCouponPage('mall')}>
            去积分商城 ›
          </Text>
        </View>
      )}
      {exchanges && exchanges.length > 0 && (
        <View className='m-section'>
          {exchanges.map((exchange) => (
            <View key={exchange.id} className='exchange-row' onClick={() => openCoupon(exchange.couponId)}>
              <View className='exchange-row__main'>
                <Text className='exchange-name'>{exchange.name}</Text>
                <Text className='exchange-summary'>{exchange.summary}</Text>
                <Text className='exchange-time'>{chinaDateTime(new Date(exchange.createdAt))}</Text>
              </View>
              <View className='exchange-row__side'>
                <Text className='exchange-points'>{`${signedCount(-exchange.points, formatCount)} 积分`}</Text>
                <Text className={`exchange-status exchange-status--${exchange.couponStatus}`}>{STATUS_NAMES[exchange.couponStatus]}</Text>
              </View>
            </View>
          ))}
        </View>
      )}
    </View>
  )
}
