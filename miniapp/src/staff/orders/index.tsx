import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { Order, StaffProfile } from '@wemember/shared'
import { chinaDate, chinaDateLabel, chinaDateTime, chinaDayStart } from '@wemember/shared/china-time'
import { formatYuan } from '@wemember/shared/money'
import { listOrders } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { leaveIfUnauthorized, useStaffProfile } from '../staff-page'
import TillNotOffered, { mayUseTill } from '../TillOnly'
import './index.scss'

const DAY_MS = 24 * 60 * 60 * 1000

/** How many orders one look shows (the API's most). */
const PAGE_SIZE = 100

function openRefund(order: Order) {
  Taro.navigateTo({ url: `/staff/refund/index?orderId=${encodeURIComponent(order.id)}` })
}

/** The business day before or after `date` (YYYY-MM-DD, Shanghai). */
function shiftDay(date: string, days: number): string {
  return chinaDate(new Date(chinaDayStart(date).getTime() + days * DAY_MS + DAY_MS / 2))
}

/** "已退 ¥28.50" / "已全部退款", or nothing for an order not refunded. */
function refundState(order: Order): string {
  if (order.status === 'refunded') return `已全部退款 ${formatYuan(order.refundedMoneyFen)}`
  if (order.status === 'partially_refunded') return `已退 ${formatYuan(order.refundedMoneyFen)}`
  return ''
}

function OrderRow({ order, showStore }: { order: Order; showStore: boolean }) {
  const state = refundState(order)
  return (
    <View className='order-row' onClick={() => openRefund(order)}>
      <View className='order-row__line'>
        <Text className='order-row__time'>{chinaDateTime(new Date(order.createdAt)).slice(11)}</Text>
        <Text className='order-row__receipt'>{order.receiptNo ?? order.externalNo}</Text>
        <Text className='order-row__payable'>{formatYuan(order.payableFen)}</Text>
      </View>
      <View className='order-row__line order-row__line--minor'>
        <Text className='order-row__phone'>{`${order.memberPhone}${showStore ? ` · ${order.storeName}` : ''}`}</Text>
        <Text className={`order-row__state order-row__state--${order.status}`}>{state || '可退款 ›'}</Text>
      </View>
    </View>
  )
}

/** The till's orders of a day: search them, tap one to refund it. */
export default function StaffOrdersPage() {
  const today = chinaDate()
  const [staff, setStaff] = useState<StaffProfile | null>(null)
  const [date, setDate] = useState(today)
  const [query, setQuery] = useState('')
  /** What the list shows: the day and the search it was loaded for. */
  const [shown, setShown] = useState<{ date: string; q: string } | null>(null)
  const [orders, setOrders] = useState<Order[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  function fail(failure: unknown) {
    if (!leaveIfUnauthorized(failure)) setError(errorMessage(failure))
  }

  async function load(day: string, q: string) {
    setBusy(true)
    setError('')
    try {
      const found = await listOrders({ date: day, limit: PAGE_SIZE, ...(q && { q }) })
      setOrders(found)
      setShown({ date: day, q })
    } catch (failure) {
      fail(failure)
    } finally {
      setBusy(false)
    }
  }

  // Also on coming back from a refund: the list shows what is refunded now.
  useStaffProfile((profile) => {
    setStaff(profile)
    // The same day and search as before leaving the page.
    if (mayUseTill(profile.role)) load(shown?.date ?? date, shown?.q ?? '')
  }, fail)

  function chooseDay(day: string) {
    setDate(day)
    load(day, query.trim())
  }

  if (staff && !mayUseTill(staff.role)) return <TillNotOffered staff={staff} />

  const dayLabel = date === today ? `今天（${chinaDateLabel(date)}）` : chinaDateLabel(date)
  const showStore = !!staff && !staff.storeId
  const emptyText = shown?.q ? `${shown.date === today ? '今天' : '这一天'}没有找到“${shown.q}”的消费记录` : `${shown?.date === today ? '今天' : '这一天'}还没有消费记录`

  return (
    <View className='staff-orders'>
      <View className='orders-panel'>
        <View className='orders-day'>
          <Text className='orders-day__prev' onClick={() => chooseDay(shiftDay(date, -1))}>
            ‹ 前一天
          </Text>
          <Text className='orders-day__label'>{dayLabel}</Text>
          <Text className={`orders-day__next${date < today ? '' : ' orders-day__next--off'}`} onClick={() => date < today && chooseDay(shiftDay(date, 1))}>
            后一天 ›
          </Text>
        </View>
        <View className='orders-search'>
          <Input
            className='orders-search-input'
            maxlength={64}
            placeholder='小票号、会员号或手机尾号 4 位'
            value={query}
            onInput={(event) => setQuery(event.detail.value)}
            onConfirm={() => load(date, query.trim())}
          />
          <Button className='orders-search-btn' loading={busy} disabled={busy} onClick={() => load(date, query.trim())}>
            <Text>搜索</Text>
          </Button>
        </View>
      </View>

      <View className={`orders-error${error ? '' : ' is-hidden'}`}>{error}</View>

      <View className={`orders-list${shown && orders.length ? '' : ' is-hidden'}`}>
        <Text className='orders-count'>{`共 ${orders.length} 笔${orders.length >= PAGE_SIZE ? '（只显示最近 100 笔，请搜索）' : ''}，点一笔办理退款`}</Text>
        {orders.map((order) => (
          <OrderRow key={order.id} order={order} showStore={showStore} />
        ))}
      </View>
      <View className={`orders-empty${shown && !orders.length && !error ? '' : ' is-hidden'}`}>{emptyText}</View>
    </View>
  )
}
