import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { MemberSummary as Member, StaffProfile } from '@wemember/shared'
import { chinaDate } from '@wemember/shared/china-time'
import { formatYuan } from '@wemember/shared/money'
import { normalizeCouponCode } from '@wemember/shared/coupon-code'
import { platform, PlatformError } from '../../platform'
import { resolveMember } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { staffSession } from '../../services/session'
import { leaveIfUnauthorized, openLogin, useStaffProfile } from '../staff-page'
import { mayDecideRechargeRefunds, openRechargeRefunds } from '../recharge-refund-deciders'
import { mayUseTill } from '../TillOnly'
import { mayMarket, openConsole } from '../console'
import './index.scss'

/** The till: record a purchase, for the member just scanned when their code is known. */
function openPurchase(memberCode?: string) {
  Taro.navigateTo({ url: memberCode ? `/staff/purchase/index?code=${memberCode}` : '/staff/purchase/index' })
}

/** A coupon's code was scanned or typed: the coupon page looks it up and redeems it. */
function openCoupon(couponCode?: string) {
  Taro.navigateTo({ url: couponCode ? `/staff/coupon/index?code=${couponCode}` : '/staff/coupon/index' })
}

/** What the clerk types here: a member code (20 digits), a phone or member number, or a coupon code with its spaces. */
const TYPED_MAX = 24

/** The day's orders: find one by receipt number or the shopper's phone, and refund it. */
function openOrders() {
  Taro.navigateTo({ url: '/staff/orders/index' })
}

/** Where the staff member works: their store, else their region, else head office. */
function workplace(staff: StaffProfile): string {
  return staff.storeName ?? staff.regionName ?? '总部'
}

