import { useEffect, useRef, useState } from 'react'
import Taro, { useLoad, useRouter } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { ApiErrorCode, Order, Refund, RefundQuote, StaffProfile } from '@wemember/shared'
import { chinaDateTime } from '@wemember/shared/china-time'
import { formatYuan } from '@wemember/shared/money'
import { getOrder, getStaffProfile, listOrders, quoteRefund, refundOrder } from '../../services/api'
import { formError } from '../../services/error-message'
import { fenToYuanText, parseYuanToFen } from '../../services/money-input'
import { RequestError } from '../../services/request'
import { staffSession } from '../../services/session'
import { AttemptKey } from '../../services/attempt-key'
import BalanceSplit from '../BalanceSplit'
import BillRow from '../BillRow'
import { leaveIfUnauthorized, openLogin } from '../staff-page'
import TillNotOffered, { mayUseTill } from '../TillOnly'
import './index.scss'

type Field = 'amountFen' | 'reason'
const FIELDS: readonly Field[] = ['amountFen', 'reason']
const FIELD_BY_CODE: Partial<Record<ApiErrorCode, Field>> = { REFUND_EXCEEDS_ORDER: 'amountFen' }

const STATUS_NAMES: Record<Order['status'], string> = {
  completed: '已完成',
  partially_refunded: '部分退款',
  refunded: '已全部退款',
}

/** How long the typed amount rests before the preview is asked for. */
const PREVIEW_DELAY_MS = 350

/** "30 积分 = −¥0.30": earned points already spent, paid for out of the refund. */
function chargebackText({ pointsChargedBack, chargebackFen }: { pointsChargedBack: number; chargebackFen: number }): string {
  return pointsChargedBack ? `${pointsChargedBack} 积分 = −${formatYuan(chargebackFen)}` : '无'
}

/** The typed goods value in fen, or the sentence to show beside the field. */
function checkAmount(text: string, refundableFen: number): { amountFen: number } | { error: string } {
  const amountFen = parseYuanToFen(text)
  if (!text.trim()) return { error: '请输入退货商品金额' }
  if (amountFen === null) return { error: '金额格式不对：最多两位小数' }
  if (amountFen === 0) return { error: '退款金额应大于 0' }
  if (amountFen > refundableFen) return { error: `最多可退 ${formatYuan(refundableFen)}` }
  return { amountFen }
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
        <Text className='refund-order__no'>{`小票 ${order.receiptNo ?? order.externalNo}`}</Text>
        <Text className={`refund-status refund-status--${order.status}`}>{STATUS_NAMES[order.status]}</Text>
      </View>
      {order.receiptNo && <BillRow label='记账单号' value={order.externalNo} className='order-external-no' />}
      <BillRow label='门店' value={order.storeName} />
      <BillRow label='会员' value={`${order.memberNo}（${order.memberPhone}）`} />
      <BillRow label='消费时间' value={chinaDateTime(new Date(order.createdAt))} />
      <BillRow label='原价' value={formatYuan(order.amountFen)} className='order-amount' />
      <BillRow label='实付' value={formatYuan(order.payableFen)} className='order-payable' />
      {order.balancePaidFen > 0 && <BillRow label='其中储值支付' value={formatYuan(order.balancePaidFen)} className='order-balance-paid' />}
      {order.pointsRedeemed > 0 && <BillRow label='积分抵扣' value={`${order.pointsRedeemed} 积分，−${formatYuan(order.pointsDeductFen)}`} />}
      <BillRow label='获得积分' value={String(order.pointsEarned)} />
      {order.refunds.length > 0 && (
        <View className='order-refunds'>
          <Text className='order-refunds__title'>退款记录</Text>
          {order.refunds.map((r) => (
            <View key={r.id} className='order-refund-line'>
              <Text className='order-refund-line__head'>{`${chinaDateTime(new Date(r.createdAt))} 退款${r.reason ? ` · ${r.reason}` : ''}`}</Text>
              <BillRow label='退货商品金额' value={formatYuan(r.amountFen)} className='refund-line-goods' />
              {r.pointsChargedBack > 0 && <BillRow label='扣回已用积分' value={chargebackText(r)} className='refund-line-chargeback' />}
              {r.pointsReturned > 0 && <BillRow label='退还抵现积分' value={String(r.pointsReturned)} className='refund-line-points-returned' />}
              <BillRow label='退给顾客' value={formatYuan(r.refundFen)} className='refund-line-money' />
            </View>
          ))}
          <BillRow label='已退商品金额' value={formatYuan(order.refundedFen)} className='order-refunded' />
          <BillRow label='已退给顾客' value={formatYuan(order.refundedMoneyFen)} className='order-refunded-money' />
        </View>
      )}
      <BillRow label='还可退商品金额' value={formatYuan(order.refundableFen)} className='order-refundable bill-row--total' />
    </View>
  )
}

