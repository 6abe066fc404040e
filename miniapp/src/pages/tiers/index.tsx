import { useState } from 'react'
import { useLoad } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { MemberTiers } from '@wemember/shared'
import { chinaDateLabel } from '@wemember/shared/china-time'
import { formatCount } from '@wemember/shared/money'
import { errorMessage } from '../../services/error-message'
import { getMemberTiers } from '../../services/api'
import { percentBetween } from '../../services/format'
import { leaveIfSignedOut, openCouponPage, openTab, requireMember } from '../../services/navigation'
import BackBar from '../../components/BackBar'
import './index.scss'

/** What the member must do by the next review to keep the tier, in a shopper's words. */
function keepLine(tiers: MemberTiers): string {
  const review = chinaDateLabel(tiers.nextReviewDate)
  if (tiers.keepGrowthNeeded === null) return `下次等级评定：${review}`
  if (tiers.keepGrowthNeeded <= 0) return `已满足保级条件，${review}评定后继续享受${tiers.tierName}权益`
  return `${review}评定前再获得 ${formatCount(tiers.keepGrowthNeeded)} 成长值，即可保留${tiers.tierName}`
}

export default function TiersPage() {
  const [tiers, setTiers] = useState<MemberTiers | null>(null)
  const [error, setError] = useState('')

  useLoad(() => {
    if (!requireMember()) return
    getMemberTiers()
      .then(setTiers)
      .catch((failure) => {
        if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
      })
  })

  if (!tiers) {
    return (
      <View className='m-page tiers-page'>
        <BackBar title='会员等级' fallback={() => openTab('me')} />
        {error ? <View className='m-error tiers-error'>{error}</View> : <View className='skeleton skeleton--block tiers-skeleton' />}
      </View>
    )
  }

  const current = tiers.tiers.find((tier) => tier.code === tiers.tier)
  const progress = tiers.progress
  const percent = progress ? percentBetween(tiers.growth, current?.minGrowth ?? 0, progress.nextMinGrowth) : 100

  return (
    <View className='m-page tiers-page'>
      <BackBar title='会员等级' fallback={() => openTab('me')} />
      <View className={`tiers-summary tiers-summary--${tiers.tier}`}>
        <Text className='tiers-summary__label'>当前等级</Text>
        <Text className='tiers-current'>{tiers.tierName}</Text>
        <Text className='tiers-growth'>近 12 个月成长值 {formatCount(tiers.growth)}</Text>
        <View className='tiers-progress'>
          <View className='tiers-progress__fill' style={{ width: `${percent}%` }} />
        </View>
        <Text className='tiers-progress-text'>
          {progress
            ? `再获得 ${formatCount(progress.growthNeeded)} 成长值升级为${progress.nextTierName}`
            : '已是最高等级'}
        </Text>
        <Text className='tiers-keep'>{keepLine(tiers)}</Text>
      </View>

      {tiers.tiers.map((tier) => (
        <View key={tier.code} className={`m-section tier-card${tier.code === tiers.tier ? ' tier-card--current' : ''}`}>
          <View className='tier-card__head'>
            <Text className='tier-card__name'>{tier.name}</Text>
            {tier.code === tiers.tier && <Text className='tier-card__mine'>当前等级</Text>}
            <Text className='tier-card__threshold'>{tier.minGrowth > 0 ? `成长值 ${formatCount(tier.minGrowth)} 起` : '入会即享'}</Text>
          </View>
          <View className='tier-card__benefits'>
            {tier.benefits.map((benefit) => (
              <Text key={benefit} className='tier-benefit'>
                · {benefit}
              </Text>
            ))}
          </View>
          {/* The monthly coupons are among the benefits above; say where they arrive, and lead there on the member's own tier. */}
          {tier.monthlyCoupons.length > 0 &&
            (tier.code === tiers.tier ? (
              <Text className='tier-card__coupons tier-card__coupons--mine' onClick={() => openCouponPage('mine')}>
                每月 1 日自动发放到「我的券」，去看看 ›
              </Text>
            ) : (
              <Text className='tier-card__coupons'>每月 1 日自动发放到「我的券」</Text>
            ))}
        </View>
      ))}

      {tiers.rules.length > 0 && (
        <View className='m-section tiers-rules'>
          <Text className='m-section__title'>等级规则</Text>
          {tiers.rules.map((rule) => (
            <Text key={rule} className='tiers-rule'>
              {rule}
            </Text>
          ))}
        </View>
      )}
    </View>
  )
}
