import { useRef, useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { ApiErrorCode, Order, OrderCoupon, OrderQuote, OrderQuoteRequest, StaffProfile, StoreSummary } from '@wemember/shared'
import { normalizeCouponCode } from '@wemember/shared/coupon-code'
import { MEMBER_CODE, MEMBER_CODE_LENGTH } from '@wemember/shared/member-code'
import { TIER_NAMES } from '@wemember/shared/tiers'
import { formatYuan } from '@wemember/shared/money'
import { platform, PlatformError } from '../../platform'
import { createOrder, getStaffStores, quoteOrder } from '../../services/api'
import { errorMessage, formError } from '../../services/error-message'
import { couponLineValue } from '../../services/format'
import { fenToYuanText, parsePointsInput, parseYuanToFen } from '../../services/money-input'
import { RequestError } from '../../services/request'
import { AttemptKey } from '../../services/attempt-key'
import BalanceSplit from '../BalanceSplit'
import BillRow from '../BillRow'
import { leaveIfUnauthorized, useStaffProfile } from '../staff-page'
import StorePicker from '../StorePicker'
import TillNotOffered, { mayUseTill } from '../TillOnly'
import './index.scss'

type Field = 'memberCode' | 'amountFen' | 'pointsToRedeem' | 'balanceFen' | 'storeId' | 'receiptNo'
const FIELDS: readonly Field[] = ['memberCode', 'amountFen', 'pointsToRedeem', 'balanceFen', 'storeId', 'receiptNo']

/** The POS's printed receipt number: what the API takes (1–32 characters). */
const RECEIPT_NO_MAX = 32

/** Errors the API may answer without `issues`, placed beside the field they are about. */
const FIELD_BY_CODE: Partial<Record<ApiErrorCode, Field>> = {
  MEMBER_CODE_INVALID: 'memberCode',
  MEMBER_CODE_EXPIRED: 'memberCode',
  MEMBER_NOT_FOUND: 'memberCode',
  MEMBER_FROZEN: 'memberCode',
  MEMBER_CLOSED: 'memberCode',
  POINTS_INSUFFICIENT: 'pointsToRedeem',
  REDEEM_OVER_LIMIT: 'pointsToRedeem',
  REDEEM_NOT_WHOLE_FEN: 'pointsToRedeem',
  BALANCE_INSUFFICIENT: 'balanceFen',
  BALANCE_OVER_PAYABLE: 'balanceFen',
  ITEMS_TOTAL_MISMATCH: 'amountFen',
  STORE_REQUIRED: 'storeId',
  STORE_NOT_FOUND: 'storeId',
}

/** How the points (or the stored value) are used: not at all, as much as the purchase allows, or a typed amount. */
type RedeemMode = 'none' | 'all' | 'typed'

function openRefund(query: string) {
  Taro.navigateTo({ url: `/staff/refund/index?${query}` })
}

/** The code as the card prints it ("1234 5678 …") or as scanned: digits only. */
function digitsOf(text: string): string {
  return text.replace(/\s+/g, '')
}

function FieldError({ field, message }: { field: Field; message?: string }) {
  return message ? <Text className={`field-error field-error--${field}`}>{message}</Text> : null
}

/** "600 积分，−¥6.00", or 未使用. */
function redeemedText({ pointsRedeemed, pointsDeductFen }: { pointsRedeemed: number; pointsDeductFen: number }): string {
  return pointsRedeemed ? `${pointsRedeemed} 积分，−${formatYuan(pointsDeductFen)}` : '未使用'
}

/** A coupon typed from a member's screen, with its spaces: 17 characters in groups. */
const COUPON_INPUT_MAX = 24

/** The refusals that name one of the purchase's coupons (`couponCodes.N`), by that coupon's code. */
function couponRefusals(failure: unknown, codes: string[]): Record<string, string> {
  const byCode: Record<string, string> = {}
  if (!(failure instanceof RequestError)) return byCode
  for (const { field, message } of failure.issues) {
    const match = /^couponCodes\.(\d+)$/.exec(field)
    const code = match ? codes[Number(match[1])] : undefined
    if (code) byCode[code] ??= message
  }
  return byCode
}

function CouponLines({ coupons, className }: { coupons: OrderCoupon[]; className: string }) {
  return (
    <>
      {coupons.map((coupon) => (
        <BillRow key={coupon.couponId} label={`${coupon.name}（${coupon.summary}）`} value={couponLineValue(coupon)} className={`${className} ${className}--${coupon.type}`} />
      ))}
    </>
  )
}

function PurchaseResult({ order, onRefund, onNext }: { order: Order; onRefund: () => void; onNext: () => void }) {
  const upgraded = order.tierAfter !== order.tierBefore
  return (
    <View className='staff-purchase'>
      <View className='purchase-result'>
        <Text className='purchase-result__title'>{order.replayed ? '这笔消费已记录过' : '记账成功'}</Text>
        {order.replayed && <Text className='purchase-result__note'>同一小票号只记一次，以下是第一次记录的结果</Text>}
        <BillRow label='原价' value={formatYuan(order.amountFen)} className='result-amount' />
        <BillRow label='会员折扣' value={order.discountFen ? `−${formatYuan(order.discountFen)}` : '无'} className='result-discount' />
        <CouponLines coupons={order.coupons} className='result-coupon' />
        <BillRow label='积分抵扣' value={redeemedText(order)} className='result-redeemed' />
        <BillRow label='应付' value={formatYuan(order.payableFen)} className='result-payable bill-row--total' />
        <BalanceSplit totalFen={order.payableFen} balanceFen={order.balancePaidFen} balanceLabel='储值支付' restLabel='另收现金等' prefix='result' />
        <BillRow label='获得积分' value={`+${order.pointsEarned}`} className='result-earned' />
        {order.earningNotes.length > 0 && <Text className='bill-note'>{order.earningNotes.join('，')}</Text>}
        <BillRow label='获得成长值' value={`+${order.growthEarned}`} className='result-growth' />
        <BillRow
          label='会员等级'
          value={upgraded ? `${TIER_NAMES[order.tierBefore]} → ${order.tierAfterName}` : order.tierAfterName}
          className='result-tier'
        />
        <BillRow label='会员号' value={order.memberNo} className='result-member-no' />
        {order.receiptNo && <BillRow label='小票号' value={order.receiptNo} className='result-receipt-no' />}
        <BillRow label={order.receiptNo ? '记账单号' : '小票号'} value={order.externalNo} className='result-external-no' />
      </View>
      <View className='purchase-actions'>
        <Button className='purchase-refund' onClick={onRefund}>
          退货
        </Button>
        <Button className='purchase-next' onClick={onNext}>
          下一单
        </Button>
      </View>
    </View>
  )
}

export default function PurchasePage() {
  const { params } = useRouter()
  const [staff, setStaff] = useState<StaffProfile | null>(null)
  const [stores, setStores] = useState<StoreSummary[]>([])
  const [storeId, setStoreId] = useState('')
  const [code, setCode] = useState(params.code ?? '')
  const [amountText, setAmountText] = useState('')
  /** The POS's own receipt number, if the clerk types it (optional). */
  const [receiptNo, setReceiptNo] = useState('')
  const [redeemMode, setRedeemMode] = useState<RedeemMode>('none')
  const [redeemText, setRedeemText] = useState('')
  /** 储值支付: the stored value put towards what is left to pay, chosen last (after coupons and points). */
  const [balanceMode, setBalanceMode] = useState<RedeemMode>('none')
  const [balanceText, setBalanceText] = useState('')
  /** The member's coupons for this purchase, canonical codes in the order added. */
  const [couponCodes, setCouponCodes] = useState<string[]>([])
  const [couponText, setCouponText] = useState('')
  /** Why a coupon of the purchase was refused, by its code; `adding` for the one being added. */
  const [couponErrors, setCouponErrors] = useState<Record<string, string>>({})
  const [quote, setQuote] = useState<OrderQuote | null>(null)
  const [order, setOrder] = useState<Order | null>(null)
  const [busy, setBusy] = useState<'' | 'quote' | 'create'>('')
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({})
  const [error, setError] = useState('')
  /** A receipt number the server holds for a different purchase (409). */
  const [conflictNo, setConflictNo] = useState('')
  /** This purchase's externalNo: made once, kept across retries whose outcome is unknown. */
  const receipt = useRef(new AttemptKey('T'))
  const [receiptPending, setReceiptPending] = useState(false)

  function showLoadFailure(failure: unknown) {
    if (!leaveIfUnauthorized(failure)) setError(errorMessage(failure))
  }

  useStaffProfile((profile) => {
    setStaff(profile)
    // Staff over several stores say which store the purchase is for.
    if (!profile.storeId) getStaffStores().then(setStores, showLoadFailure)
  }, showLoadFailure)

  const needsStore = !!staff && !staff.storeId

  /** Anything that changes what is bought, by whom or where needs a new quote. */
  function changed(update: () => void) {
    update()
    setQuote(null)
    setRedeemMode('none')
    setRedeemText('')
    setBalanceMode('none')
    setBalanceText('')
    setFieldErrors({})
    setCouponErrors({})
    setError('')
    setConflictNo('')
  }

  /** The purchase as typed, or null after marking what is wrong with it. */
  function purchase(pointsToRedeem: number, codes = couponCodes, balanceFen = 0): OrderQuoteRequest | null {
    const errors: Partial<Record<Field, string>> = {}
    const memberCode = digitsOf(code)
    if (!memberCode) errors.memberCode = '请扫描或输入顾客的会员码'
    else if (!MEMBER_CODE.test(memberCode)) errors.memberCode = '会员码应为 20 位数字'
    const amountFen = parseYuanToFen(amountText)
    if (!amountText.trim()) errors.amountFen = '请输入消费金额'
    else if (amountFen === null) errors.amountFen = '金额格式不对：最多两位小数，且不超过 1,000,000 元'
    else if (amountFen === 0) errors.amountFen = '消费金额应大于 0'
    if (needsStore && !storeId) errors.storeId = '请选择门店'
    setFieldErrors(errors)
    if (Object.keys(errors).length || amountFen === null) return null
    return { memberCode, amountFen, pointsToRedeem, ...(balanceFen > 0 && { balanceFen }), ...(needsStore && { storeId }), ...(codes.length > 0 && { couponCodes: codes }) }
  }

  /** Places a failure: beside the coupon it names, beside its field, or under the form. */
  function showFailure(failure: unknown, codes = couponCodes) {
    if (leaveIfUnauthorized(failure)) return
    if (failure instanceof PlatformError && failure.cancelled) return
    const byCoupon = couponRefusals(failure, codes)
    if (Object.keys(byCoupon).length) {
      setCouponErrors(byCoupon)
      return
    }
    const { fields, message } = formError(failure, FIELDS, FIELD_BY_CODE)
    setFieldErrors(fields)
    setError(message)
  }

  /**
   * Prices the purchase with these points, coupons and stored value; the coupons are kept once a
   * quote accepts them. The balance is the last tender: a new quote for anything else starts it at 0.
   */
  async function requote(pointsToRedeem: number, codes = couponCodes, balanceFen = 0): Promise<boolean> {
    if (busy) return false
    const request = purchase(pointsToRedeem, codes, balanceFen)
    if (!request) return false
    setBusy('quote')
    setError('')
    setCouponErrors({})
    try {
      setQuote(await quoteOrder(request))
      setCouponCodes(codes)
      if (!balanceFen) {
        setBalanceMode('none')
        setBalanceText('')
      }
      return true
    } catch (failure) {
      showFailure(failure, codes)
      return false
    } finally {
      setBusy('')
    }
  }

  /** Adds the typed or scanned coupon: checked here for a typo, then priced by the server with the others. */
  async function addCoupon(text: string) {
    const code = normalizeCouponCode(text)
    if (!code) {
      setCouponErrors({ adding: text.trim() ? '券码有误，请核对后重新输入（17 位字母和数字）' : '请扫描或输入券码' })
      return
    }
    if (couponCodes.includes(code)) {
      setCouponErrors({ adding: '这张券已经添加' })
      return
    }
    const codes = [...couponCodes, code]
    const added = await requote(quote?.pointsRedeemed ?? 0, codes)
    if (added) setCouponText('')
    else
      setCouponErrors((shown) => {
        // The new coupon's refusal belongs by the field it was typed in; it was not added.
        const { [code]: refusal, ...others } = shown
        return refusal ? { ...others, adding: refusal } : shown
      })
  }

  function removeCoupon(code: string) {
    requote(quote?.pointsRedeemed ?? 0, couponCodes.filter((kept) => kept !== code))
  }

  async function scanCoupon() {
    try {
      await addCoupon(await platform.scanCode())
    } catch (failure) {
      showFailure(failure)
    }
  }

  function chooseRedeem(mode: RedeemMode) {
    if (!quote) return
    setRedeemMode(mode)
    setFieldErrors({})
    if (mode === 'none') requote(0)
    if (mode === 'all') requote(quote.maxRedeemPoints)
    if (mode === 'typed') setRedeemText(quote.pointsRedeemed ? String(quote.pointsRedeemed) : '')
  }

  function applyTypedPoints() {
    const typed = parsePointsInput(redeemText)
    if ('error' in typed) {
      setFieldErrors({ pointsToRedeem: typed.error })
      return
    }
    requote(typed.points)
  }

  function chooseBalance(mode: RedeemMode) {
    if (!quote) return
    setBalanceMode(mode)
    setFieldErrors({})
    if (mode === 'none') requote(quote.pointsRedeemed)
    if (mode === 'all') requote(quote.pointsRedeemed, couponCodes, Math.min(quote.balanceFen, quote.payableFen))
    if (mode === 'typed') setBalanceText(quote.balancePaidFen ? fenToYuanText(quote.balancePaidFen) : '')
  }

  /** The typed stored-value amount, checked here for its form; the server checks it against the balance and the payable. */
  function applyTypedBalance(): boolean {
    if (!quote) return false
    const typed = parseYuanToFen(balanceText)
    if (typed === null) {
      setFieldErrors({ balanceFen: balanceText.trim() ? '金额格式不对：最多两位小数' : '请输入储值支付金额' })
      return false
    }
    requote(quote.pointsRedeemed, couponCodes, typed)
    return true
  }

  async function scan() {
    try {
      const scanned = await platform.scanCode()
      changed(() => setCode(digitsOf(scanned)))
    } catch (failure) {
      showFailure(failure)
    }
  }

  async function confirm() {
    if (busy || !quote) return
    // Typed points not applied yet: show what they take off before charging.
    if (redeemMode === 'typed' && redeemText.trim() !== String(quote.pointsRedeemed)) {
      applyTypedPoints()
      return
    }
    // A typed stored-value amount not applied yet, likewise.
    if (balanceMode === 'typed' && parseYuanToFen(balanceText) !== quote.balancePaidFen) {
      applyTypedBalance()
      return
    }
    // Exactly what the clerk saw quoted.
    const request = purchase(quote.pointsRedeemed, couponCodes, quote.balancePaidFen)
    if (!request) return
    const printedNo = receiptNo.trim()
    if (printedNo.length > RECEIPT_NO_MAX) {
      setFieldErrors({ receiptNo: `小票号不能超过 ${RECEIPT_NO_MAX} 个字符` })
      return
    }
    const externalNo = receipt.current.get()
    setBusy('create')
    setError('')
    setConflictNo('')
    try {
      const recorded = await createOrder({ ...request, externalNo, ...(printedNo && { receiptNo: printedNo }) })
      receipt.current.reset()
      setReceiptPending(false)
      setOrder(recorded)
    } catch (failure) {
      receipt.current.failed(!(failure instanceof RequestError) || failure.outcomeUnknown)
      setReceiptPending(receipt.current.pending)
      if (failure instanceof RequestError && failure.code === 'ORDER_CONFLICT') setConflictNo(externalNo)
      showFailure(failure)
    } finally {
      setBusy('')
    }
  }

  /** The next shopper: a clean form and, with the next confirm, a new receipt number. */
  function nextPurchase() {
    receipt.current.reset()
    setReceiptPending(false)
    setOrder(null)
    changed(() => {
      setCode('')
      setAmountText('')
      setReceiptNo('')
      setCouponCodes([])
      setCouponText('')
    })
  }

  if (staff && !mayUseTill(staff.role)) return <TillNotOffered staff={staff} />

  if (order) {
    return <PurchaseResult order={order} onRefund={() => openRefund(`orderId=${encodeURIComponent(order.id)}`)} onNext={nextPurchase} />
  }

  /** A receipt number that may be recorded already: the clerk can look it up before starting over. */
  const checkNo = conflictNo || (receiptPending ? receipt.current.get() : '')
  const chip = (mode: RedeemMode) => `redeem-option redeem-option--${mode}${redeemMode === mode ? ' redeem-option--chosen' : ''}`
  const balanceChip = (mode: RedeemMode) => `redeem-option balance-option balance-option--${mode}${balanceMode === mode ? ' redeem-option--chosen' : ''}`

  return (
    <View className='staff-purchase'>
      {staff && <Text className='purchase-workplace'>{`${staff.displayName} · ${staff.storeName ?? staff.regionName ?? '总部'}`}</Text>}

      {needsStore && (
        <View className='purchase-panel'>
          <Text className='purchase-label'>门店</Text>
          <StorePicker stores={stores} chosen={storeId} onChoose={(id) => changed(() => setStoreId(id))} />
          <FieldError field='storeId' message={fieldErrors.storeId} />
        </View>
      )}

      <View className='purchase-panel'>
        <Text className='purchase-label'>会员码</Text>
        <View className='purchase-code-row'>
          <Input
            className='purchase-code'
            type='number'
            maxlength={MEMBER_CODE_LENGTH}
            placeholder='扫描或输入 20 位会员码'
            value={code}
            onInput={(event) => changed(() => setCode(event.detail.value))}
          />
          {process.env.TARO_ENV !== 'h5' && (
            <Button className='purchase-scan' onClick={scan}>
              扫码
            </Button>
          )}
        </View>
        <FieldError field='memberCode' message={fieldErrors.memberCode} />

        <Text className='purchase-label'>消费金额（元）</Text>
        <View className='field-row'>
          <Input
            className='purchase-amount'
            type='digit'
            maxlength={10}
            placeholder='例如 128.50'
            value={amountText}
            onInput={(event) => changed(() => setAmountText(event.detail.value))}
            onConfirm={() => requote(0)}
          />
        </View>
        <FieldError field='amountFen' message={fieldErrors.amountFen} />

        {!quote && couponCodes.length > 0 && <Text className='bill-note purchase-coupons-kept'>{`已添加 ${couponCodes.length} 张券，计算会员价时一并使用`}</Text>}
        {!quote && (
          <Button className='purchase-quote-btn' loading={busy === 'quote'} disabled={!!busy} onClick={() => requote(0)}>
            <Text>计算会员价</Text>
          </Button>
        )}
      </View>

      {quote && (
        <View className='purchase-panel purchase-quote'>
          <View className='quote-member'>
            <Text className='quote-tier'>{quote.tierName}</Text>
            <Text className='quote-member-no'>会员号 {quote.memberNo}</Text>
          </View>
          <BillRow label='可用积分' value={`${quote.pointsBalance}（本单最多可抵 ${quote.maxRedeemPoints}）`} className='quote-balance' />
          <BillRow label='原价' value={formatYuan(quote.amountFen)} className='quote-amount' />
          <BillRow label='会员折扣' value={quote.discountFen ? `−${formatYuan(quote.discountFen)}` : '无'} className='quote-discount' />

          <View className='coupons'>
            <Text className='purchase-label'>优惠券</Text>
            {couponCodes.map((couponCode) => {
              const line = quote.coupons.find((coupon) => normalizeCouponCode(coupon.codeDisplay) === couponCode)
              return (
                <View key={couponCode} className='coupon-line'>
                  <View className='coupon-line__main'>
                    <Text className='coupon-line__name'>{line ? `${line.name}（${line.summary}）` : couponCode}</Text>
                    {line && <Text className='coupon-line__code'>{line.codeDisplay}</Text>}
                    {couponErrors[couponCode] && <Text className='field-error field-error--coupon'>{couponErrors[couponCode]}</Text>}
                  </View>
                  {line && <Text className={`coupon-line__value coupon-line__value--${line.type}`}>{couponLineValue(line)}</Text>}
                  <Text className='coupon-line__remove' onClick={() => removeCoupon(couponCode)}>
                    移除
                  </Text>
                </View>
              )
            })}
            <View className='coupon-add'>
              <Input
                className='coupon-input'
                maxlength={COUPON_INPUT_MAX}
                placeholder='输入顾客的券码'
                value={couponText}
                onInput={(event) => {
                  setCouponText(event.detail.value)
                  setCouponErrors((shown) => ({ ...shown, adding: '' }))
                }}
                onConfirm={() => addCoupon(couponText)}
              />
              <Button className='coupon-add-btn' disabled={!!busy} onClick={() => addCoupon(couponText)}>
                <Text>添加</Text>
              </Button>
              {process.env.TARO_ENV !== 'h5' && (
                <Button className='coupon-scan' disabled={!!busy} onClick={scanCoupon}>
                  <Text>扫码</Text>
                </Button>
              )}
            </View>
            {couponErrors.adding && <Text className='field-error field-error--coupon-add'>{couponErrors.adding}</Text>}
          </View>
          {quote.couponDiscountFen > 0 && <BillRow label='券优惠' value={`−${formatYuan(quote.couponDiscountFen)}`} className='quote-coupon-discount' />}

          {quote.maxRedeemPoints > 0 ? (
            <View className='redeem'>
              <Text className='purchase-label'>积分抵扣</Text>
              <View className='redeem-options'>
                <Text className={chip('none')} onClick={() => chooseRedeem('none')}>
                  不使用
                </Text>
                <Text className={chip('all')} onClick={() => chooseRedeem('all')}>
                  全部可用（{quote.maxRedeemPoints}）
                </Text>
                <Text className={chip('typed')} onClick={() => chooseRedeem('typed')}>
                  自定义
                </Text>
              </View>
              {redeemMode === 'typed' && (
                <View className='redeem-typed'>
                  <Input
                    className='redeem-input'
                    type='digit'
                    maxlength={9}
                    placeholder={`最多 ${quote.maxRedeemPoints} 积分`}
                    value={redeemText}
                    onInput={(event) => {
                      setRedeemText(event.detail.value)
                      setFieldErrors({})
                    }}
                    onConfirm={applyTypedPoints}
                  />
                  <Button className='redeem-apply' disabled={!!busy} onClick={applyTypedPoints}>
                    <Text>使用</Text>
                  </Button>
                </View>
              )}
            </View>
          ) : (
            <Text className='bill-note'>本单不能使用积分抵扣</Text>
          )}
          <FieldError field='pointsToRedeem' message={fieldErrors.pointsToRedeem} />

          <BillRow label='积分抵扣' value={redeemedText(quote)} className='quote-redeemed' />
          <BillRow label='应付' value={formatYuan(quote.payableFen)} className='quote-payable bill-row--total' />

          {quote.balanceFen > 0 && quote.payableFen > 0 ? (
            <View className='redeem balance-pay'>
              <Text className='purchase-label'>{`储值支付（余额 ${formatYuan(quote.balanceFen)}）`}</Text>
              <View className='redeem-options'>
                <Text className={balanceChip('none')} onClick={() => chooseBalance('none')}>
                  不使用
                </Text>
                <Text className={balanceChip('all')} onClick={() => chooseBalance('all')}>
                  {`全部用储值（${formatYuan(Math.min(quote.balanceFen, quote.payableFen))}）`}
                </Text>
                <Text className={balanceChip('typed')} onClick={() => chooseBalance('typed')}>
                  自定义
                </Text>
              </View>
              {balanceMode === 'typed' && (
                <View className='redeem-typed'>
                  <Input
                    className='redeem-input balance-input'
                    type='digit'
                    maxlength={10}
                    placeholder={`最多 ${fenToYuanText(Math.min(quote.balanceFen, quote.payableFen))} 元`}
                    value={balanceText}
                    onInput={(event) => {
                      setBalanceText(event.detail.value)
                      setFieldErrors({})
                    }}
                    onConfirm={applyTypedBalance}
                  />
                  <Button className='redeem-apply balance-apply' disabled={!!busy} onClick={applyTypedBalance}>
                    <Text>使用</Text>
                  </Button>
                </View>
              )}
            </View>
          ) : (
            <Text className='bill-note quote-no-balance'>{quote.balanceFen > 0 ? '本单无需支付' : '储值余额 ¥0.00，不能用储值支付'}</Text>
          )}
          <FieldError field='balanceFen' message={fieldErrors.balanceFen} />
          <BalanceSplit totalFen={quote.payableFen} balanceFen={quote.balancePaidFen} balanceLabel='储值支付' restLabel='另收现金等' prefix='quote' />
          <BillRow label='本单可得' value={`${quote.pointsEarned} 积分，${quote.growthEarned} 成长值`} className='quote-earned' />
          {quote.earningNotes.length > 0 && <Text className='bill-note'>{quote.earningNotes.join('，')}</Text>}

          <Text className='purchase-label'>小票号（选填，POS 打印的小票号）</Text>
          <View className='field-row'>
            <Input
              className='purchase-receipt-no'
              maxlength={RECEIPT_NO_MAX + 8}
              placeholder='方便以后按小票号查找'
              value={receiptNo}
              onInput={(event) => {
                setReceiptNo(event.detail.value)
                setFieldErrors({})
              }}
            />
          </View>
          <FieldError field='receiptNo' message={fieldErrors.receiptNo} />

          {/* The label is a <Text> of its own: React then never rewrites the button's own children, where Stencil puts its loading spinner (an insertBefore error otherwise). */}
          <Button className='purchase-confirm' loading={busy === 'create'} disabled={!!busy} onClick={confirm}>
            <Text>{receiptPending ? `重新提交 ${formatYuan(quote.payableFen)}` : `确认收款 ${formatYuan(quote.payableFen)}`}</Text>
          </Button>
          {receiptPending && <Text className='bill-note purchase-pending'>上次提交没有收到结果；重新提交沿用同一小票号，不会重复记账</Text>}
        </View>
      )}

      {error && <View className='purchase-error'>{error}</View>}
      {checkNo && (
        <View className='purchase-check'>
          <Text className='purchase-check__link' onClick={() => openRefund(`externalNo=${encodeURIComponent(checkNo)}`)}>
            查看小票 {checkNo} 是否已记账
          </Text>
          <Text className='purchase-abandon' onClick={nextPurchase}>
            放弃本单，重新开始
          </Text>
        </View>
      )}
    </View>
  )
}
