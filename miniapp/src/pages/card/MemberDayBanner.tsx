import { Text, View } from '@tarojs/components'
import type { MemberDayClaim, MemberDayStatus } from '@wemember/shared'
import { memberDayPerks } from '../../services/format'

/** "7月21日" for 2027-07-21. */
function monthDay(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`
}

/** "会员日满50减8 ×2、生日蛋糕券": the coupons just claimed, as the banner confirms them. */
function claimedText(claim: MemberDayClaim): string {
  const counts = new Map<string, number>()
  for (const coupon of claim.coupons) counts.set(coupon.name, (counts.get(coupon.name) ?? 0) + 1)
  return [...counts].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join('、')
}

interface Props {
  status: MemberDayStatus
  /** The coupons claimed today from this card, when the shopper just tapped the button. */
  claimed: MemberDayClaim | null
  claiming: boolean
  claimError: string
  onClaim: () => void
  onOpenCoupons: () => void
}

/**
 * 会员日 on the card: on the day a banner with what it gives (「今天是会员日 · 积分2倍 · 额外9.8折」)
 * and its coupons to take; on other days one quiet line with when it comes round. The birthday
 * bonus, when it applies to this member now, sits under it.
 */
export default function MemberDayBanner({ status, claimed, claiming, claimError, onClaim, onOpenCoupons }: Props) {
  const perks = memberDayPerks(status)
  const canClaim = status.isMemberDay && status.coupons.length > 0 && !status.claimedToday && !claimed
  return (
    <View className='member-day'>
      {status.isMemberDay ? (
        <View className='member-day-banner'>
          <Text className='member-day-banner__title'>{['今天是会员日', ...perks].join(' · ')}</Text>
          {status.coupons.length > 0 && !claimed && (
            <Text className='member-day-banner__coupons'>
              {`会员日礼券：${status.coupons.map((c) => (c.quantity > 1 ? `${c.summary} ×${c.quantity}` : c.summary)).join('、')}`}
            </Text>
          )}
          {canClaim && (
            <View className={`member-day-claim${claiming ? ' member-day-claim--busy' : ''}`} onClick={() => !claiming && onClaim()}>
              {claiming ? '领取中…' : '领会员日礼券'}
            </View>
          )}
          {claimed && (
            <Text className='member-day-claimed' onClick={onOpenCoupons}>
              {`已领取 ${claimedText(claimed)}，已放入我的券 ›`}
            </Text>
          )}
          {!claimed && status.claimedToday && status.coupons.length > 0 && (
            <Text className='member-day-claimed' onClick={onOpenCoupons}>
              今日礼券已领取，去我的券查看 ›
            </Text>
          )}
          {claimError && <Text className='member-day-error'>{claimError}</Text>}
        </View>
      ) : (
        status.schedule && (
          <View className='member-day-line'>
            <Text className='member-day-line__schedule'>{`会员日：${status.schedule}`}</Text>
            {status.nextDate && <Text className='member-day-line__next'>{`下次 ${monthDay(status.nextDate)}${perks.length > 0 ? ` · ${perks.join(' · ')}` : ''}`}</Text>}
          </View>
        )
      )}
      {status.birthday && (
        <View className='member-day-birthday'>
          <Text className='member-day-birthday__label'>生日礼遇</Text>
          <Text className='member-day-birthday__text'>{status.birthday.text}</Text>
        </View>
      )}
    </View>
  )
}
