import { useRef, useState } from 'react'
import Taro, { useLoad, useRouter } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { ApiErrorCode, Order, Refund } from '@wemember/shared'
import { chinaDateTime } from '@wemember/shared/china-time'
import { formatYuan } from '@wemember/shared/money'
import { getOrder, listOrders, refundOrder } from '../../services/api'
import { formError } from '../../services/error-message'
import { fenToYuanText, parseYuanToFen } from '../../services/money-input'
import { RequestError } from '../../services/request'
import { staffSession } from '../../services/session'
import { AttemptKey } from '../attempt-key'
import BillRow from '../BillRow'
import './index.scss'

type Field = 'amountFen' | 'reason'
const FIELDS: readonly Field[] = ['amountFen', 'reason']
const FIELD_BY_CODE: Partial<Record<ApiErrorCode, Field>> = { REFUND_EXCEEDS_ORDER: 'amountFen' }

const STATUS_NAMES: Record<Order['status'], string> = {
  completed: '已完成',
  partially_refunded: '部分退款',
  refunded: '已全部退款',
}

function openLogin() {
  Taro.redirectTo({ url: '/staff/login/index' })
}

/** A page parameter as typed into the URL, or '' when missing. */
function param(value: string | undefined): string {
  if (!value) return ''
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

function OrderSummary({ order }: { order: Order }) {
  return (
    <View className='refund-panel refund-order'>
      <View className='refund-order__head'>
        <Text className='refund-order__no'>小票 {order.externalNo}</Text>
        <Text className={`refund-status refund-status--${order.status}`}>{STATUS_NAMES[order.status]}</Text>
      </View>
      <BillRow label='门店' value={order.storeName} />
      <BillRow label='会员' value={`${order.memberNo}（${order.memberPhone}）`} />
      <BillRow label='消费时间' value={chinaDateTime(new Date(order.createdAt))} />
      <BillRow label='原价' value={formatYuan(order.amountFen)} className='order-amount' />
      <BillRow label='实付' value={formatYuan(order.payableFen)} className='order-payable' />
      {order.pointsRedeemed > 0 && <BillRow label='积分抵扣' value={`${order.pointsRedeemed} 积分，−${formatYuan(order.pointsDeductFen)}`} />}
      <BillRow label='获得积分' value={String(order.pointsEarned)} />
      <BillRow label='已退' value={formatYuan(order.refundedFen)} className='order-refunded' />
      {order.refunds.map((r) => (
        <BillRow
          key={r.id}
          label={`${chinaDateTime(new Date(r.createdAt))} 退款`}
          value={`${formatYuan(r.refundFen)}${r.reason ? `（${r.reason}）` : ''}`}
          className='order-refund-line'
        />
      ))}
      <BillRow label='可退' value={formatYuan(order.refundableFen)} className='order-refundable bill-row--total' />
    </View>
  )
}

function RefundResult({ refund }: { refund: Refund }) {
  return (
    <View className='refund-panel refund-result'>
      <Text className='refund-result__title'>{refund.replayed ? '这笔退款已处理过' : '退款完成'}</Text>
      {refund.replayed && <Text className='refund-result__note'>同一退款单号只退一次，以下是第一次退款的结果</Text>}
      <BillRow label='退款金额' value={formatYuan(refund.refundFen)} className='result-refund-fen bill-row--total' />
      <BillRow label='退货商品金额' value={formatYuan(refund.amountFen)} className='result-goods-fen' />
      <BillRow label='扣回积分' value={String(refund.pointsReversed)} className='result-points-reversed' />
      {refund.pointsChargedBack > 0 && (
        <BillRow
          label='已用积分折现扣款'
          value={`${refund.pointsChargedBack} 积分，−${formatYuan(refund.chargebackFen)}`}
          className='result-chargeback'
        />
      )}
      {refund.pointsWrittenOff > 0 && <BillRow label='无法扣回的积分（已核销）' value={String(refund.pointsWrittenOff)} className='result-written-off' />}
      <BillRow label='退还抵现积分' value={String(refund.pointsReturned)} className='result-points-returned' />
      <BillRow label='扣回成长值' value={String(refund.growthReversed)} className='result-growth-reversed' />
      <BillRow label='会员现有积分' value={String(refund.pointsBalance)} className='result-points-balance' />
      <BillRow label='剩余可退' value={formatYuan(refund.orderRefundableFen)} className='result-refundable' />
      <BillRow label='退款单号' value={refund.refundNo} className='result-refund-no' />
    </View>
  )
}

export default function RefundPage() {
  const { params } = useRouter()
  const [searchText, setSearchText] = useState(param(params.externalNo))
  const [found, setFound] = useState<Order[] | null>(null)
  const [order, setOrder] = useState<Order | null>(null)
  const [amountText, setAmountText] = useState('')
  const [reason, setReason] = useState('')
  const [refund, setRefund] = useState<Refund | null>(null)
  const [busy, setBusy] = useState<'' | 'search' | 'refund'>('')
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({})
  const [error, setError] = useState('')
  /** The refundNo of the refund being made of one order: kept across retries whose outcome is unknown. */
  const attempt = useRef<{ orderId: string; refundNo: AttemptKey } | null>(null)
  const [refundPending, setRefundPending] = useState(false)

  function fail(failure: unknown) {
    if (failure instanceof RequestError && failure.unauthorized) {
      openLogin()
      return
    }
    const { fields, message } = formError(failure, FIELDS, FIELD_BY_CODE)
    setFieldErrors(fields)
    setError(message)
  }

  /** Shows an order, ready for a refund of all that is left. */
  function choose(next: Order) {
    setOrder(next)
    setAmountText(next.refundableFen > 0 ? fenToYuanText(next.refundableFen) : '')
    setFieldErrors({})
    setError('')
    // Another order starts another refund; the same one keeps a refundNo that may be recorded.
    if (attempt.current?.orderId !== next.id) attempt.current = { orderId: next.id, refundNo: new AttemptKey('R') }
    setRefundPending(attempt.current.refundNo.pending)
  }

  async function open(id: string) {
    try {
      choose(await getOrder(id))
    } catch (failure) {
      fail(failure)
    }
  }

  async function search(externalNo = searchText) {
    const wanted = externalNo.trim()
    if (busy) return
    if (!wanted) {
      setError('请输入小票号')
      return
    }
    setBusy('search')
    setError('')
    setRefund(null)
    setOrder(null)
    try {
      const orders = await listOrders({ externalNo: wanted })
      setFound(orders)
      if (orders.length === 1) choose(orders[0])
    } catch (failure) {
      fail(failure)
    } finally {
      setBusy('')
    }
  }

  useLoad(() => {
    if (!staffSession.get()) {
      openLogin()
      return
    }
    const orderId = param(params.orderId)
    if (orderId) open(orderId)
    else if (searchText) search(searchText)
  })

  async function submit() {
    if (busy || !order) return
    const amountFen = parseYuanToFen(amountText)
    let invalid = ''
    if (!amountText.trim()) invalid = '请输入退款金额'
    else if (amountFen === null) invalid = '金额格式不对：最多两位小数'
    else if (amountFen === 0) invalid = '退款金额应大于 0'
    else if (amountFen > order.refundableFen) invalid = `最多可退 ${formatYuan(order.refundableFen)}`
    if (invalid || amountFen === null) {
      setFieldErrors({ amountFen: invalid })
      return
    }
    const { refundNo } = attempt.current ?? (attempt.current = { orderId: order.id, refundNo: new AttemptKey('R') })
    setBusy('refund')
    setFieldErrors({})
    setError('')
    try {
      const done = await refundOrder(order.id, { refundNo: refundNo.get(), amountFen, ...(reason.trim() && { reason: reason.trim() }) })
      refundNo.reset()
      setRefundPending(false)
      setRefund(done)
      setReason('')
      // What is left to refund, as the server now sees it.
      getOrder(order.id).then(choose, fail)
    } catch (failure) {
      refundNo.failed(!(failure instanceof RequestError) || failure.outcomeUnknown)
      setRefundPending(refundNo.pending)
      fail(failure)
    } finally {
      setBusy('')
    }
  }

  const amountFen = parseYuanToFen(amountText)

  return (
    <View className='staff-refund'>
      <View className='refund-panel'>
        <Text className='refund-label'>小票号</Text>
        <View className='refund-search'>
          <Input
            className='refund-search-input'
            maxlength={64}
            placeholder='输入小票号查找消费'
            value={searchText}
            onInput={(event) => setSearchText(event.detail.value)}
            onConfirm={() => search()}
          />
          <Button className='refund-search-btn' loading={busy === 'search'} disabled={!!busy} onClick={() => search()}>
            查找
          </Button>
        </View>
        {found && found.length === 0 && <Text className='refund-not-found'>没有找到这张小票的消费记录</Text>}
        {found && found.length > 1 && (
          <View className='refund-found'>
            {found.map((candidate) => (
              <View key={candidate.id} className='refund-found__item' onClick={() => choose(candidate)}>
                <Text>{candidate.storeName}</Text>
                <Text>{`${formatYuan(candidate.amountFen)} · ${chinaDateTime(new Date(candidate.createdAt))}`}</Text>
              </View>
            ))}
          </View>
        )}
      </View>

      {refund && <RefundResult refund={refund} />}

      {order && <OrderSummary order={order} />}

      {order && order.refundableFen > 0 && (
        <View className='refund-panel'>
          <Text className='refund-label'>退款金额（元，按商品原价）</Text>
          <View className='field-row'>
            <Input
              className='refund-amount'
              type='digit'
              maxlength={10}
              value={amountText}
              onInput={(event) => {
                setAmountText(event.detail.value)
                setFieldErrors({})
              }}
            />
          </View>
          {fieldErrors.amountFen && <Text className='field-error field-error--amountFen'>{fieldErrors.amountFen}</Text>}
          <Text className='refund-label'>退货原因（选填）</Text>
          <View className='field-row'>
            <Input className='refund-reason' maxlength={200} placeholder='例如：尺码不合适' value={reason} onInput={(event) => setReason(event.detail.value)} />
          </View>
          {fieldErrors.reason && <Text className='field-error field-error--reason'>{fieldErrors.reason}</Text>}
          <Text className='refund-hint'>按比例扣回本单获得的积分和成长值；顾客已用掉的积分将按抵现比例从退款中扣除</Text>
          <Button className='refund-submit' loading={busy === 'refund'} disabled={!!busy} onClick={submit}>
            {refundPending ? '重新提交退款' : amountFen ? `确认退款 ${formatYuan(amountFen)}` : '确认退款'}
          </Button>
          {refundPending && <Text className='refund-pending'>上次提交没有收到结果；重新提交沿用同一退款单号，不会重复退款</Text>}
        </View>
      )}

      {order && order.refundableFen === 0 && <View className='refund-done-notice'>这笔消费已全部退款</View>}

      {error && <View className='refund-error'>{error}</View>}
    </View>
  )
}
