import { Text, View } from '@tarojs/components'

/** One line of a till bill: a label and its figure (styles in _till.scss). */
export default function BillRow({ label, value, className = '' }: { label: string; value: string; className?: string }) {
  return (
    <View className={`bill-row ${className}`}>
      <Text className='bill-row__label'>{label}</Text>
      <Text className='bill-row__value'>{value}</Text>
    </View>
  )
}
