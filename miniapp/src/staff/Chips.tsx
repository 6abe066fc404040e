import { Text, View } from '@tarojs/components'

interface ChipsProps<V extends string | number> {
  options: readonly V[]
  label(value: V): string
  chosen: readonly V[]
  onChange(chosen: V[]): void
  /** One class for the row, also the prefix of each chip's class (`<name>__chip`). */
  name: string
}

/** A row of choices any number of which may be on (OR within the row); styles in _console.scss. */
export default function Chips<V extends string | number>({ options, label, chosen, onChange, name }: ChipsProps<V>) {
  function toggle(value: V) {
    onChange(chosen.includes(value) ? chosen.filter((v) => v !== value) : options.filter((v) => v === value || chosen.includes(v)))
  }
  return (
    <View className={`console-chips ${name}`}>
      {options.map((value) => (
        <Text key={String(value)} className={`console-chip ${name}__chip${chosen.includes(value) ? ' console-chip--on' : ''}`} onClick={() => toggle(value)}>
          {label(value)}
        </Text>
      ))}
    </View>
  )
}

interface ChoiceProps<V> {
  options: readonly { value: V; label: string }[]
  chosen: V
  onChange(value: V): void
  name: string
}

/** A row of choices exactly one of which is on (不限 / 是 / 否, a schedule's kind…). */
export function Choice<V>({ options, chosen, onChange, name }: ChoiceProps<V>) {
  return (
    <View className={`console-chips ${name}`}>
      {options.map((option) => (
        <Text
          key={option.label}
          className={`console-chip ${name}__chip${option.value === chosen ? ' console-chip--on' : ''}`}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </Text>
      ))}
    </View>
  )
}
