import { useState } from 'react'
import { Button, Input, Text, View } from '@tarojs/components'
import type { RechargeRefund, StaffProfile } from '@wemember/shared'
import { chinaDateTime } from '@wemember/shared/china-time'
import { formatYuan } from '@wemember/shared/money'
import { decideRechargeRefund, listRechargeRefunds } from '../../services/api'
import { errorMessage, formError } from '../../services/error-message'
import BillRow from '../BillRow'
import { mayDecideRechargeRefunds } from '../recharge-refund-deciders'
import { leaveIfUnauthorized, useStaffProfile } from '../staff-page'
import './index.scss'

/** What became of a request, for the line under one already decided. */
const DECIDED: Record<RechargeRefund['status'], string> = {
  requested: '待审核',
  processing: '已同意，退款处理中',
  rejected: '已拒绝',
  succeeded: '已退款',
  failed: '退款失败，金额已退回会员余额',
}

export default function RechargeRefundsPage() {
  const [staff, setStaff] = useState<StaffProfile | null>(null)
  const [refunds, setRefunds] = useState<RechargeRefund[] | null>(null)
  /** Requests decided on this page, shown with their outcome until the page is left. */
  const [decided, setDecided] = useState<RechargeRefund[]>([])
  /** The request whose rejection is being written, and its reason. */
  const [rejecting, setRejecting] = useState('')
  const [reason, setReason] = useState('')
  const [reasonError, setReasonError] = useState('')
  const [busy, setBusy] = useState('')
  const [error, setError] = useState('')

  function fail(failure: unknown) {
    if (!leaveIfUnauthorized(failure)) setError(errorMessage(failure))
  }

  async function load() {
    try {
      setRefunds(await listRechargeRefunds({ status: 'requested' }))
    } catch (failure) {
      fail(failure)
    }
  }

  useStaffProfile((profile) => {
    setStaff(profile)
    if (mayDecideRechargeRefunds(profile.role)) load()
  }, fail)

  async function decide(refund: RechargeRefund, approve: boolean) {
    if (busy) return
    if (!approve && reason.trim().length < 2) {
      setReasonError('拒绝时请填写原因（至少 2 个字），会员会看到')
      return
    }
    setBusy(refund.id)
    setError('')
    try {
      const answer = await decideRechargeRefund(refund.id, approve ? { approve } : { approve, reason: reason.trim() })
      setDecided((shown) => [answer, ...shown])
      setRejecting('')
      setReason('')
    } catch (failure) {
      if (leaveIfUnauthorized(failure)) return
      const { fields, message } = formError(failure, ['reason'])
      if (fields.reason) setReasonError(fields.reason)
      else setError(message)
    } finally {
      setBusy('')
    }
    await load()
  }

  if (staff && !mayDecideRechargeRefunds(staff.role)) {
    return (
      <View className='staff-recharge-refunds'>
        <View className='rr-panel rr-not-offered'>
          <Text>{`${staff.roleName}账号不能审核储值退款，请由店长或总部办理。`}</Text>
        </View>
      </View>
    )
  }

  return (
    <View className='staff-recharge-refunds'>
      {error && <View className='rr-error'>{error}</View>}
      {decided.map((refund) => (
        <View key={refund.id} className={`rr-decided rr-decided--${refund.status}`}>
          <Text>{`${refund.memberNo} 的 ${formatYuan(refund.principalFen)} 退款：${DECIDED[refund.status]}`}</Text>
        </View>
      ))}
      {refunds?.length === 0 && (
        <View className='rr-panel rr-empty'>
          <Text>暂无待审核的储值退款申请</Text>
        </View>
      )}
      {refunds?.map((refund) => (
        <View key={refund.id} className='rr-panel rr-request'>
          <BillRow label='会员' value={`${refund.memberNo}（${refund.memberPhone}）`} className='rr-member' />
          <BillRow label='充值订单' value={refund.orderNo} className='rr-order' />
          <BillRow label='申请退回本金' value={formatYuan(refund.principalFen)} className='rr-principal bill-row--total' />
          {/* Fixed when approved, from the balances then; a request only names the principal. */}
          <BillRow label='扣回赠送金' value={refund.bonusForfeitFen ? formatYuan(refund.bonusForfeitFen) : '同意时按比例计算'} className='rr-bonus' />
          <BillRow label='申请时间' value={chinaDateTime(new Date(refund.requestedAt))} />
          <Text className='rr-reason'>{`原因：${refund.reason}`}</Text>
          <Text className='rr-note'>同意后按当时未用完的本金原路退回微信，金额可能少于申请时。</Text>
          {rejecting === refund.id ? (
            <View className='rr-reject'>
              <Input
                className='rr-reject-reason'
                maxlength={200}
                placeholder='拒绝原因（会员会看到）'
                value={reason}
                onInput={(event) => {
                  setReason(event.detail.value)
                  setReasonError('')
                }}
              />
              {reasonError && <Text className='field-error rr-reason-error'>{reasonError}</Text>}
              <View className='rr-actions'>
                <Button className='rr-cancel' disabled={!!busy} onClick={() => setRejecting('')}>
                  <Text>取消</Text>
                </Button>
                <Button className='rr-reject-confirm' loading={busy === refund.id} disabled={!!busy} onClick={() => decide(refund, false)}>
                  <Text>确认拒绝</Text>
                </Button>
              </View>
            </View>
          ) : (
            <View className='rr-actions'>
              <Button
                className='rr-reject-btn'
                disabled={!!busy}
                onClick={() => {
                  setRejecting(refund.id)
                  setReason('')
                  setReasonError('')
                }}
              >
                <Text>拒绝</Text>
              </Button>
              <Button className='rr-approve' loading={busy === refund.id} disabled={!!busy} onClick={() => decide(refund, true)}>
                <Text>同意退款</Text>
              </Button>
            </View>
          )}
        </View>
      ))}
    </View>
  )
}
