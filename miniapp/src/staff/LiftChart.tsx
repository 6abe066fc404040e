import { Text, View } from '@tarojs/components'
import type { CampaignResults } from '@wemember/shared'

/** A share as "12.5%". */
export const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`
/** A difference of shares in percentage points: "+3.2", "−1.0". */
const points = (diff: number) => `${diff >= 0 ? '+' : '−'}${Math.abs(diff * 100).toFixed(1)}`

/**
 * The purchase rates of both arms as two bars, and the lift (treated − holdout) on an axis
 * through zero with its 95% interval as a whisker: drawn with plain views, the same in WeChat and
 * the browser. An interval that crosses zero means the campaign's effect is not yet told apart
 * from chance; the caption says so.
 */
export default function LiftChart({ lift }: { lift: CampaignResults['lift'] }) {
  const top = Math.max(lift.treatedRate, lift.holdoutRate, 0.01)
  const bar = (rate: number) => `${Math.max((rate / top) * 100, 0.5)}%`
  const ends = [0, lift.lift, lift.low ?? lift.lift, lift.high ?? lift.lift]
  // The axis: symmetric around zero, a little beyond the farthest end.
  const reach = Math.max(...ends.map(Math.abs), 0.01) * 1.15
  const at = (value: number) => `${((value + reach) / (2 * reach)) * 100}%`
  const hasInterval = lift.low !== null && lift.high !== null
  const verdict = !hasInterval
    ? '对照组或实验组没有会员，无法计算区间'
    : lift.low! > 0
      ? '提升显著：95% 区间都在 0 以上'
      : lift.high! < 0
        ? '活动组更低：95% 区间都在 0 以下'
        : '区间跨过 0：与对照组的差别还不能排除偶然'
  return (
    <View className='lift-chart'>
      <View className='lift-bars'>
        {[
          { name: '实验组', rate: lift.treatedRate, arm: 'treated' },
          { name: '对照组', rate: lift.holdoutRate, arm: 'holdout' },
        ].map((row) => (
          <View key={row.arm} className={`lift-bar lift-bar--${row.arm}`}>
            <Text className='lift-bar__name'>{row.name}</Text>
            <View className='lift-bar__track'>
              <View className='lift-bar__fill' style={{ width: bar(row.rate) }} />
            </View>
            <Text className='lift-bar__value'>{percent(row.rate)}</Text>
          </View>
        ))}
      </View>
      <View className='lift-whisker'>
        <View className='lift-whisker__head'>
          <Text className='lift-whisker__title'>消费率提升</Text>
          <Text className={`lift-value${lift.lift >= 0 ? ' lift-value--up' : ' lift-value--down'}`}>{`${points(lift.lift)} 个百分点`}</Text>
        </View>
        <View className='lift-axis'>
          <View className='lift-axis__line' />
          <View className='lift-axis__zero' style={{ left: at(0) }} />
          {hasInterval && <View className='lift-axis__interval' style={{ left: at(lift.low!), width: `${((lift.high! - lift.low!) / (2 * reach)) * 100}%` }} />}
          {hasInterval && <View className='lift-axis__cap' style={{ left: at(lift.low!) }} />}
          {hasInterval && <View className='lift-axis__cap' style={{ left: at(lift.high!) }} />}
          <View className='lift-axis__dot' style={{ left: at(lift.lift) }} />
        </View>
        <View className='lift-axis__labels'>
          <Text>{points(-reach)}</Text>
          <Text>0</Text>
          <Text>{points(reach)}</Text>
        </View>
        <Text className='lift-interval'>{hasInterval ? `95% 区间 ${points(lift.low!)} 至 ${points(lift.high!)} 个百分点` : '95% 区间：—'}</Text>
        <Text className='console-hint lift-verdict'>{verdict}</Text>
      </View>
    </View>
  )
}
