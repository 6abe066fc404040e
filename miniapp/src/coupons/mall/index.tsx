import { useRef, useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { CouponOffer, PointsMall } from '@wemember/shared'
import { formatCount } from '@wemember/shared/money'
import BackBar from '../../components/BackBar'
import ConfirmDialog from '../../components/ConfirmDialog'
import { exchangeCoupon, getPointsMall } from '../../services/api'
import { AttemptKey } from '../../services/attempt-key'
import { errorMessage } from '../../services/error-message'
import { leaveIfSignedOut, openCoupon, openCouponPage, openTab, requireMember } from '../../services/navigation'
import { RequestError } from '../../services/request'
import CouponTicket from '../CouponTicket'
import './index.scss'

export default function PointsMallPage() {
  const [mall, setMall] = useState<PointsMall | null>(null)
  const [error, setError] = useState('')
  /** The offer the member tapped 兑换 on, waiting for 确认兑换. */
  const [asking, setAsking] = useState<CouponOffer | null>(null)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<{ couponId: string; name: string; points: number } | null>(null)
  /**
   * One requestId per offer, kept until the exchange is answered for certain: a double tap or a
   * retry after a lost answer replays the first exchange instead of paying twice.
   */
  const attempts = useRef(new Map<string, AttemptKey>())

  function fail(failure: unknown) {
    if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
  }

  async function load() {
    try {
      setMall(await getPointsMall())
    } catch (failure) {
      fail(failure)
    }
  }

  useDidShow(() => {
    if (!requireMember()) return
    setError('')
    load()
  })

  function attemptFor(templateId: string): AttemptKey {
    let attempt = attempts.current.get(templateId)
    if (!attempt) {
      attempt = new AttemptKey('X')
      attempts.current.set(templateId, attempt)
    }
    return attempt
  }

  async function exchange() {
    const offer = asking
    if (!offer || busy) return
    const attempt = attemptFor(offer.templateId)
    setBusy(true)
    setError('')
    try {
      const result = await exchangeCoupon(offer.templateId, { requestId: attempt.get() })
      attempt.reset()
      setDone({ couponId: result.coupon.id, name: result.coupon.name, points: result.exchange.points })
      setMall((shown) => (shown ? { ...shown, pointsBalance: result.pointsBalance } : shown))
    } catch (failure) {
      attempt.failed(!(failure instanceof RequestError) || failure.outcomeUnknown)
      fail(failure)
    } finally {
      setBusy(false)
      setAsking(null)
    }
    await load()
  }

  return (
    <View className='m-page mall-page'>
      <BackBar title='积分商城' fallback={() => openTab('points')} />
      <View className='m-section mall-balance'>
        <View>
          <Text className='mall-balance__label'>我的积分</Text>
          {mall ? <Text className='mall-points'>{formatCount(mall.pointsBalance)}</Text> : <View className='skeleton mall-points' />}
        </View>
        <Text className='mall-records' onClick={() => openCouponPage('exchanges')}>
          兑换记录 ›
        </Text>
      </View>
      {done && (
        <View className='m-notice mall-done' onClick={() => openCoupon(done.couponId)}>
          <Text>{`兑换成功！已扣 ${formatCount(done.points)} 积分，「${done.name}」已放入我的券，点此查看 ›`}</Text>
        </View>
      )}
      {error && <View className='m-error mall-error'>{error}</View>}
      {mall && mall.offers.length === 0 && (
        <View className='m-section m-empty mall-empty'>
          <Text className='m-empty__title'>暂时没有可兑换的商品</Text>
          <Text className='m-empty__hint'>积分可以在结账时抵现，新的兑换好礼上线会出现在这里</Text>
        </View>
      )}
      {mall?.offers.map((offer) => (
        <CouponTicket
          key={offer.templateId}
          className='mall-offer'
          terms={offer}
          lines={[offer.validityText, offer.storeScopeText]}
          muted={!offer.available}
          side={
            <>
              <Text className='mall-price'>{`${formatCount(offer.pointsPrice ?? 0)} 积分`}</Text>
              {offer.available ? (
                <Button className='coupon-action mall-exchange' disabled={busy} onClick={() => setAsking(offer)}>
                  <Text>兑换</Text>
                </Button>
              ) : (
                <Text className='coupon-state mall-unavailable'>{offer.unavailableReason ?? '暂不可兑换'}</Text>
              )}
            </>
          }
        />
      ))}

      {asking && (
        <ConfirmDialog
          title='确认兑换'
          lines={[
            `用 ${formatCount(asking.pointsPrice ?? 0)} 积分兑换「${asking.name}」（${asking.summary}）？`,
            `兑换后剩余 ${formatCount((mall?.pointsBalance ?? 0) - (asking.pointsPrice ?? 0))} 积分；券放入我的券，${asking.validityText}。`,
          ]}
          confirmText='确认兑换'
          busy={busy}
          onConfirm={exchange}
          onCancel={() => setAsking(null)}
        />
      )}
    </View>
  )
}
