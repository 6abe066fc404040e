import { Text, View } from '@tarojs/components'
import { formatYuan } from '@wemember/shared/money'

export interface BalanceParts {
  balanceFen: number
  principalFen: number
  bonusFen: number
}

/** The balance on the brand colour: the total, then what of it was paid in (本金) and given (赠送). */
export default function BalanceHead({ balance, onDetails }: { balance: BalanceParts | null; onDetails?: () => void }) {
  return (
    <View className='wallet-head'>
      <View className='wallet-head__top'>
        <Text className='wallet-head__label'>储值余额（元）</Text>
        {onDetails && (
          <Text className='wallet-head__link wallet-details-link' onClick={onDetails}>
            余额明细 ›
          </Text>
        )}
      </View>
      {balance ? <Text className='wallet-total'>{formatYuan(balance.balanceFen)}</Text> : <View className='skeleton skeleton--light wallet-total' />}
      {balance && (
        <View className='wallet-head__parts'>
          <Text className='wallet-head__part wallet-principal'>{`本金 ${formatYuan(balance.principalFen)}`}</Text>
          <Text className='wallet-head__part wallet-bonus'>{`赠送 ${formatYuan(balance.bonusFen)}`}</Text>
        </View>
      )}
    </View>
  )
}
