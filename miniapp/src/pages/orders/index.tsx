import { useRef, useState } from 'react'
import { useLoad, useReachBottom } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { MemberReceipt, OrderStatus, ReceiptRefund } from '@wemember/shared'
import { chinaDateTime } from '@wemember/shared/china-time'
import { formatCount, formatYuan } from '@wemember/shared/money'
import { getMemberOrders } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { couponLineValue, minusYuan, signedCount } from '../../services/format'
import { leaveIfSignedOut, openTab, requireMember } from '../../services/navigation'
import BackBar from '../../components/BackBar'
import './index.scss'

const PAGE_SIZE = 10

const STATUS_LABELS: Record<OrderStatus, string> = {
  completed: '',
  partially_refunded: '部分退款',
  refunded: '已全额退款',
}

function Row({ className, label, value, strong }: { className: string; label: string; value: string; strong?: boolean }) {
  return (
    <View className={`receipt-row ${className}${strong ? ' receipt-row--strong' : ''}`}>
      <Text className='receipt-row__label'>{label}</Text>
      <Text className='receipt-row__value'>{value}</Text>
    </View>
  )
}

function RefundBlock({ refund }: { refund: ReceiptRefund }) {
  return (
    <View className='receipt-refund'>
      <View className='receipt-refund__head'>
        <Text className='receipt-refund__title'>退款</Text>
        <Text className='receipt-refund__time'>{chinaDateTime(new Date(refund.createdAt))}</Text>
      </View>
      <Row className='refund-goods' label='退货金额' value={formatYuan(refund.amountFen)} />
      <Row className='refund-money' label='退回金额' value={formatYuan(refund.refundFen)} strong />
      {refund.pointsReversed > 0 && <Row className='refund-points-reversed' label='扣回本单所得积分' value={signedCount(-refund.pointsReversed, formatCount)} />}
      {refund.pointsChargedBack > 0 && (
        <>
          <Row className='refund-chargeback' label='扣回已用积分' value={formatYuan(refund.chargebackFen)} />
          <Text className='receipt-refund__note'>
            本单所得积分中有 {formatCount(refund.pointsChargedBack)} 积分已经使用，折合 {formatYuan(refund.chargebackFen)} 已从退款中扣除
          </Text>
        </>
      )}
      {refund.pointsReturned > 0 && <Row className='refund-points-returned' label='退回抵扣积分' value={signedCount(refund.pointsReturned, formatCount)} />}
    </View>
  )
}

function Receipt({ order }: { order: MemberReceipt }) {
  const items = order.items.filter((item) => item.name || item.sku)
  return (
    <View className='receipt'>
      <View className='receipt__head'>
        <Text className='receipt-store'>{order.storeName}</Text>
        {STATUS_LABELS[order.status] && <Text className={`receipt-status receipt-status--${order.status}`}>{STATUS_LABELS[order.status]}</Text>}
      </View>
      <View className='receipt__meta'>
        <Text className='receipt-time'>{chinaDateTime(new Date(order.createdAt))}</Text>
        <Text className='receipt-no'>小票号 {order.receiptNo}</Text>
      </View>

      {items.length > 0 && (
        <View className='receipt-items'>
          {items.map((item, index) => (
            <View key={index} className='receipt-item'>
              <Text className='receipt-item__name'>
                {item.name ?? item.sku}
                {item.quantity && item.quantity > 1 ? ` × ${item.quantity}` : ''}
              </Text>
              <Text className='receipt-item__amount'>{formatYuan(item.amountFen)}</Text>
            </View>
          ))}
        </View>
      )}

      <View className='receipt-bill'>
        <Row className='receipt-amount' label='商品金额' value={formatYuan(order.amountFen)} />
        {order.discountFen > 0 && <Row className='receipt-discount' label='会员优惠' value={minusYuan(order.discountFen)} />}
        {order.coupons.map((coupon) => (
          <Row key={coupon.couponId} className={`receipt-coupon receipt-coupon--${coupon.type}`} label={coupon.name} value={couponLineValue(coupon)} />
        ))}
        {order.pointsRedeemed > 0 && (
          <Row className='receipt-redeemed' label={`积分抵扣（${formatCount(order.pointsRedeemed)} 积分）`} value={minusYuan(order.pointsDeductFen)} />
        )}
        <Row className='receipt-payable' label='实付' value={formatYuan(order.payableFen)} strong />
        {order.balancePaidFen > 0 && <Row className='receipt-balance-paid' label='其中储值支付' value={formatYuan(order.balancePaidFen)} />}
        <Row className='receipt-earned' label='获得积分' value={signedCount(order.pointsEarned, formatCount)} />
      </View>

      {order.refunds.map((refund) => (
        <RefundBlock key={refund.refundNo} refund={refund} />
      ))}
    </View>
  )
}

export default function OrdersPage() {
  const [orders, setOrders] = useState<MemberReceipt[] | null>(null)
  const [nextCursor, setNextCursor] = useState<string | null>(null)
  const [loadingMore, setLoadingMore] = useState(false)
  const [error, setError] = useState('')
  const loading = useRef(false)

  function fail(failure: unknown) {
    if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
  }

  async function load() {
    try {
      const first = await getMemberOrders({ limit: PAGE_SIZE })
      setOrders(first.orders)
      setNextCursor(first.nextCursor)
      setError('')
    } catch (failure) {
      fail(failure)
    }
  }

  async function loadMore() {
    if (loading.current || nextCursor === null) return
    loading.current = true
    setLoadingMore(true)
    try {
      const older = await getMemberOrders({ cursor: nextCursor, limit: PAGE_SIZE })
      setOrders((shown) => [...(shown ?? []), ...older.orders])
      setNextCursor(older.nextCursor)
      setError('')
    } catch (failure) {
      fail(failure)
    } finally {
      loading.current = false
      setLoadingMore(false)
    }
  }

  useLoad(() => {
    if (requireMember()) load()
  })
  useReachBottom(loadMore)

  return (
    <View className='m-page orders-page'>
      <BackBar title='消费记录' fallback={() => openTab('me')} />
      {error && <View className='m-error orders-error'>{error}</View>}
      {orders === null && !error && [0, 1].map((i) => <View key={i} className='skeleton skeleton--block orders-skeleton' />)}
      {orders && orders.length === 0 && (
        <View className='m-section m-empty orders-empty'>
          <Text className='m-empty__title'>还没有消费记录</Text>
          <Text className='m-empty__hint'>在门店结账时出示会员码，每一笔消费的电子小票、积分和退款都会显示在这里</Text>
        </View>
      )}
      {orders?.map((order) => <Receipt key={order.id} order={order} />)}
      {nextCursor !== null && (
        <Button className='m-more orders-more' loading={loadingMore} disabled={loadingMore} onClick={loadMore}>
          加载更多
        </Button>
      )}
      {orders && orders.length > 0 && nextCursor === null && <Text className='m-end'>没有更多记录了</Text>}
    </View>
  )
}