/** The refund as recorded, checked against the preview the clerk confirmed. */
function RefundResult({ refund, confirmed }: { refund: Refund; confirmed: RefundQuote | null }) {
  const differs =
    !!confirmed &&
    (confirmed.amountFen !== refund.amountFen ||
      confirmed.refundFen !== refund.refundFen ||
      confirmed.pointsReversed !== refund.pointsReversed ||
      confirmed.pointsChargedBack !== refund.pointsChargedBack ||
      confirmed.pointsReturned !== refund.pointsReturned)
  return (
    <View className='refund-panel refund-result'>
      <Text className='refund-result__title'>{refund.replayed ? '这笔退款已处理过' : '退款完成'}</Text>
      {refund.replayed && <Text className='refund-result__note'>同一退款单号只退一次，以下是第一次退款的结果</Text>}
      {confirmed && !differs && <Text className='refund-result__check refund-result__check--same'>与确认前显示的金额一致</Text>}
      {confirmed && differs && (
        <Text className='refund-result__check refund-result__check--differs'>
          {`注意：实际退给顾客 ${formatYuan(refund.refundFen)}，与确认前显示的 ${formatYuan(confirmed.refundFen)} 不一致（可能有人同时办理了这笔消费的退款），请以本页为准并核对现金`}
        </Text>
      )}
      <BillRow label='退货商品金额' value={formatYuan(refund.amountFen)} className='result-goods-fen' />
      <BillRow label='其中实付部分' value={formatYuan(refund.payableShareFen)} className='result-paid-share' />
      <BillRow label='扣回已用积分' value={chargebackText(refund)} className='result-chargeback' />
      <BillRow label='退给顾客' value={formatYuan(refund.refundFen)} className='result-refund-fen bill-row--total' />
      <BalanceSplit totalFen={refund.refundFen} balanceFen={refund.balanceReturnedFen} balanceLabel='其中退回储值' restLabel='其中退现金等' prefix='result' />
      <BillRow label='扣回本单积分' value={String(refund.pointsReversed)} className='result-points-reversed' />
      {refund.pointsWrittenOff > 0 && <BillRow label='无法扣回的积分（已核销）' value={String(refund.pointsWrittenOff)} className='result-written-off' />}
      <BillRow label='退还抵现积分' value={String(refund.pointsReturned)} className='result-points-returned' />
      <BillRow label='扣回成长值' value={String(refund.growthReversed)} className='result-growth-reversed' />
      {refund.couponsReturned > 0 && <BillRow label='优惠券已退回顾客' value={`${refund.couponsReturned} 张`} className='result-coupons-returned' />}
      <BillRow label='会员现有积分' value={String(refund.pointsBalance)} className='result-points-balance' />
      <BillRow label='还可退商品金额' value={formatYuan(refund.orderRefundableFen)} className='result-refundable' />
      <BillRow label='退款单号' value={refund.refundNo} className='result-refund-no' />
    </View>
  )
}

/** What the typed refund would do, before it is confirmed. */
function RefundPreview({ preview }: { preview: RefundQuote }) {
  return (
    <View className='refund-preview'>
      <Text className='refund-preview__title'>确认前请核对</Text>
      <BillRow label='退货商品金额' value={formatYuan(preview.amountFen)} className='preview-goods' />
      <BillRow label='其中实付部分' value={formatYuan(preview.payableShareFen)} className='preview-paid-share' />
      <BillRow label='扣回已用积分' value={chargebackText(preview)} className='preview-chargeback' />
      <BillRow label='退给顾客' value={formatYuan(preview.refundFen)} className='preview-refund bill-row--total' />
      <BalanceSplit totalFen={preview.refundFen} balanceFen={preview.balanceReturnedFen} balanceLabel='其中退回储值' restLabel='其中退现金等' prefix='preview' />
      <BillRow label='扣回本单积分' value={String(preview.pointsReversed)} className='preview-points-reversed' />
      {preview.pointsWrittenOff > 0 && <BillRow label='无法扣回的积分（将核销）' value={String(preview.pointsWrittenOff)} className='preview-written-off' />}
      <BillRow label='退还抵现积分' value={String(preview.pointsReturned)} className='preview-points-returned' />
    </View>
  )
}

