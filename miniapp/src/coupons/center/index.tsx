import { useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { CouponOffer } from '@wemember/shared'
import BackBar from '../../components/BackBar'
import { claimCoupon, getCouponCenter } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { leaveIfSignedOut, openCoupon, openCouponPage, openTab, requireMember } from '../../services/navigation'
import CouponTicket from '../CouponTicket'
import './index.scss'

/** "剩 12 张 · 每人限领 1 张", "已领 1 张". */
function offerLines(offer: CouponOffer): string[] {
  const limit = `每人限领 ${offer.perMemberLimit} 张`
  return [offer.validityText, offer.storeScopeText, offer.takenByMe > 0 ? `已领 ${offer.takenByMe} 张 · ${limit}` : limit]
}

export default function CouponCenterPage() {
  const [offers, setOffers] = useState<CouponOffer[] | null>(null)
  const [error, setError] = useState('')
  /** The template being claimed now. */
  const [claiming, setClaiming] = useState('')
  /** The coupon just claimed: a line saying where it went and a way to open it. */
  const [claimed, setClaimed] = useState<{ id: string; name: string } | null>(null)

  function fail(failure: unknown) {
    if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
  }

  async function load() {
    try {
      setOffers((await getCouponCenter()).offers)
    } catch (failure) {
      fail(failure)
    }
  }

  useDidShow(() => {
    if (!requireMember()) return
    setError('')
    load()
  })

  async function claim(offer: CouponOffer) {
    if (claiming) return
    setClaiming(offer.templateId)
    setError('')
    setClaimed(null)
    try {
      const coupon = await claimCoupon(offer.templateId)
      setClaimed({ id: coupon.id, name: coupon.name })
    } catch (failure) {
      fail(failure)
    } finally {
      setClaiming('')
    }
    // Stock, the member's count and whether another can be taken have all changed (or were stale).
    await load()
  }

  return (
    <View className='m-page center-page'>
      <BackBar title='领券中心' fallback={() => openTab('card')} />
      <Text className='center-intro'>领取后在「我的券」中查看，结账时出示券码即可使用</Text>
      {claimed && (
        <View className='m-notice center-claimed' onClick={() => openCoupon(claimed.id)}>
          <Text>{`领取成功！「${claimed.name}」已放入我的券，点此查看 ›`}</Text>
        </View>
      )}
      {error && <View className='m-error center-error'>{error}</View>}
      {offers === null && !error && <View className='skeleton skeleton--block' />}
      {offers && offers.length === 0 && (
        <View className='m-section m-empty center-empty'>
          <Text className='m-empty__title'>暂时没有可以领取的券</Text>
          <Text className='m-empty__hint'>新券上线会第一时间出现在这里，敬请期待</Text>
        </View>
      )}
      {offers?.map((offer) => (
        <CouponTicket
          key={offer.templateId}
          className='center-offer'
          terms={offer}
          lines={offerLines(offer)}
          muted={!offer.available}
          side={
            offer.available ? (
              <Button className='coupon-action center-claim' loading={claiming === offer.templateId} disabled={!!claiming} onClick={() => claim(offer)}>
                <Text>{offer.takenByMe > 0 ? '再领一张' : '立即领取'}</Text>
              </Button>
            ) : (
              <Text className='coupon-state center-unavailable'>{offer.takenByMe >= offer.perMemberLimit ? '已领取' : (offer.unavailableReason ?? '暂不可领')}</Text>
            )
          }
        />
      ))}
      <View className='coupon-links'>
        <Text className='coupon-link center-mine' onClick={() => openCouponPage('mine')}>
          我的券 ›
        </Text>
      </View>
    </View>
  )
}