export default function StaffScanPage() {
  const [staff, setStaff] = useState<StaffProfile | null>(null)
  const [typed, setTyped] = useState('')
  const [busy, setBusy] = useState(false)
  const [member, setMember] = useState<Member | null>(null)
  /** The dynamic code the member was found by, handed on to the till. */
  const [memberCode, setMemberCode] = useState('')
  const [error, setError] = useState('')

  useStaffProfile(setStaff, (failure) => {
    if (!leaveIfUnauthorized(failure)) setError(errorMessage(failure))
  })

  async function lookUp(readCode: () => Promise<string>) {
    if (busy) return
    setBusy(true)
    setError('')
    try {
      const code = await readCode()
      // A coupon's code (its check character right) goes to the coupon page; anything else is a member.
      const couponCode = normalizeCouponCode(code)
      if (couponCode) {
        setTyped('')
        openCoupon(couponCode)
        return
      }
      setMember(null)
      const found = await resolveMember({ code })
      setMember(found)
      setMemberCode(found.resolvedBy === 'member_code' ? code.trim() : '')
      setTyped('')
    } catch (failure) {
      if (leaveIfUnauthorized(failure)) return
      if (!(failure instanceof PlatformError && failure.cancelled)) {
        setMember(null)
        setError(errorMessage(failure))
      }
    } finally {
      setBusy(false)
    }
  }

  /** Whether to offer the till: not before the profile says the role may work it. */
  const atTill = !!staff && mayUseTill(staff.role)

  function logOut() {
    staffSession.clear()
    openLogin()
  }

  return (
    <View className='staff-scan'>
      <View className='staff-bar'>
        <View className='staff-bar__who'>
          <Text className='staff-name'>{staff ? `${staff.displayName} · ${staff.roleName}` : '加载中…'}</Text>
          {staff && <Text className='staff-workplace'>{workplace(staff)}</Text>}
        </View>
        <Text className='staff-logout' onClick={logOut}>
          退出登录
        </Text>
      </View>

      {/* The till is offered only to roles that may work it; the rest are told what they can do here. */}
      <View className={`staff-actions${atTill ? '' : ' is-hidden'}`}>
        <Text className='staff-action staff-action--purchase' onClick={() => openPurchase()}>
          收银记账
        </Text>
        <Text className='staff-action staff-action--orders' onClick={openOrders}>
          今日订单 / 退款
        </Text>
        <Text className='staff-action staff-action--coupon' onClick={() => openCoupon()}>
          核销优惠券
        </Text>
      </View>
      {staff && mayMarket(staff.role) && (
        <View className='staff-links staff-links--console'>
          <Text className='staff-link staff-link--campaigns' onClick={() => openConsole('campaigns')}>
            营销活动 ›
          </Text>
          <Text className='staff-link staff-link--segments' onClick={() => openConsole('segments')}>
            人群 ›
          </Text>
        </View>
      )}
      {staff && mayDecideRechargeRefunds(staff.role) && (
        <Text className='staff-link staff-link--recharge-refunds' onClick={openRechargeRefunds}>
          储值退款审核 ›
        </Text>
      )}
      <View className={`staff-no-till${staff && !atTill ? '' : ' is-hidden'}`}>
        <Text>{`${staff?.roleName ?? ''}账号可以在这里扫描会员码查询会员；收银记账、订单和退款请由门店店员或店长办理。`}</Text>
      </View>

      <View className='scan-panel'>
        {process.env.TARO_ENV === 'h5' ? (
          <View className='scan-form'>
            <Input
              className='scan-input'
              maxlength={TYPED_MAX}
              placeholder='输入会员码或券码'
              value={typed}
              onInput={(event) => setTyped(event.detail.value)}
              onConfirm={() => lookUp(() => platform.scanCode(typed))}
            />
            <Button className='scan-submit' loading={busy} disabled={busy} onClick={() => lookUp(() => platform.scanCode(typed))}>
              <Text>查询</Text>
            </Button>
          </View>
        ) : (
          <Button className='scan-button' loading={busy} disabled={busy} onClick={() => lookUp(() => platform.scanCode())}>
            <Text>扫描会员码 / 券码</Text>
          </Button>
        )}
        <Text className='scan-hint'>请顾客出示会员卡上的会员码（每分钟更新），或「我的券」里的券码</Text>
      </View>

      {error && <View className='scan-error'>{error}</View>}

      {member && (
        <View className='member-summary'>
          <View className='member-summary__head'>
            <Text className='summary-tier'>{member.tierName}</Text>
            <Text className={`summary-status summary-status--${member.status}`}>{member.statusName}</Text>
          </View>
          <View className='summary-row'>
            <Text className='summary-row__label'>会员号</Text>
            <Text className='summary-member-no'>{member.memberNo}</Text>
          </View>
          <View className='summary-row'>
            <Text className='summary-row__label'>手机号</Text>
            <Text className='summary-phone'>{member.phone}</Text>
          </View>
          <View className='summary-row'>
            <Text className='summary-row__label'>积分</Text>
            <Text className='summary-points'>{member.points}</Text>
          </View>
          <View className='summary-row'>
            <Text className='summary-row__label'>余额</Text>
            <Text className='summary-balance'>{formatYuan(member.balanceFen)}</Text>
          </View>
          <View className='summary-row'>
            <Text className='summary-row__label'>成长值</Text>
            <Text className='summary-growth'>{member.growth}</Text>
          </View>
          <View className='summary-row'>
            <Text className='summary-row__label'>开卡门店</Text>
            <Text className='summary-home-store'>{member.homeStoreName ?? '—'}</Text>
          </View>
          <View className='summary-row'>
            <Text className='summary-row__label'>入会日期</Text>
            <Text className='summary-joined'>{chinaDate(new Date(member.joinedAt))}</Text>
          </View>
          {memberCode && atTill && (
            <Button className='summary-purchase' onClick={() => openPurchase(memberCode)}>
              <Text>为该会员记一笔消费</Text>
            </Button>
          )}
        </View>
      )}
    </View>
  )
}
