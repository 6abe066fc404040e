import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import { couponFace } from './face'

interface TicketTerms {
  name: string
  type: 'cash' | 'percent' | 'gift'
  valueFen: number | null
  percentOff: number | null
  thresholdFen: number
  summary: string
}

interface CouponTicketProps {
  terms: TicketTerms
  /** Lines under the name: validity, stores, a hint. */
  lines: string[]
  /** A warning line in colour ("3 天后过期"). */
  alert?: string | null
  /** The right-hand action (a button) or state badge. */
  side?: ReactNode
  /** Used, expired or not available: drawn in grey. */
  muted?: boolean
  className?: string
  onClick?: () => void
}

/**
 * A coupon drawn as a ticket: its value big on the left ("¥20" / "8.5折" / "赠品") over the
 * condition, the name and its lines on the right, and an action or a state at the far right.
 */
export default function CouponTicket({ terms, lines, alert, side, muted, className = '', onClick }: CouponTicketProps) {
  const face = couponFace(terms)
  return (
    <View className={`coupon-ticket coupon-ticket--${terms.type}${muted ? ' coupon-ticket--muted' : ''} ${className}`} onClick={onClick}>
      <View className='coupon-ticket__face'>
        <Text className='coupon-ticket__value'>{face.value}</Text>
        <Text className='coupon-ticket__condition'>{face.condition}</Text>
      </View>
      <View className='coupon-ticket__body'>
        <Text className='coupon-ticket__name'>{terms.name}</Text>
        {/* A coupon named by its terms ("满100减20") does not say them twice. */}
        {terms.summary !== terms.name && <Text className='coupon-ticket__summary'>{terms.summary}</Text>}
        {lines.map((line) => (
          <Text key={line} className='coupon-ticket__line'>
            {line}
          </Text>
        ))}
        {alert && <Text className='coupon-ticket__alert'>{alert}</Text>}
      </View>
      {side && <View className='coupon-ticket__side'>{side}</View>}
    </View>
  )
}