export default function RefundPage() {
  const { params } = useRouter()
  const [staff, setStaff] = useState<StaffProfile | null>(null)
  const [searchText, setSearchText] = useState(param(params.externalNo))
  const [found, setFound] = useState<Order[] | null>(null)
  const [order, setOrder] = useState<Order | null>(null)
  const [amountText, setAmountText] = useState('')
  const [reason, setReason] = useState('')
  const [refund, setRefund] = useState<Refund | null>(null)
  /** The preview the clerk confirmed, to check the recorded refund against. */
  const [confirmed, setConfirmed] = useState<RefundQuote | null>(null)
  /** The preview of the amount typed now (null while it is asked for, or when the amount is wrong). */
  const [preview, setPreview] = useState<RefundQuote | null>(null)
  const [previewing, setPreviewing] = useState(false)
  const [busy, setBusy] = useState<'' | 'search' | 'refund'>('')
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({})
  const [error, setError] = useState('')
  /** The refundNo of the refund being made of one order: kept across retries whose outcome is unknown. */
  const attempt = useRef<{ orderId: string; refundNo: AttemptKey } | null>(null)
  const [refundPending, setRefundPending] = useState(false)

  function fail(failure: unknown) {
    if (leaveIfUnauthorized(failure)) return
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
      // Today's orders whose printed or recorded receipt number starts with what was typed.
      const orders = await listOrders({ q: wanted })
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
    getStaffProfile().then((profile) => {
      setStaff(profile)
      if (!mayUseTill(profile.role)) return
      const orderId = param(params.orderId)
      if (orderId) open(orderId)
      else if (searchText) search(searchText)
    }, fail)
  })

  const orderId = order?.id ?? ''
  const refundableFen = order?.refundableFen ?? 0
  const checked = order ? checkAmount(amountText, refundableFen) : null
  const wantedFen = checked && 'amountFen' in checked ? checked.amountFen : 0

  // The preview follows the typed amount, asked for once the clerk stops typing.
  useEffect(() => {
    setPreview(null)
    if (!orderId || !wantedFen) {
      setPreviewing(false)
      return
    }
    setPreviewing(true)
    let current = true
    const timer = setTimeout(() => {
      quoteRefund(orderId, { amountFen: wantedFen }).then(
        (quoted) => {
          if (!current) return
          setPreview(quoted)
          setPreviewing(false)
        },
        (failure) => {
          if (!current) return
          setPreviewing(false)
          fail(failure)
        },
      )
    }, PREVIEW_DELAY_MS)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [orderId, wantedFen, refundableFen])

  async function submit() {
    if (busy || !order) return
    if (!checked || 'error' in checked) {
      setFieldErrors({ amountFen: checked?.error ?? '请输入退货商品金额' })
      return
    }
    // Nothing is refunded before the clerk has seen what it gives back.
    if (!preview || preview.amountFen !== checked.amountFen) return
    const { refundNo } = attempt.current ?? (attempt.current = { orderId: order.id, refundNo: new AttemptKey('R') })
    setBusy('refund')
    setFieldErrors({})
    setError('')
    try {
      const done = await refundOrder(order.id, { refundNo: refundNo.get(), amountFen: checked.amountFen, ...(reason.trim() && { reason: reason.trim() }) })
      refundNo.reset()
      setRefundPending(false)
      setConfirmed(preview)
      setRefund(done)
      setReason('')
      // The result is shown at the top of the page: take the clerk there.
      Taro.pageScrollTo({ scrollTop: 0, duration: 200 })
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

  if (staff && !mayUseTill(staff.role)) return <TillNotOffered staff={staff} />

  const ready = !!preview && preview.amountFen === wantedFen
  const submitLabel = !ready
    ? previewing
      ? '正在计算退款金额…'
      : '确认退款'
    : refundPending
      ? `重新提交退款 ${formatYuan(preview.refundFen)}`
      : `确认退款 ${formatYuan(preview.refundFen)}`

  // Blocks that come and go are kept mounted and hidden instead (Taro's H5 components are Stencil
  // elements, and React inserting siblings among them is where insertBefore errors came from).
  return (
    <View className='staff-refund'>
      {/* Opened from the order list on one order: the search is not needed, unless that order cannot be shown. */}
      <View className={`refund-panel${param(params.orderId) && order ? ' is-hidden' : ''}`}>
        <Text className='refund-label'>小票号</Text>
        <View className='refund-search'>
          <Input
            className='refund-search-input'
            maxlength={64}
            placeholder='输入今天的小票号'
            value={searchText}
            onInput={(event) => setSearchText(event.detail.value)}
            onConfirm={() => search()}
          />
          <Button className='refund-search-btn' loading={busy === 'search'} disabled={!!busy} onClick={() => search()}>
            <Text>查找</Text>
          </Button>
        </View>
        <Text className='refund-orders-link' onClick={() => Taro.navigateTo({ url: '/staff/orders/index' })}>
          没有小票号？在今日订单里按手机尾号、会员号查找 ›
        </Text>
        {found && found.length === 0 && <Text className='refund-not-found'>今天没有这张小票的消费记录；更早的消费请在今日订单里换日期查找</Text>}
        {found && found.length > 1 && (
          <View className='refund-found'>
            {found.map((candidate) => (
              <View key={candidate.id} className='refund-found__item' onClick={() => choose(candidate)}>
                <Text>{`${candidate.receiptNo ?? candidate.externalNo} · ${candidate.storeName}`}</Text>
                <Text>{`${formatYuan(candidate.amountFen)} · ${chinaDateTime(new Date(candidate.createdAt))}`}</Text>
              </View>
            ))}
          </View>
        )}
      </View>

      {refund && <RefundResult refund={refund} confirmed={confirmed} />}

      {order && <OrderSummary order={order} />}

      <View className={`refund-panel refund-form${order && order.refundableFen > 0 ? '' : ' is-hidden'}`}>
        <Text className='refund-label'>退货商品金额（元，按商品原价）</Text>
        <View className='field-row'>
          <Input
            className='refund-amount'
            type='digit'
            maxlength={10}
            value={amountText}
            onInput={(event) => {
              setAmountText(event.detail.value)
              setFieldErrors({})
              setError('')
            }}
          />
        </View>
        <Text className={`field-error field-error--amountFen${fieldErrors.amountFen ? '' : ' is-hidden'}`}>{fieldErrors.amountFen ?? ''}</Text>
        <View className={`refund-preview-box${ready ? '' : ' is-hidden'}`}>{preview && <RefundPreview preview={preview} />}</View>
        <Text className={`refund-previewing${previewing ? '' : ' is-hidden'}`}>正在计算退给顾客的金额…</Text>
        <Text className='refund-label'>退货原因（选填）</Text>
        <View className='field-row'>
          <Input className='refund-reason' maxlength={200} placeholder='例如：尺码不合适' value={reason} onInput={(event) => setReason(event.detail.value)} />
        </View>
        <Text className={`field-error field-error--reason${fieldErrors.reason ? '' : ' is-hidden'}`}>{fieldErrors.reason ?? ''}</Text>
        <Text className='refund-hint'>按比例扣回本单获得的积分和成长值；顾客已用掉的积分按抵现比例从退款中扣除，抵现用的积分退还给顾客</Text>
        <Button className='refund-submit' loading={busy === 'refund'} disabled={!!busy || !ready} onClick={submit}>
          <Text>{submitLabel}</Text>
        </Button>
        <Text className={`refund-pending${refundPending ? '' : ' is-hidden'}`}>上次提交没有收到结果；重新提交沿用同一退款单号，不会重复退款</Text>
      </View>

      <View className={`refund-done-notice${order && order.refundableFen === 0 ? '' : ' is-hidden'}`}>这笔消费已全部退款</View>

      <View className={`refund-error${error ? '' : ' is-hidden'}`}>{error}</View>
    </View>
  )
}
