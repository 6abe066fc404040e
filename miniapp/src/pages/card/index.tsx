import { useRef, useState } from 'react'
import Taro, { useDidHide, useDidShow, useUnload } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { MemberCard, MemberCode, MemberDayClaim, MemberDayStatus } from '@wemember/shared'
import { MEMBER_STATUS_NAMES } from '@wemember/shared/member-status'
import { formatCount, formatYuan } from '@wemember/shared/money'
import { claimMemberDayCoupons, getMemberCard, getMemberCode, getMemberCoupons, getMemberDay } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { percentBetween } from '../../services/format'
import { leaveIfSignedOut, openCheckin, openCouponPage, openTab, openWalletPage, requireMember } from '../../services/navigation'
import { RequestError } from '../../services/request'
import { joinSubscribePrompt, memberNotice, welcomeGiftNotice } from '../../services/session'
import SubscribePrompt from '../../components/SubscribePrompt'
import { codeLifetimeMs, secondsUntil } from './code-timing'
import QrCode from '../../components/QrCode'
import MemberBarcode from './MemberBarcode'
import MemberDayBanner from './MemberDayBanner'
import './index.scss'

/** After a failed refresh, try again this soon. */
const RETRY_MS = 10_000

/** 123456789012345678 → "1234 5678 9012 3456 78", easier to read out or type at the till. */
function groupDigits(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1 ')
}

function openTiers() {
  Taro.navigateTo({ url: '/pages/tiers/index' })
}

/** How far along the way to the next tier the member is, in whole percent. */
function progressPercent({ nextMinGrowth, growthNeeded }: NonNullable<MemberCard['tierProgress']>): number {
  return percentBetween(nextMinGrowth - growthNeeded, 0, nextMinGrowth)
}

/** The tier's member price, or null for a tier without one (no pill advertising 「无折扣」). */
function discountOf(card: MemberCard): string | null {
  return /\d/.test(card.tierDiscount) ? card.tierDiscount : null
}

