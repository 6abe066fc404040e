import { useRef, useState } from 'react'
import Taro, { useDidHide, useDidShow, useRouter, useUnload } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { RechargeOrder } from '@wemember/shared'
import { formatYuan } from '@wemember/shared/money'
import BackBar from '../../components/BackBar'
import SubscribePrompt from '../../components/SubscribePrompt'
import { getRechargeOrder } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { shortYuan } from '../../services/format'
import { leaveIfSignedOut, openTab, openWalletPage, requireMember, WALLET_PAGES } from '../../services/navigation'
import './index.scss'

/** How often the page asks while WeChat Pay has not confirmed; slower once it has taken a while. */
const POLL_MS = 2_000
const SLOW_POLL_MS = 5_000
/** After this long the page says the server will finish by itself, and asks more slowly. */
const PATIENCE_MS = 20_000
/** …and after this long it stops asking: 刷新 asks again. */
const GIVE_UP_MS = 120_000

const CREDITED: RechargeOrder['status'][] = ['paid', 'partially_refunded', 'refunded']

/** 储值余额: back to it when the recharge started there (it reloads when shown), else opened anew. */
function openBalance() {
  const pages = Taro.getCurrentPages()
  const below = pages[pages.length - 2]?.route?.replace(/^\//, '')
  if (below && `/${below}` === WALLET_PAGES.balance) Taro.navigateBack()
  else openWalletPage('balance')
}

export default function RechargeResultPage() {
  const { params } = useRouter()
  const orderNo = params.no ?? ''
  const [order, setOrder] = useState<RechargeOrder | null>(null)
  const [error, setError] = useState('')
  const [slow, setSlow] = useState(false)
  const [stopped, setStopped] = useState(false)
  const started = useRef(0)
  const timer = useRef<ReturnType<typeof setTimeout>>()
  /** Bumped on every show and hide, so an answer for a page no longer watched schedules nothing. */
  const watching = useRef(0)

  function stop() {
    watching.current += 1
    clearTimeout(timer.current)
  }

  async function poll() {
    const current = watching.current
    let done = false
    try {
      const answer = await getRechargeOrder(orderNo)
      if (current !== watching.current) return
      setOrder(answer)
      setError('')
      done = CREDITED.includes(answer.status) || answer.status === 'closed'
    } catch (failure) {
      if (leaveIfSignedOut(failure)) return stop()
      if (current !== watching.current) return
      setError(errorMessage(failure))
    }
    if (done) return
    const waited = Date.now() - started.current
    setSlow(waited >= PATIENCE_MS)
    if (waited >= GIVE_UP_MS) {
      setStopped(true)
      return
    }
    timer.current = setTimeout(poll, waited >= PATIENCE_MS ? SLOW_POLL_MS : POLL_MS)
  }

  function watch() {
    stop()
    started.current = Date.now()
    setStopped(false)
    setSlow(false)
    poll()
  }

  useDidShow(() => {
    if (requireMember()) watch()
  })
  useDidHide(stop)
  useUnload(stop)

  const credited = !!order && CREDITED.includes(order.status)
  const closed = order?.status === 'closed'

  return (
    <View className='m-page recharge-result'>
      <BackBar title='充值结果' fallback={() => openTab('card')} />
      <View className='m-section result-panel'>
        {credited && order ? (
          <>
            <Text className='result-icon result-icon--ok'>✓</Text>
            <Text className='result-title result-credited'>{`已到账 ${formatYuan(order.payFen + order.bonusFen)}`}</Text>
            <Text className='result-parts'>{order.bonusFen > 0 ? `（本金 ${shortYuan(order.payFen)} + 赠送 ${shortYuan(order.bonusFen)}）` : `（本金 ${shortYuan(order.payFen)}）`}</Text>
            <Text className='result-balance'>{`当前余额 ${formatYuan(order.balanceFen)}`}</Text>
          </>
        ) : closed ? (
          <>
            <Text className='result-icon result-icon--closed'>!</Text>
            <Text className='result-title result-closed'>订单已关闭</Text>
            <Text className='result-hint'>这笔充值没有完成付款，未扣款。如已付款，款项会原路退回。</Text>
          </>
        ) : (
          <>
            <Text className='result-icon result-icon--waiting'>…</Text>
            <Text className='result-title result-waiting'>正在确认支付结果</Text>
            {order && <Text className='result-parts'>{`${order.label}，支付 ${formatYuan(order.payFen)}`}</Text>}
            {slow && <Text className='result-hint result-slow'>微信支付的结果还在路上，请不用重复支付。到账后余额会自动更新，你也可以稍后在「储值余额」查看。</Text>}
          </>
        )}
        {order && <Text className='result-no'>{`订单号 ${order.orderNo}`}</Text>}
      </View>
      {credited && (
        // Right after paying is when a shopper most wants to hear about the balance: offered, asked on a tap.
        <SubscribePrompt className='result-subscribe' kinds={['balance_changed', 'points_changed']} action='开启余额变动提醒' hint='余额到账、消费扣款和积分变动时在微信里提醒你' />
      )}
      {error && <View className='m-error result-error'>{error}</View>}
      {stopped && !credited && !closed && (
        <Button className='wallet-secondary result-refresh' onClick={watch}>
          <Text>刷新</Text>
        </Button>
      )}
      <Button className='wallet-primary result-wallet' onClick={openBalance}>
        <Text>查看余额明细</Text>
      </Button>
      <Button className='wallet-secondary result-card' onClick={() => openTab('card')}>
        <Text>返回会员卡</Text>
      </Button>
    </View>
  )
}
