import { useState } from 'react'
import { useDidShow, useReachBottom, useRouter } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { RechargeOrder, Wallet, WalletEntry } from '@wemember/shared'
import { chinaDateTime } from '@wemember/shared/china-time'
import { formatYuan } from '@wemember/shared/money'
import { rechargeRefundable } from '@wemember/shared/stored-value'
import BackBar from '../../components/BackBar'
import { getRechargeOrders, getWallet, requestRechargeRefund } from '../../services/api'
import { errorMessage, formError } from '../../services/error-message'
import { signedCount } from '../../services/format'
import { useLedgerPages } from '../../services/ledger-pages'
import { leaveIfSignedOut, openTab, openWalletPage, requireMember } from '../../services/navigation'
import BalanceHead from '../BalanceHead'
import { RECHARGE_STATUS_NAMES, refundOpen, refundStatusText } from '../names'
import './index.scss'

const PAGE_SIZE = 20

type Tab = 'entries' | 'recharges'
const TABS: { name: Tab; label: string }[] = [
  { name: 'entries', label: '余额明细' },
  { name: 'recharges', label: '充值记录' },
]

/** "+¥550.00" in, "−¥35.00" (a true minus sign) out. */
function signedYuan(fen: number): string {
  return signedCount(fen, formatYuan)
}

function EntryRow({ entry }: { entry: WalletEntry }) {
  // Which account moved, when an event moved both (a recharge with a bonus, a purchase past the principal).
  const parts = entry.principalFen !== 0 && entry.bonusFen !== 0 ? `本金 ${signedYuan(entry.principalFen)} · 赠送 ${signedYuan(entry.bonusFen)}` : entry.bonusFen !== 0 ? '赠送金额' : null
  return (
    <View className='wallet-entry'>
      <View className='wallet-entry__main'>
        <Text className='wallet-entry__kind'>{entry.kindName}</Text>
        <Text className='wallet-entry__reason'>{entry.reason}</Text>
        {parts && <Text className='wallet-entry__parts'>{parts}</Text>}
        <Text className='wallet-entry__time'>{chinaDateTime(new Date(entry.createdAt))}</Text>
      </View>
      <View className='wallet-entry__side'>
        <Text className={`wallet-entry-total wallet-entry-total--${entry.totalFen < 0 ? 'out' : 'in'}`}>{signedYuan(entry.totalFen)}</Text>
        <Text className='wallet-entry__balance'>{`结余 ${formatYuan(entry.balanceAfterFen)}`}</Text>
      </View>
    </View>
  )
}

