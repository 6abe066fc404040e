import { useRef, useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { Image, Switch, Text, View } from '@tarojs/components'
import type { Gender, MemberProfile, UpdateProfileRequest } from '@wemember/shared'
import { chinaDate, chinaDateLabel } from '@wemember/shared/china-time'
import ConfirmDialog from '../../components/ConfirmDialog'
import { AvatarPicker, BirthdayPicker, NicknameInput } from '../../platform/profile-inputs'
import { closeMembership, getMemberProfile, setMemberAvatar, setMemberBirthday, updateMemberProfile } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { avatarSrc } from '../../services/format'
import { goJoin, leaveIfSignedOut, openCheckin, openCouponPage, openMessageSettings, openWalletPage, requireMember } from '../../services/navigation'
import { memberNotice, memberSession } from '../../services/session'
import './index.scss'

const GENDER_OPTIONS: { value: Gender; label: string }[] = [
  { value: 'female', label: '女' },
  { value: 'male', label: '男' },
  { value: 'unknown', label: '保密' },
]

/** A row of the menu that opens another page: what it is, a hint, a chevron. */
function LinkRow(props: { className: string; label: string; value: string; onClick: () => void }) {
  return (
    <View className={`m-row m-row--link ${props.className}`} onClick={props.onClick}>
      <Text className='m-row__label'>{props.label}</Text>
      <Text className='m-row__value'>{props.value}</Text>
      <Text className='m-row__chevron'>›</Text>
    </View>
  )
}

/** The steps of closing the card: what it means, then a last "are you sure". */
type Closing = null | 'explain' | 'confirm'

const CLOSE_EXPLAINED = [
  '注销后，你的手机号、昵称、头像、生日等个人信息将被删除，会员卡无法再使用，所有登录立即失效。',
  '未使用的积分和会员等级将作废，且不能恢复。',
  '为了依法记账，消费和积分记录会以匿名方式保留（不再关联你的手机号）。',
  '之后用同一手机号可以重新入会，但会是一张新的会员卡。',
]

function open(url: string) {
  Taro.navigateTo({ url })
}

export default function MePage() {
  const [profile, setProfile] = useState<MemberProfile | null>(null)
  const [nickname, setNickname] = useState('')
  const [error, setError] = useState('')
  const [saved, setSaved] = useState('')
  const [pendingBirthday, setPendingBirthday] = useState<string | null>(null)
  const [closing, setClosing] = useState<Closing>(null)
  const [busy, setBusy] = useState(false)
  const savedTimer = useRef<ReturnType<typeof setTimeout>>()

  function show(next: MemberProfile) {
    setProfile(next)
    setNickname(next.nickname ?? '')
  }

  function fail(failure: unknown) {
    if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
  }

  /** A short "已保存" after a change went through. */
  function flashSaved(message = '已保存') {
    setError('')
    setSaved(message)
    clearTimeout(savedTimer.current)
    savedTimer.current = setTimeout(() => setSaved(''), 2500)
  }

  async function load() {
    try {
      show(await getMemberProfile())
      setError('')
    } catch (failure) {
      fail(failure)
    }
  }

  useDidShow(() => {
    if (requireMember()) load()
  })

  async function update(change: UpdateProfileRequest) {
    try {
      show(await updateMemberProfile(change))
      flashSaved()
    } catch (failure) {
      fail(failure)
      // Back to what the server holds.
      if (profile) show(profile)
    }
  }

  function commitNickname(value: string) {
    const trimmed = value.trim()
    if (!profile || trimmed === (profile.nickname ?? '')) return
    if (!trimmed) {
      setNickname(profile.nickname ?? '')
      setError('昵称不能为空')
      return
    }
    update({ nickname: trimmed })
  }

  async function uploadAvatar(image: string) {
    try {
      show(await setMemberAvatar({ image }))
      flashSaved('头像已更新')
    } catch (failure) {
      fail(failure)
    }
  }

  async function saveBirthday() {
    if (!pendingBirthday) return
    setBusy(true)
    try {
      await setMemberBirthday({ birthday: pendingBirthday })
      setPendingBirthday(null)
      await load()
      flashSaved('生日已设置')
    } catch (failure) {
      setPendingBirthday(null)
      fail(failure)
      // Perhaps it was set meanwhile (another phone): show what the server holds.
      load()
    } finally {
      setBusy(false)
    }
  }

  async function closeCard() {
    setBusy(true)
    try {
      await closeMembership({ confirm: true })
      memberSession.clear()
      memberNotice.save('会员卡已注销，个人信息已删除，欢迎随时重新入会')
      setClosing(null)
      goJoin()
    } catch (failure) {
      setClosing(null)
      fail(failure)
    } finally {
      setBusy(false)
    }
  }

  const avatar = profile ? avatarSrc(profile.avatarUrl, API_BASE) : null
  const today = chinaDate()

  return (
    <View className='m-page me-page'>
      {error && <View className='m-error me-error'>{error}</View>}
      {saved && <View className='m-notice me-saved'>{saved}</View>}

      <View className='m-section me-head'>
        <AvatarPicker className='me-avatar' onPicked={uploadAvatar} onError={setError}>
          {avatar ? <Image className='me-avatar__image' src={avatar} mode='aspectFill' /> : <View className='me-avatar__empty'>头像</View>}
        </AvatarPicker>
        <View className='me-head__main'>
          {profile ? (
            <NicknameInput
              className='me-nickname'
              value={nickname}
              placeholder='点击设置昵称'
              onInput={setNickname}
              onCommit={commitNickname}
            />
          ) : (
            <View className='skeleton me-skeleton-name' />
          )}
          {profile ? (
            <Text className='me-member-no'>
              会员号 {profile.memberNo} · {profile.phoneMasked}
            </Text>
          ) : (
            <View className='skeleton me-skeleton-line' />
          )}
        </View>
      </View>

      <View className='m-section'>
        <Text className='m-section__title'>个人资料</Text>
        <View className='m-row'>
          <Text className='m-row__label'>性别</Text>
          <View className='me-genders'>
            {GENDER_OPTIONS.map(({ value, label }) => (
              <Text
                key={value}
                className={`me-gender me-gender--${value}${profile?.gender === value ? ' me-gender--on' : ''}`}
                onClick={() => profile && profile.gender !== value && update({ gender: value })}
              >
                {label}
              </Text>
            ))}
          </View>
        </View>
        {profile?.birthday ? (
          <View className='m-row me-birthday-row'>
            <Text className='m-row__label'>生日</Text>
            <View className='m-row__value me-birthday-set'>
              <Text className='me-birthday'>{chinaDateLabel(profile.birthday)}</Text>
              <Text className='me-birthday-hint'>如需修改请到门店办理</Text>
            </View>
          </View>
        ) : (
          profile && (
            <BirthdayPicker className='me-birthday-picker' today={today} onPick={setPendingBirthday}>
              <View className='m-row m-row--link'>
                <Text className='m-row__label'>生日</Text>
                <Text className='m-row__value me-birthday-empty'>设置生日，生日月积分翻倍</Text>
                <Text className='m-row__chevron'>›</Text>
              </View>
            </BirthdayPicker>
          )
        )}
        <View className='m-row'>
          <View className='me-consent'>
            <Text className='m-row__label'>接收优惠活动消息</Text>
            <Text className='me-consent__hint'>新品、优惠券和会员活动通知，可随时关闭</Text>
          </View>
          {profile && (
            <Switch
              className='me-consent-switch'
              checked={profile.marketingConsent}
              color='#e2583e'
              onChange={(event) => update({ marketingConsent: event.detail.value })}
            />
          )}
        </View>
      </View>

      {profile && profile.stores.length > 0 && (
        <View className='m-section'>
          <Text className='m-section__title'>我的门店</Text>
          {profile.stores.map((store, index) =>
            index === 0 ? (
              <View key={store.id} className='m-row m-row--link me-store me-store--home' onClick={() => open('/pages/store/index')}>
                <Text className='m-row__label'>{store.name}</Text>
                <Text className='m-row__value'>
                  <Text className='me-store__tag'>入会门店</Text>
                </Text>
                <Text className='m-row__chevron'>›</Text>
              </View>
            ) : (
              <View key={store.id} className='m-row me-store'>
                <Text className='m-row__label'>{store.name}</Text>
                <Text className='m-row__value'>去过的门店</Text>
              </View>
            ),
          )}
        </View>
      )}

      <View className='m-section'>
        <LinkRow className='me-link-checkin' label='每日签到' value='连续签到奖励更多' onClick={openCheckin} />
        <LinkRow className='me-link-wallet' label='储值余额' value='余额明细与充值记录' onClick={() => openWalletPage('balance')} />
        <LinkRow className='me-link-recharge' label='充值' value='充值享赠送' onClick={() => openWalletPage('recharge')} />
      </View>

      <View className='m-section'>
        <LinkRow className='me-link-coupons' label='我的券' value='可使用、已使用和已过期的券' onClick={() => openCouponPage('mine')} />
        <LinkRow className='me-link-center' label='领券中心' value='领取门店优惠券' onClick={() => openCouponPage('center')} />
        <LinkRow className='me-link-mall' label='积分商城' value='积分兑换券和礼品' onClick={() => openCouponPage('mall')} />
      </View>

      <View className='m-section'>
        <LinkRow className='me-link-tiers' label='会员等级' value='等级权益与升级进度' onClick={() => open('/pages/tiers/index')} />
        <LinkRow className='me-link-orders' label='消费记录' value='电子小票与退款' onClick={() => open('/pages/orders/index')} />
        <LinkRow className='me-link-messages' label='消息设置' value='积分、余额和优惠券变动提醒' onClick={openMessageSettings} />
        <LinkRow className='me-link-membership' label='会员协议' value={profile?.agreements.membership ? `已同意 ${profile.agreements.membership.version} 版` : ''} onClick={() => open('/pages/agreement/index?kind=membership')} />
        <LinkRow className='me-link-privacy' label='隐私政策' value={profile?.agreements.privacy ? `已同意 ${profile.agreements.privacy.version} 版` : ''} onClick={() => open('/pages/agreement/index?kind=privacy')} />
      </View>

      {profile && (
        <Text className='me-close' onClick={() => setClosing('explain')}>
          注销会员
        </Text>
      )}

      {pendingBirthday && (
        <ConfirmDialog
          title='确认生日'
          lines={[`你的生日是 ${chinaDateLabel(pendingBirthday)}？`, '生日只能设置一次，设置后不能自行修改，如需更改请到门店办理。']}
          confirmText='确认设置'
          busy={busy}
          onConfirm={saveBirthday}
          onCancel={() => setPendingBirthday(null)}
        />
      )}

      {closing === 'explain' && (
        <ConfirmDialog
          title='注销会员卡'
          lines={CLOSE_EXPLAINED}
          confirmText='继续注销'
          cancelText='再想想'
          danger
          onConfirm={() => setClosing('confirm')}
          onCancel={() => setClosing(null)}
        />
      )}
      {closing === 'confirm' && (
        <ConfirmDialog
          title='确定注销吗？'
          lines={[`会员卡 ${profile?.memberNo ?? ''} 注销后不能恢复，剩余积分将作废。`]}
          confirmText='确定注销'
          cancelText='取消'
          danger
          busy={busy}
          onConfirm={closeCard}
          onCancel={() => setClosing(null)}
        />
      )}
    </View>
  )
}
