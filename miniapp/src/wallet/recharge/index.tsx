import { useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { RechargeOffer } from '@wemember/shared'
import { chinaDateLabel } from '@wemember/shared/china-time'
import { formatYuan } from '@wemember/shared/money'
import BackBar from '../../components/BackBar'
import { platform, PlatformError } from '../../platform'
import { createRechargeOrder, getRechargePackages, getWallet } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { leaveIfSignedOut, openTab, openWalletPage, requireMember, WALLET_PAGES } from '../../services/navigation'
import BalanceHead, { type BalanceParts } from '../BalanceHead'
import './index.scss'

/** "每人限购 2 次，还可购 1 次" — or nothing for a package anyone may buy again and again. */
function limitText(offer: RechargeOffer): string | null {
  if (offer.perMemberLimit === null) return null
  return offer.timesLeft === null ? `每人限购 ${offer.perMemberLimit} 次` : `每人限购 ${offer.perMemberLimit} 次，还可购 ${offer.timesLeft} 次`
}

function OfferCard({ offer, chosen, onChoose }: { offer: RechargeOffer; chosen: boolean; onChoose(): void }) {
  const limit = limitText(offer)
  const classes = ['recharge-offer', chosen && 'recharge-offer--chosen', !offer.available && 'recharge-offer--muted'].filter(Boolean).join(' ')
  return (
    <View className={classes} onClick={() => offer.available && onChoose()}>
      <View className='recharge-offer__main'>
        <Text className='recharge-offer__label'>{offer.label}</Text>
        {/* The name only when it says more than the label ("充100元" under 充100 says nothing). */}
        {offer.name.replace(/元$/, '') !== offer.label && <Text className='recharge-offer__name'>{offer.name}</Text>}
        {offer.bonusFen > 0 && <Text className='recharge-offer__gets'>{`到账 ${formatYuan(offer.payFen + offer.bonusFen)}`}</Text>}
        {offer.description && <Text className='recharge-offer__line'>{offer.description}</Text>}
        {limit && <Text className='recharge-offer__line recharge-offer-limit'>{limit}</Text>}
        {offer.validTo && <Text className='recharge-offer__line'>{`活动截至 ${chinaDateLabel(offer.validTo)}`}</Text>}
      </View>
      <View className='recharge-offer__side'>
        <Text className='recharge-offer__price'>{formatYuan(offer.payFen)}</Text>
        {!offer.available && <Text className='recharge-offer-unavailable'>{offer.unavailableReason ?? '暂不可购买'}</Text>}
        {offer.available && chosen && <Text className='recharge-offer__tick'>已选</Text>}
      </View>
    </View>
  )
}

export default function RechargePage() {
  const [offers, setOffers] = useState<RechargeOffer[] | null>(null)
  const [balance, setBalance] = useState<BalanceParts | null>(null)
  const [chosenId, setChosenId] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [notice, setNotice] = useState('')

  function fail(failure: unknown) {
    if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
  }

  async function load() {
    try {
      const [offered, wallet] = await Promise.all([getRechargePackages(), getWallet({ limit: 1 })])
      setOffers(offered.packages)
      setBalance(wallet)
      // Keep the shopper's choice while it can still be bought; otherwise the first that can.
      setChosenId((chosen) => (offered.packages.some((p) => p.id === chosen && p.available) ? chosen : (offered.packages.find((p) => p.available)?.id ?? '')))
    } catch (failure) {
      fail(failure)
    }
  }

  useDidShow(() => {
    if (!requireMember()) return
    setError('')
    load()
  })

  const chosen = offers?.find((offer) => offer.id === chosenId && offer.available) ?? null

  async function pay() {
    if (!chosen || busy) return
    setBusy(true)
    setError('')
    setNotice('')
    try {
      const created = await createRechargeOrder({ packageId: chosen.id })
      await platform.requestPayment(created.payParams)
      // Paid in WeChat: the result page waits for WeChat Pay's word, which is what credits the balance.
      Taro.redirectTo({ url: `${WALLET_PAGES.result}?no=${encodeURIComponent(created.orderNo)}` })
    } catch (failure) {
      if (failure instanceof PlatformError && failure.cancelled) setNotice('已取消支付，未付款的订单会自动关闭')
      else fail(failure)
      load()
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='m-page recharge-page'>
      <BackBar title='储值充值' fallback={() => openTab('card')} />
      <BalanceHead balance={balance} onDetails={() => openWalletPage('balance')} />

      {notice && <View className='m-notice recharge-notice'>{notice}</View>}
      {error && <View className='m-error recharge-error'>{error}</View>}

      <Text className='recharge-title'>选择充值金额</Text>
      {offers === null && !error && <View className='skeleton skeleton--block' />}
      {offers?.length === 0 && (
        <View className='m-section m-empty recharge-empty'>
          <Text className='m-empty__title'>暂时没有充值活动</Text>
          <Text className='m-empty__hint'>新的充值优惠上线会出现在这里</Text>
        </View>
      )}
      {offers?.map((offer) => (
        <OfferCard key={offer.id} offer={offer} chosen={offer.id === chosenId} onChoose={() => setChosenId(offer.id)} />
      ))}

      {offers && offers.length > 0 && (
        <>
          {/* The label is a <Text> of its own: React then never rewrites the button's own children, where the loading spinner goes. */}
          <Button className='wallet-primary recharge-pay' loading={busy} disabled={!chosen || busy} onClick={pay}>
            <Text>{chosen ? `微信支付 ${formatYuan(chosen.payFen)}` : '请选择充值金额'}</Text>
          </Button>
          <Text className='recharge-rules'>储值余额可在门店结账时使用，先扣本金再扣赠送金额；未用完的本金可申请退款，赠送金额按比例扣回。</Text>
        </>
      )}
    </View>
  )
}
