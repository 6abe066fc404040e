import { Text, View } from '@tarojs/components'
import type { StoreSummary } from '@wemember/shared'

/** The stores a staff member over several stores chooses from, for the till action at hand (styles in _till.scss). */
export default function StorePicker({ stores, chosen, onChoose }: { stores: StoreSummary[]; chosen: string; onChoose(id: string): void }) {
  return (
    <View className='store-options'>
      {stores.map((store) => (
        <Text key={store.id} className={`store-option${store.id === chosen ? ' store-option--chosen' : ''}`} onClick={() => onChoose(store.id)}>
          {store.name}
        </Text>
      ))}
    </View>
  )
}
