import { useRef, useState } from 'react'
import { useDidShow, useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { MemberCoupon, MemberCoupons, MemberCouponTab } from '@wemember/shared'
import { chinaDate, chinaDateTime } from '@wemember/shared/china-time'
import BackBar from '../../components/BackBar'
import { getMemberCoupons } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { leaveIfSignedOut, openCoupon, openCouponPage, openTab, requireMember } from '../../services/navigation'
import CouponTicket from '../CouponTicket'
import { COUPON_TABS, expiryHint, STATUS_NAMES, TAB_NAMES, validDates } from '../face'
import './index.scss'

const EMPTY: Record<MemberCouponTab, { title: string; hint: string }> = {
  usable: { title: '暂无可使用的券', hint: '去领券中心领几张，或用积分在积分商城兑换' },
  used: { title: '还没有用过券', hint: '结账时向店员出示券码，用过的券会显示在这里' },
  expired: { title: '没有过期的券', hint: '券快到期时会在券上提醒你' },
}

function isTab(value: string | undefined): value is MemberCouponTab {
  return (COUPON_TABS as readonly string[]).includes(value ?? '')
}

/** The right-hand side of a coupon: 去使用 on a usable one, when and where on a used one, the state otherwise. */
function Side({ coupon }: { coupon: MemberCoupon }) {
  if (coupon.tab === 'usable') return <Text className='mine-use'>{coupon.status === 'locked' ? '使用中' : '去使用 ›'}</Text>
  if (coupon.status === 'redeemed' && coupon.redeemedAt) {
    return (
      <View className='coupon-state mine-used-at'>
        <Text className='mine-used-at__time'>{`${chinaDateTime(new Date(coupon.redeemedAt)).slice(5)} 使用`}</Text>
        {coupon.redeemedStoreName && <Text className='mine-used-at__store'>{coupon.redeemedStoreName}</Text>}
      </View>
    )
  }
  return <Text className='coupon-state'>{STATUS_NAMES[coupon.status]}</Text>
}

export default function MyCouponsPage() {
  const { params } = useRouter()
  const [tab, setTab] = useState<MemberCouponTab>(isTab(params.tab) ? params.tab : 'usable')
  const [shown, setShown] = useState<MemberCoupons | null>(null)
  const [error, setError] = useState('')
  /** Bumped on every load, so a tab answered late does not replace the one chosen since. */
  const generation = useRef(0)

  async function load(which: MemberCouponTab) {
    const current = ++generation.current
    try {
      const answer = await getMemberCoupons({ status: which })
      if (current !== generation.current) return
      setShown(answer)
      setError('')
    } catch (failure) {
      if (current === generation.current && !leaveIfSignedOut(failure)) setError(errorMessage(failure))
    }
  }

  // Reloaded whenever the page comes back into view: a coupon may have been used at the till meanwhile.
  useDidShow(() => {
    if (requireMember()) load(tab)
  })

  function choose(next: MemberCouponTab) {
    if (next === tab) return
    setTab(next)
    setShown(null)
    load(next)
  }

  const today = chinaDate()
  const coupons = shown?.coupons ?? null

  return (
    <View className='m-page mine-page'>
      <BackBar title='我的券' fallback={() => openTab('card')} />
      <View className='coupon-tabs'>
        {COUPON_TABS.map((name) => (
          <Text key={name} className={`coupon-tab coupon-tab--${name}${name === tab ? ' coupon-tab--on' : ''}`} onClick={() => choose(name)}>
            {shown ? `${TAB_NAMES[name]}(${shown.counts[name]})` : TAB_NAMES[name]}
          </Text>
        ))}
      </View>
      {error && <View className='m-error mine-error'>{error}</View>}
      {coupons === null && !error && <View className='skeleton skeleton--block' />}
      {coupons && coupons.length === 0 && (
        <View className='m-section m-empty mine-empty'>
          <Text className='m-empty__title'>{EMPTY[tab].title}</Text>
          <Text className='m-empty__hint'>{EMPTY[tab].hint}</Text>
        </View>
      )}
      {coupons?.map((coupon) => (
        <CouponTicket
          key={coupon.id}
          className='mine-coupon'
          terms={coupon}
          lines={[validDates(coupon), `${coupon.storeScopeText} · ${coupon.sourceName}`]}
          alert={expiryHint(coupon, today)}
          muted={coupon.tab !== 'usable'}
          side={<Side coupon={coupon} />}
          onClick={() => openCoupon(coupon.id)}
        />
      ))}
      <View className='coupon-links'>
        <Text className='coupon-link mine-center' onClick={() => openCouponPage('center')}>
          去领券中心 ›
        </Text>
        <Text className='coupon-link mine-mall' onClick={() => openCouponPage('mall')}>
          积分商城 ›
        </Text>
      </View>
    </View>
  )
}