export default function BalancePage() {
  const { params } = useRouter()
  const [tab, setTab] = useState<Tab>(params.tab === 'recharges' ? 'recharges' : 'entries')
  const [wallet, setWallet] = useState<Wallet | null>(null)
  const [orders, setOrders] = useState<RechargeOrder[] | null>(null)
  /** The recharge whose refund form is open, its reason, and what the server said about it. */
  const [refunding, setRefunding] = useState<RechargeOrder | null>(null)
  const [reason, setReason] = useState('')
  const [reasonError, setReasonError] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  function fail(failure: unknown) {
    if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
  }

  const { entries, nextBefore, loadingMore, load: loadPages, loadMore } = useLedgerPages<Wallet>((before) => getWallet({ before, limit: PAGE_SIZE }), fail)

  async function load() {
    const [first, recharges] = await Promise.all([loadPages(), getRechargeOrders().catch((failure: unknown) => (fail(failure), null))])
    if (first) setWallet(first)
    if (recharges) setOrders(recharges.orders)
    if (first && recharges) setError('')
  }

  // Reloaded whenever the page comes back into view: a recharge or a purchase may have just moved the balance.
  useDidShow(() => {
    if (requireMember()) load()
  })
  useReachBottom(() => tab === 'entries' && loadMore())

  function openRefund(order: RechargeOrder) {
    setRefunding(order)
    setReason('')
    setReasonError('')
    setError('')
  }

  async function submitRefund() {
    if (!refunding || busy) return
    if (reason.trim().length < 2) {
      setReasonError('请填写退款原因（至少 2 个字）')
      return
    }
    setBusy(true)
    try {
      await requestRechargeRefund(refunding.orderNo, { reason: reason.trim() })
      setRefunding(null)
      await load()
    } catch (failure) {
      if (leaveIfSignedOut(failure)) return
      const { fields, message } = formError(failure, ['reason'])
      setReasonError(fields.reason ?? message)
    } finally {
      setBusy(false)
    }
  }

  /** What a refund of this recharge gives back now, and the bonus that goes with it (no refund is open: the server refuses a second). */
  const refundable = (order: RechargeOrder) =>
    wallet
      ? rechargeRefundable({ principalFen: order.payFen, bonusFen: order.bonusFen, refundedPrincipalFen: order.refundedFen }, wallet)
      : { principalFen: order.refundableFen, bonusForfeitFen: 0 }

  return (
    <View className='m-page balance-page'>
      <BackBar title='储值余额' fallback={() => openTab('card')} />
      <BalanceHead balance={wallet} />
      <Button className='wallet-primary balance-recharge' onClick={() => openWalletPage('recharge')}>
        <Text>去充值</Text>
      </Button>

      {wallet && wallet.rules.length > 0 && (
        <View className='m-section balance-rules'>
          <Text className='m-section__title'>使用规则</Text>
          {wallet.rules.map((rule) => (
            <Text key={rule} className='balance-rule'>{`· ${rule}`}</Text>
          ))}
        </View>
      )}

      {error && <View className='m-error balance-error'>{error}</View>}

      <View className='balance-tabs'>
        {TABS.map(({ name, label }) => (
          <Text key={name} className={`balance-tab balance-tab--${name}${name === tab ? ' balance-tab--on' : ''}`} onClick={() => setTab(name)}>
            {label}
          </Text>
        ))}
      </View>

      {tab === 'entries' && (
        <View className='m-section balance-entries'>
          {wallet && entries.length === 0 && (
            <View className='m-empty'>
              <Text className='m-empty__title'>还没有余额变动</Text>
              <Text className='m-empty__hint'>充值后可在门店结账时使用储值余额</Text>
            </View>
          )}
          {entries.map((entry) => (
            <EntryRow key={entry.id} entry={entry} />
          ))}
          {nextBefore !== null && (
            <Button className='m-more balance-more' loading={loadingMore} disabled={loadingMore} onClick={loadMore}>
              <Text>加载更多</Text>
            </Button>
          )}
        </View>
      )}

      {tab === 'recharges' && (
        <View className='balance-recharges'>
          {orders?.length === 0 && (
            <View className='m-section m-empty'>
              <Text className='m-empty__title'>还没有充值记录</Text>
            </View>
          )}
          {orders?.map((order) => {
            const refund = order.latestRefund
            const open = refunding?.orderNo === order.orderNo
            const mayRefund = order.refundableFen > 0 && !refundOpen(refund) && !open
            const back = refundable(order)
            return (
              <View key={order.orderNo} className='m-section recharge-record'>
                <View className='recharge-record__head'>
                  <Text className='recharge-record__label'>{order.label}</Text>
                  <Text className={`recharge-record-status recharge-record-status--${order.status}`}>{RECHARGE_STATUS_NAMES[order.status]}</Text>
                </View>
                <Text className='recharge-record__line'>{`支付 ${formatYuan(order.payFen)}${order.bonusFen > 0 ? `，赠送 ${formatYuan(order.bonusFen)}` : ''}`}</Text>
                <Text className='recharge-record__line'>{chinaDateTime(new Date(order.paidAt ?? order.createdAt))}</Text>
                {order.refundedFen > 0 && (
                  <Text className='recharge-record__line recharge-record-refunded'>{`已退本金 ${formatYuan(order.refundedFen)}${order.bonusForfeitedFen > 0 ? `，扣回赠送 ${formatYuan(order.bonusForfeitedFen)}` : ''}`}</Text>
                )}
                {order.refundableFen > 0 && <Text className='recharge-record__line recharge-record-refundable'>{`可退本金 ${formatYuan(order.refundableFen)}`}</Text>}
                {refund && <Text className={`recharge-record-request recharge-record-request--${refund.status}`}>{refundStatusText(refund)}</Text>}
                {mayRefund && (
                  <Text className='recharge-record-refund' onClick={() => openRefund(order)}>
                    申请退款
                  </Text>
                )}
                {open && (
                  <View className='refund-form'>
                    <Text className='refund-form__line refund-form-principal'>{`可退本金 ${formatYuan(back.principalFen)}，原路退回微信`}</Text>
                    <Text className='refund-form__line refund-form-bonus'>
                      {back.bonusForfeitFen > 0 ? `赠送金额按退回本金的比例扣回 ${formatYuan(back.bonusForfeitFen)}` : '这笔充值没有要扣回的赠送金额'}
                    </Text>
                    <Text className='refund-form__line'>已用掉的本金不能退；门店审核通过后退款。</Text>
                    <Input
                      className='refund-reason'
                      maxlength={200}
                      placeholder='退款原因（必填）'
                      value={reason}
                      onInput={(event) => {
                        setReason(event.detail.value)
                        setReasonError('')
                      }}
                    />
                    {reasonError && <Text className='field-error refund-reason-error'>{reasonError}</Text>}
                    <View className='refund-form__actions'>
                      <Button className='wallet-secondary refund-cancel' disabled={busy} onClick={() => setRefunding(null)}>
                        <Text>取消</Text>
                      </Button>
                      <Button className='wallet-primary refund-submit' loading={busy} disabled={busy} onClick={submitRefund}>
                        <Text>提交申请</Text>
                      </Button>
                    </View>
                  </View>
                )}
              </View>
            )
          })}
        </View>
      )}
    </View>
  )
}
