import { useRef, useState } from 'react'
import { useDidHide, useDidShow, useRouter, useUnload } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { MemberCoupon } from '@wemember/shared'
import { chinaDate, chinaDateTime } from '@wemember/shared/china-time'
import { formatYuan } from '@wemember/shared/money'
import BackBar from '../../components/BackBar'
import QrCode from '../../components/QrCode'
import { getMemberCoupon } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { leaveIfSignedOut, openCouponPage, requireMember } from '../../services/navigation'
import { RequestError } from '../../services/request'
import { expiryHint, STATUS_NAMES, validDates } from '../face'
import './index.scss'

/** While the code is on screen the page asks this often whether the clerk has redeemed it. */
const REFRESH_MS = 5_000

function Rule({ label, value, className }: { label: string; value: string; className: string }) {
  return (
    <View className={`m-row ${className}`}>
      <Text className='m-row__label'>{label}</Text>
      <Text className='m-row__value'>{value}</Text>
    </View>
  )
}

/** The code to scan and read out, or what became of the coupon. */
function CodeOrState({ coupon }: { coupon: MemberCoupon }) {
  if (coupon.tab === 'usable') {
    return (
      <>
        <QrCode className='coupon-qr' value={coupon.code} mode='Alphanumeric' />
        <Text className='detail-code'>{coupon.codeDisplay}</Text>
        <Text className='detail-code-hint'>
          {coupon.status === 'locked' ? '店员正在收银中使用这张券' : '结账时出示给店员扫码，或报出券码'}
        </Text>
      </>
    )
  }
  const used = coupon.status === 'redeemed'
  return (
    <>
      <Text className={`detail-state detail-state--${coupon.status}`}>{STATUS_NAMES[coupon.status]}</Text>
      {used && coupon.redeemedAt && (
        <Text className='detail-state-note'>
          {`${chinaDateTime(new Date(coupon.redeemedAt))} 在${coupon.redeemedStoreName ?? '门店'}使用`}
        </Text>
      )}
      {coupon.status === 'expired' && <Text className='detail-state-note'>{`已于 ${coupon.validTo} 过期`}</Text>}
    </>
  )
}

export default function CouponDetailPage() {
  const { params } = useRouter()
  const id = params.id ?? ''
  const [coupon, setCoupon] = useState<MemberCoupon | null>(null)
  const [error, setError] = useState('')
  const timer = useRef<ReturnType<typeof setTimeout>>()
  /** Bumped on every show and hide, so a refresh started while shown stops after it. */
  const showing = useRef(0)

  function stop() {
    showing.current += 1
    clearTimeout(timer.current)
  }

  async function refresh() {
    const shown = showing.current
    let usable = true
    try {
      const next = await getMemberCoupon(id)
      setCoupon(next)
      setError('')
      usable = next.tab === 'usable'
    } catch (failure) {
      if (leaveIfSignedOut(failure)) return stop()
      setError(errorMessage(failure))
      // A coupon that is not this member's (404) will not become theirs.
      if (failure instanceof RequestError && !failure.outcomeUnknown) usable = false
    }
    // Only a code still on screen can be redeemed meanwhile.
    if (shown === showing.current && usable) timer.current = setTimeout(refresh, REFRESH_MS)
  }

  useDidShow(() => {
    if (!requireMember()) return
    stop()
    refresh()
  })
  useDidHide(stop)
  useUnload(stop)

  const alert = coupon ? expiryHint(coupon, chinaDate()) : null

  return (
    <View className='m-page detail-page'>
      <BackBar title='券详情' fallback={() => openCouponPage('mine')} />
      {error && <View className='m-error detail-error'>{error}</View>}
      {!coupon && !error && <View className='skeleton skeleton--block' />}
      {coupon && (
        <>
          <View className='m-section detail-head'>
            <Text className='detail-name'>{coupon.name}</Text>
            {coupon.summary !== coupon.name && <Text className='detail-summary'>{coupon.summary}</Text>}
            {alert && <Text className='detail-alert'>{alert}</Text>}
            <CodeOrState coupon={coupon} />
          </View>
          <View className='m-section detail-rules'>
            <Text className='m-section__title'>使用规则</Text>
            <Rule
              className='detail-threshold'
              label='使用门槛'
              value={coupon.thresholdFen > 0 ? `可用商品满 ${formatYuan(coupon.thresholdFen)}（按原价计）` : '无门槛'}
            />
            <Rule className='detail-validity' label='有效期' value={validDates(coupon)} />
            <Rule className='detail-stores' label='适用门店' value={coupon.storeScopeText} />
            {coupon.type === 'gift' && coupon.giftName && <Rule className='detail-gift' label='赠品' value={coupon.giftName} />}
            {coupon.type !== 'gift' && <Rule className='detail-stacking' label='叠加规则' value='每单限用一张满减或折扣券' />}
            {coupon.description && <Rule className='detail-description' label='使用说明' value={coupon.description} />}
            <Rule className='detail-source' label='来源' value={`${coupon.sourceName} · ${chinaDateTime(new Date(coupon.issuedAt))}`} />
          </View>
        </>
      )}
    </View>
  )
}
