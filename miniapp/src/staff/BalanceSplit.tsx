import { formatYuan } from '@wemember/shared/money'
import BillRow from './BillRow'

interface BalanceSplitProps {
  /** What is paid or given back in all. */
  totalFen: number
  /** The stored-value part of it. */
  balanceFen: number
  balanceLabel: string
  restLabel: string
  /** Class prefix of the two rows: `<prefix>-stored-value`, `<prefix>-cash`. */
  prefix: string
}

/** The stored-value part of a payment or a refund and the rest (cash or other tender); nothing when no stored value is involved. */
export default function BalanceSplit({ totalFen, balanceFen, balanceLabel, restLabel, prefix }: BalanceSplitProps) {
  if (!balanceFen) return null
  return (
    <>
      <BillRow label={balanceLabel} value={formatYuan(balanceFen)} className={`${prefix}-stored-value`} />
      <BillRow label={restLabel} value={formatYuan(totalFen - balanceFen)} className={`${prefix}-cash`} />
    </>
  )
}
