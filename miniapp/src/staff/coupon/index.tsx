import { useRef, useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { CouponRedemption, StaffCoupon, StaffProfile, StoreSummary } from '@wemember/shared'
import { chinaDateTime } from '@wemember/shared/china-time'
import { normalizeCouponCode } from '@wemember/shared/coupon-code'
import { formatYuan } from '@wemember/shared/money'
import { platform, PlatformError } from '../../platform'
import { getStaffStores, lookupCoupon, redeemCoupon } from '../../services/api'
import { AttemptKey } from '../../services/attempt-key'
import { errorMessage } from '../../services/error-message'
import { RequestError } from '../../services/request'
import BillRow from '../BillRow'
import { leaveIfUnauthorized, useStaffProfile } from '../staff-page'
import StorePicker from '../StorePicker'
import TillNotOffered, { mayUseTill } from '../TillOnly'
import './index.scss'

/** What a clerk types from a member's screen: 17 characters, in groups with spaces. */
const CODE_INPUT_MAX = 24

const STATUS_NAMES: Record<StaffCoupon['status'], string> = {
  issued: '未使用',
  locked: '收银中',
  redeemed: '已核销',
  expired: '已过期',
  revoked: '已作废',
}

/** The coupon as the clerk checks it before redeeming: whose, what, where and until when. */
function FoundCoupon({ coupon }: { coupon: StaffCoupon }) {
  return (
    <>
      <View className='coupon-found__head'>
        <View className='coupon-found__title'>
          <Text className='found-name'>{coupon.name}</Text>
          <Text className='found-summary'>{coupon.summary}</Text>
        </View>
        <Text className={`found-status found-status--${coupon.status}`}>{STATUS_NAMES[coupon.status]}</Text>
      </View>
      <BillRow label='券码' value={coupon.codeDisplay} className='found-code' />
      <BillRow label='会员' value={`${coupon.memberNo} · ${coupon.memberPhone}`} className='found-member' />
      {coupon.type === 'gift' && coupon.giftName && <BillRow label='赠品' value={coupon.giftName} className='found-gift' />}
      <BillRow label='使用门槛' value={coupon.thresholdFen > 0 ? `满 ${formatYuan(coupon.thresholdFen)}（原价）` : '无门槛'} className='found-threshold' />
      <BillRow label='有效期' value={`${coupon.validFrom} 至 ${coupon.validTo}`} className='found-validity' />
      <BillRow label='适用门店' value={coupon.storeScopeText} className='found-stores' />
      {coupon.redeemedAt && (
        <BillRow
          label='核销记录'
          value={`${chinaDateTime(new Date(coupon.redeemedAt))} ${coupon.redeemedStoreName ?? ''} ${coupon.redeemedBy ?? ''}`.trim()}
          className='found-redeemed'
        />
      )}
      {!coupon.usableHere && coupon.problem && <Text className='found-problem'>{coupon.problem}</Text>}
    </>
  )
}

export default function StaffCouponPage() {
  const { params } = useRouter()
  const [staff, setStaff] = useState<StaffProfile | null>(null)
  const [stores, setStores] = useState<StoreSummary[]>([])
  const [storeId, setStoreId] = useState('')
  const [typed, setTyped] = useState(params.code ?? '')
  const [coupon, setCoupon] = useState<StaffCoupon | null>(null)
  const [redeemed, setRedeemed] = useState<CouponRedemption | null>(null)
  const [busy, setBusy] = useState<'' | 'lookup' | 'redeem'>('')
  const [codeError, setCodeError] = useState('')
  const [error, setError] = useState('')
  /** This redemption's externalNo: kept across retries whose outcome is unknown. */
  const voucher = useRef(new AttemptKey('C'))
  /** The code the page was opened with is looked up once, not again on every show. */
  const openedWith = useRef(params.code ?? '')

  function showFailure(failure: unknown) {
    if (leaveIfUnauthorized(failure)) return
    if (failure instanceof PlatformError && failure.cancelled) return
    setError(errorMessage(failure))
  }

  const needsStore = !!staff && !staff.storeId
  const at = needsStore ? { storeId } : {}

  useStaffProfile((profile) => {
    setStaff(profile)
    if (!profile.storeId) getStaffStores().then(setStores, showFailure)
    // Opened from the scan page with a code: look it up at once where there is no store to choose.
    else if (openedWith.current) lookUp(openedWith.current, {})
    openedWith.current = ''
  }, showFailure)

  /** Looks the code up; a malformed code or one with a wrong check character is refused here, with no request. */
  async function lookUp(text: string, where: { storeId?: string } = at) {
    if (busy) return
    const code = normalizeCouponCode(text)
    setError('')
    setRedeemed(null)
    if (!code) {
      setCodeError(text.trim() ? '券码有误，请核对后重新输入（17 位字母和数字）' : '请扫描或输入券码')
      return
    }
    if (needsStore && !where.storeId) {
      setCodeError('')
      setError('请先选择核销门店')
      return
    }
    setCodeError('')
    setBusy('lookup')
    setCoupon(null)
    try {
      setCoupon(await lookupCoupon({ code, ...where }))
      voucher.current.reset()
    } catch (failure) {
      showFailure(failure)
    } finally {
      setBusy('')
    }
  }

  async function scan() {
    try {
      const scanned = await platform.scanCode()
      setTyped(scanned)
      await lookUp(scanned)
    } catch (failure) {
      showFailure(failure)
    }
  }

  async function redeem() {
    if (busy || !coupon) return
    const code = normalizeCouponCode(coupon.codeDisplay)
    if (!code) return
    setBusy('redeem')
    setError('')
    try {
      const result = await redeemCoupon({ code, externalNo: voucher.current.get(), ...at })
      voucher.current.reset()
      setRedeemed(result)
      setCoupon(null)
    } catch (failure) {
      voucher.current.failed(!(failure instanceof RequestError) || failure.outcomeUnknown)
      showFailure(failure)
      // Redeemed meanwhile (another till), expired, revoked…: show the coupon as it is now, with who, where and when.
      if (failure instanceof RequestError && !failure.outcomeUnknown && !failure.unauthorized) {
        try {
          setCoupon(await lookupCoupon({ code, ...at }))
        } catch {
          // The error above already says what went wrong.
        }
      }
    } finally {
      setBusy('')
    }
  }

  function next() {
    voucher.current.reset()
    setRedeemed(null)
    setCoupon(null)
    setTyped('')
    setError('')
  }

  if (staff && !mayUseTill(staff.role)) return <TillNotOffered staff={staff} />

  if (redeemed) {
    return (
      <View className='staff-coupon'>
        <View className='coupon-redeemed'>
          <Text className='coupon-redeemed__title'>{redeemed.replayed ? '这张券已核销过' : '核销成功'}</Text>
          {redeemed.replayed && <Text className='coupon-redeemed__note'>同一核销单号只核销一次，以下是第一次核销的结果</Text>}
          <BillRow label='券' value={redeemed.coupon.name} className='redeemed-coupon' />
          <BillRow label='优惠' value={redeemed.coupon.summary} className='redeemed-summary' />
          {redeemed.coupon.type === 'gift' && redeemed.coupon.giftName && (
            <BillRow label='请交给顾客' value={redeemed.coupon.giftName} className='redeemed-gift bill-row--total' />
          )}
          <BillRow label='会员' value={`${redeemed.coupon.memberNo} · ${redeemed.coupon.memberPhone}`} className='redeemed-member' />
          <BillRow label='门店' value={redeemed.storeName} className='redeemed-store' />
          <BillRow label='时间' value={chinaDateTime(new Date(redeemed.redeemedAt))} className='redeemed-at' />
          <BillRow label='核销单号' value={redeemed.externalNo} className='redeemed-no' />
          <Button className='coupon-next' onClick={next}>
            <Text>继续核销</Text>
          </Button>
        </View>
      </View>
    )
  }

  return (
    <View className='staff-coupon'>
      {needsStore && (
        <View className='coupon-panel'>
          <Text className='coupon-label'>核销门店</Text>
          <StorePicker
            stores={stores}
            chosen={storeId}
            onChoose={(id) => {
              setStoreId(id)
              setCoupon(null)
              if (typed.trim()) lookUp(typed, { storeId: id })
            }}
          />
        </View>
      )}

      <View className='coupon-panel'>
        <Text className='coupon-label'>券码</Text>
        <View className='coupon-code-row'>
          <Input
            className='coupon-code-input'
            maxlength={CODE_INPUT_MAX}
            placeholder='扫描或输入顾客的券码'
            value={typed}
            onInput={(event) => {
              setTyped(event.detail.value)
              setCodeError('')
            }}
            onConfirm={() => lookUp(typed)}
          />
          <Button className='coupon-lookup' loading={busy === 'lookup'} disabled={!!busy} onClick={() => lookUp(typed)}>
            <Text>查询</Text>
          </Button>
        </View>
        {codeError && <Text className='field-error field-error--code'>{codeError}</Text>}
        {process.env.TARO_ENV !== 'h5' && (
          <Button className='coupon-scan' disabled={!!busy} onClick={scan}>
            <Text>扫描券码</Text>
          </Button>
        )}
      </View>

      {error && <View className='coupon-error'>{error}</View>}

      {coupon && (
        <View className='coupon-found'>
          <FoundCoupon coupon={coupon} />
          {coupon.usableHere && (
            <Button className='coupon-redeem' loading={busy === 'redeem'} disabled={!!busy} onClick={redeem}>
              <Text>{voucher.current.pending ? '重新提交核销' : '确认核销'}</Text>
            </Button>
          )}
        </View>
      )}
    </View>
  )
}
