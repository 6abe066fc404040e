import { useRef, useState } from 'react'
import Taro, { useDidHide, useDidShow, useRouter, useUnload } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { MemberCard, MemberCode } from '@wemember/shared'
import { MEMBER_STATUS_NAMES } from '@wemember/shared/member-status'
import { formatYuan } from '@wemember/shared/money'
import { getMemberCard, getMemberCode } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { RequestError } from '../../services/request'
import { memberSession } from '../../services/session'
import MemberBarcode from './MemberBarcode'
import MemberQrCode from './MemberQrCode'
import './index.scss'

/** However wrong the phone's clock is, a code stays up at least this long and at most a minute. */
const MIN_CODE_LIFETIME_MS = 5_000
const MAX_CODE_LIFETIME_MS = 60_000
/** After a failed refresh, try again this soon. */
const RETRY_MS = 10_000

/** 123456789012345678 → "1234 5678 9012 3456 78", easier to read out or type at the till. */
function groupDigits(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1 ')
}

function goJoin() {
  Taro.redirectTo({ url: '/pages/join/index' })
}

function openPoints() {
  Taro.navigateTo({ url: '/pages/points/index' })
}

/** How far along the way to the next tier the member is, in whole percent. */
function progressPercent({ nextMinGrowth, growthNeeded }: NonNullable<MemberCard['tierProgress']>): number {
  if (nextMinGrowth <= 0) return 100
  return Math.max(0, Math.min(100, Math.floor(((nextMinGrowth - growthNeeded) * 100) / nextMinGrowth)))
}

export default function CardPage() {
  const { params } = useRouter()
  const [card, setCard] = useState<MemberCard | null>(null)
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

  /** A refused token means the shopper must log in again, which the join page does. */
  function leaveIfUnauthorized(error: unknown): boolean {
    if (!(error instanceof RequestError && error.unauthorized)) return false
    stop()
    goJoin()
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

  async function refreshCode() {
    const shown = showing.current
    clearTimeout(refreshTimer.current)
    let lifetime: number | null
    try {
      const next = await getMemberCode()
      lifetime = Math.min(MAX_CODE_LIFETIME_MS, Math.max(MIN_CODE_LIFETIME_MS, Date.parse(next.refreshAt) - Date.now()))
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
    if (!memberSession.get()) {
      goJoin()
      return
    }
    stop()
    setNow(Date.now())
    clock.current = setInterval(() => setNow(Date.now()), 1000)
    loadCard()
    refreshCode()
  })
  useDidHide(stop)
  useUnload(stop)

  const secondsLeft = Math.max(0, Math.ceil((refreshDue - now) / 1000))
  const tier = card?.tier ?? 'normal'

  return (
    <View className='card-page'>
      {/* Inline rather than a toast: a toast would sit on top of the code the clerk may scan now. */}
      {params.joined && <View className='card-welcome'>入会成功！结账时出示下方会员码，即可累积积分</View>}
      <View className={`card-face card-face--${tier}`}>
        <View className='card-face__top'>
          <Text className='card-brand'>{card?.brandName ?? '会员卡'}</Text>
          {card && <Text className='card-tier'>{card.tierName}</Text>}
        </View>
        <View className='card-face__number'>
          <Text className='card-face__label'>会员号</Text>
          <Text className='card-member-no'>{card?.memberNo ?? ''}</Text>
        </View>
        <Text className='card-phone'>{card?.phoneMasked ?? ''}</Text>
      </View>

      {cardError && <View className='card-error'>{cardError}</View>}
      {card && card.status !== 'active' && (
        <View className='card-status-notice'>
          会员卡{MEMBER_STATUS_NAMES[card.status]}，暂时不能积分和使用余额，如有疑问请咨询门店。
        </View>
      )}

      <View className='card-stats'>
        <View className='card-stat card-stat--link card-points-link' onClick={openPoints}>
          <Text className='card-stat__value card-points'>{card ? card.points : '-'}</Text>
          <Text className='card-stat__label'>积分 ›</Text>
        </View>
        <View className='card-stat'>
          <Text className='card-stat__value card-balance'>{card ? formatYuan(card.balanceFen) : '-'}</Text>
          <Text className='card-stat__label'>余额</Text>
        </View>
        <View className='card-stat'>
          <Text className='card-stat__value card-growth'>{card ? card.growth : '-'}</Text>
          <Text className='card-stat__label'>成长值</Text>
        </View>
      </View>

      <View className='member-code'>
        <Text className='member-code__title'>会员码</Text>
        <Text className='member-code__hint'>结账时出示给店员扫码，积分自动累计</Text>
        {code ? (
          <View className='member-code__body'>
            <MemberBarcode code={code.code} />
            <Text className='member-code-text'>{groupDigits(code.code)}</Text>
            <MemberQrCode code={code.code} />
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
        <View className='card-tier-panel'>
          <View className='card-tier-panel__head'>
            <Text className='card-tier-name'>{card.tierName}</Text>
            <Text className='card-tier-discount'>会员折扣 {card.tierDiscount}</Text>
          </View>
          {card.tierProgress ? (
            <View className='tier-progress'>
              <View className='tier-progress__track'>
                <View className='tier-progress__fill' style={{ width: `${progressPercent(card.tierProgress)}%` }} />
              </View>
              <Text className='tier-progress-text'>
                还差 {card.tierProgress.growthNeeded} 成长值升级为{card.tierProgress.nextTierName}
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