export default function CardPage() {
  /** 入会成功 / 欢迎回来 after joining, shown once. */
  const [notice] = useState(() => memberNotice.take())
  /** What joining gave, right after joining, shown once. */
  const [welcomeGift] = useState(() => welcomeGiftNotice.take())
  /** How many coupons the member can use now; null until known. */
  const [usableCoupons, setUsableCoupons] = useState<number | null>(null)
  const [card, setCard] = useState<MemberCard | null>(null)
  /** 会员日 and the birthday bonus; null until known (the card shows nothing of it then). */
  const [memberDay, setMemberDay] = useState<MemberDayStatus | null>(null)
  const [dayClaim, setDayClaim] = useState<MemberDayClaim | null>(null)
  const [claiming, setClaiming] = useState(false)
  const [claimError, setClaimError] = useState('')
  const [cardError, setCardError] = useState('')
  const [code, setCode] = useState<MemberCode | null>(null)
  const [codeError, setCodeError] = useState('')
  const [refreshDue, setRefreshDue] = useState(0)
  const [now, setNow] = useState(() => Date.now())

  /** Bumped on every show and hide, so work started while the page was visible stops after it. */
  const showing = useRef(0)
  const refreshTimer = useRef<ReturnType<typeof setTimeout>>()
  const clock = useRef<ReturnType<typeof setInterval>>()

  function stop() {
    showing.current += 1
    clearTimeout(refreshTimer.current)
    clearInterval(clock.current)
  }

  /** A refused token or a closed card: the join page takes over. */
  function leaveIfUnauthorized(error: unknown): boolean {
    if (!leaveIfSignedOut(error)) return false
    stop()
    return true
  }

  async function loadCard() {
    try {
      setCard(await getMemberCard())
      setCardError('')
    } catch (error) {
      if (!leaveIfUnauthorized(error)) setCardError(errorMessage(error))
    }
  }

  /** The count on the coupon strip; the strip simply shows no figure if it cannot be had. */
  async function loadCouponCount() {
    try {
      setUsableCoupons((await getMemberCoupons({ status: 'usable', limit: 1 })).counts.usable)
    } catch (error) {
      leaveIfUnauthorized(error)
    }
  }

  /** The member-day banner; the card simply shows none if it cannot be had. */
  async function loadMemberDay() {
    try {
      const status = await getMemberDay()
      setMemberDay(status)
      // A claim shown from another day would be wrong today.
      setDayClaim((shown) => (shown && shown.date === status.today ? shown : null))
    } catch (error) {
      leaveIfUnauthorized(error)
    }
  }

  async function claimMemberDay() {
    setClaiming(true)
    setClaimError('')
    try {
      const claim = await claimMemberDayCoupons()
      setDayClaim(claim)
      setMemberDay((status) => status && { ...status, claimedToday: true })
      loadCouponCount()
    } catch (error) {
      if (!leaveIfUnauthorized(error)) setClaimError(errorMessage(error))
    } finally {
      setClaiming(false)
    }
  }

  async function refreshCode() {
    const shown = showing.current
    clearTimeout(refreshTimer.current)
    let lifetime: number | null
    try {
      const next = await getMemberCode()
      lifetime = codeLifetimeMs(next, Date.now())
      setCode(next)
      setCodeError('')
    } catch (error) {
      if (leaveIfUnauthorized(error)) return
      setCode(null)
      setCodeError(errorMessage(error))
      // Retry by itself only when the network or the server hiccuped; a refusal (a frozen card,
      // say) will not change in ten seconds, and the shopper can still tap 重试.
      const transient = !(error instanceof RequestError) || error.outcomeUnknown
      lifetime = transient ? RETRY_MS : null
    }
    if (shown !== showing.current || lifetime === null) return
    setRefreshDue(Date.now() + lifetime)
    refreshTimer.current = setTimeout(refreshCode, lifetime)
  }

  // A fresh code every time the card comes into view (back from the background, back from
  // another page), never one that was on screen before.
  useDidShow(() => {
    if (!requireMember()) return
    stop()
    setNow(Date.now())
    clock.current = setInterval(() => setNow(Date.now()), 1000)
    loadCard()
    loadCouponCount()
    loadMemberDay()
    refreshCode()
  })
  useDidHide(stop)
  useUnload(stop)

  const secondsLeft = secondsUntil(refreshDue, now)
  const tier = card?.tier ?? 'normal'

  return (
    <View className='card-page'>
      {/* Inline rather than a toast: a toast would sit on top of the code the clerk may scan now. */}
      {notice && <View className='card-welcome'>{notice}</View>}
      {welcomeGift && (welcomeGift.points > 0 || welcomeGift.coupons.length > 0) && (
        <View className='card-gift' onClick={() => welcomeGift.coupons.length > 0 && openCouponPage('mine')}>
          <Text className='card-gift__title'>入会礼已到账</Text>
          {welcomeGift.points > 0 && <Text className='card-gift__line card-gift-points'>{`${formatCount(welcomeGift.points)} 积分`}</Text>}
          {welcomeGift.coupons.map((coupon) => (
            <Text key={coupon.id} className='card-gift__line card-gift-coupon'>
              {`${coupon.name}（${coupon.summary}）`}
            </Text>
          ))}
          {welcomeGift.coupons.length > 0 && <Text className='card-gift__more'>券已放入我的券，点此查看 ›</Text>}
        </View>
      )}
      <SubscribePrompt className='card-subscribe' kinds={['points_changed']} action='开启积分变动提醒' hint='积分到账、抵扣时在微信里提醒你' memory={joinSubscribePrompt} />
      <View className={`card-face card-face--${tier}`}>
        <View className='card-face__top'>
          {card ? <Text className='card-brand'>{card.brandName}</Text> : <View className='skeleton skeleton--light card-skeleton-brand' />}
          {card && <Text className='card-tier'>{card.tierName}</Text>}
        </View>
        <View className='card-face__number'>
          <Text className='card-face__label'>会员号</Text>
          {card ? <Text className='card-member-no'>{card.memberNo}</Text> : <View className='skeleton skeleton--light card-skeleton-no' />}
        </View>
        {card ? <Text className='card-phone'>{card.phoneMasked}</Text> : <View className='skeleton skeleton--light card-skeleton-phone' />}
      </View>

      {cardError && <View className='card-error'>{cardError}</View>}
      {card && card.status !== 'active' && (
        <View className='card-status-notice'>
          会员卡{MEMBER_STATUS_NAMES[card.status]}，暂时不能积分和使用余额，如有疑问请咨询门店。
        </View>
      )}

      <View className='card-stats'>
        <View className='card-stat card-stat--link card-points-link' onClick={() => openTab('points')}>
          {card ? <Text className='card-stat__value card-points'>{formatCount(card.points)}</Text> : <View className='skeleton card-stat-skeleton' />}
          <Text className='card-stat__label'>积分 ›</Text>
        </View>
        <View className='card-stat card-stat--link card-balance-link' onClick={() => openWalletPage('balance')}>
          {card ? <Text className='card-stat__value card-balance'>{formatYuan(card.balanceFen)}</Text> : <View className='skeleton card-stat-skeleton' />}
          <Text className='card-stat__label'>余额 ›</Text>
        </View>
        <View className='card-stat card-stat--link card-growth-link' onClick={openTiers}>
          {card ? <Text className='card-stat__value card-growth'>{formatCount(card.growth)}</Text> : <View className='skeleton card-stat-skeleton' />}
          <Text className='card-stat__label'>成长值 ›</Text>
        </View>
      </View>

      {memberDay && (
        <MemberDayBanner
          status={memberDay}
          claimed={dayClaim}
          claiming={claiming}
          claimError={claimError}
          onClaim={claimMemberDay}
          onOpenCoupons={() => openCouponPage('mine')}
        />
      )}

      <View className='card-coupons'>
        <View className='card-coupons__item card-coupons-mine' onClick={() => openCouponPage('mine')}>
          <Text className='card-coupons__label'>我的券</Text>
          <Text className='card-coupons__value card-coupon-count'>{usableCoupons === null ? '›' : `${usableCoupons} 张可用 ›`}</Text>
        </View>
        <View className='card-coupons__item card-coupons-center' onClick={() => openCouponPage('center')}>
          <Text className='card-coupons__label'>领券中心</Text>
          <Text className='card-coupons__value'>去领券 ›</Text>
        </View>
        <View className='card-coupons__item card-checkin-link' onClick={openCheckin}>
          <Text className='card-coupons__label'>签到</Text>
          <Text className='card-coupons__value'>去签到 ›</Text>
        </View>
      </View>

      <View className='member-code'>
        <Text className='member-code__title'>会员码</Text>
        <Text className='member-code__hint'>结账时出示给店员扫码，积分自动累计</Text>
        {code ? (
          <View className='member-code__body'>
            <MemberBarcode code={code.code} />
            <Text className='member-code-text'>{groupDigits(code.code)}</Text>
            <QrCode className='member-qr' value={code.code} mode='Numeric' />
          </View>
        ) : (
          <View className='member-code__placeholder'>
            {codeError ? <Text className='member-code-error'>{codeError}</Text> : <Text>会员码加载中…</Text>}
          </View>
        )}
        <View className='member-code__footer'>
          <Text className='member-code-notice'>每分钟自动更新，截图无效</Text>
          {code && <Text className='member-code-countdown'>{secondsLeft} 秒后更新</Text>}
          <Text className='member-code-refresh' onClick={refreshCode}>
            {codeError ? '重试' : '刷新'}
          </Text>
        </View>
      </View>

      {card && (
        <View className='card-tier-panel' onClick={openTiers}>
          <View className='card-tier-panel__head'>
            <Text className='card-tier-name'>{card.tierName}</Text>
            {discountOf(card) && <Text className='card-tier-discount'>会员折扣 {discountOf(card)}</Text>}
            <Text className='card-tier-more'>等级权益 ›</Text>
          </View>
          {card.tierProgress ? (
            <View className='tier-progress'>
              <View className='tier-progress__track'>
                <View className='tier-progress__fill' style={{ width: `${progressPercent(card.tierProgress)}%` }} />
              </View>
              <Text className='tier-progress-text'>
                还差 {formatCount(card.tierProgress.growthNeeded)} 成长值升级为{card.tierProgress.nextTierName}
              </Text>
            </View>
          ) : (
            <Text className='tier-progress-text'>已是最高等级</Text>
          )}
        </View>
      )}
    </View>
  )
}
