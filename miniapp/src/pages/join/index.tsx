import { useRef, useState } from 'react'
import Taro, { useLoad, useRouter } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { ButtonProps } from '@tarojs/components'
import type { MemberAuthResponse, StoreScene } from '@wemember/shared'
import { platform, type PhoneGrant } from '../../platform'
import { getStoreByScene, memberJoin, memberLogin } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { RequestError } from '../../services/request'
import { memberSession } from '../../services/session'
import './index.scss'

type Stage = 'signing-in' | 'ready' | 'joining' | 'failed'

/** The store code's `scene` arrives URL-encoded in the launch query. */
function sceneFrom(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

function welcomeLine(store: StoreScene | null): string {
  if (!store) return '欢迎加入会员'
  const name = store.storeName
  return `欢迎来到${name}${name.endsWith('店') ? '' : '门店'}`
}

function openCard(joined: boolean) {
  Taro.redirectTo({ url: joined ? '/pages/card/index?joined=1' : '/pages/card/index' })
}

export default function JoinPage() {
  const { params } = useRouter()
  const scene = sceneFrom(params.scene)
  const [store, setStore] = useState<StoreScene | null>(null)
  const [login, setLogin] = useState<MemberAuthResponse | null>(null)
  const [stage, setStage] = useState<Stage>('signing-in')
  const [error, setError] = useState('')
  const [phone, setPhone] = useState('')

  /** The scene to credit the join to, once the store look-up has settled. */
  const attribution = useRef<Promise<string | undefined>>(Promise.resolve(undefined))

  /**
   * Shows the store behind the code and settles on the scene to send with the login: a code the
   * server does not know (404) is dropped so that the shopper can still join; after any other
   * failure the scene is kept and the login decides.
   */
  async function lookUpStore(): Promise<string | undefined> {
    if (!scene) return undefined
    try {
      setStore(await getStoreByScene(scene))
    } catch (failure) {
      if (failure instanceof RequestError && failure.statusCode === 404) return undefined
    }
    return scene
  }

  /** wx.login → POST /auth/login. A shopper who has already joined goes straight to the card. */
  async function signIn(): Promise<MemberAuthResponse | null> {
    const [code, loginScene] = await Promise.all([platform.login(), attribution.current])
    const result = await memberLogin(loginScene ? { code, scene: loginScene } : { code })
    if (result.member) {
      memberSession.save(result)
      openCard(false)
      return null
    }
    setLogin(result)
    return result
  }

  async function start() {
    attribution.current = lookUpStore()
    setStage('signing-in')
    setError('')
    try {
      if (await signIn()) setStage('ready')
    } catch (failure) {
      setError(errorMessage(failure))
      setStage('failed')
    }
  }

  useLoad(() => {
    start()
  })

  async function join(grant: PhoneGrant) {
    setStage('joining')
    setError('')
    try {
      const phoneCode = await platform.getPhoneCode(grant)
      // The login token is short-lived: sign in again if the shopper took a while to decide.
      const current = login && Date.parse(login.expiresAt) > Date.now() ? login : await signIn()
      if (!current) return
      const joined = await memberJoin({ phoneCode }, current.token)
      memberSession.save(joined)
      openCard(true)
    } catch (failure) {
      setError(errorMessage(failure))
      setStage('ready')
    }
  }

  function onGetPhoneNumber(event: { detail: ButtonProps.onGetPhoneNumberEventDetail }) {
    join({ via: 'wechat-button', detail: event.detail })
  }

  const busy = stage === 'joining'

  return (
    <View className='join-page'>
      <View className='join-hero'>
        <Text className='join-welcome'>{welcomeLine(store)}</Text>
        {store?.staffName && <Text className='join-staff'>店员 {store.staffName} 为你服务</Text>}
        <Text className='join-tagline'>手机号即会员卡，消费积分、生日礼遇一卡尽享</Text>
      </View>

      <View className='join-benefits'>
        <View className='join-benefit'>
          <Text className='join-benefit__title'>消费积分</Text>
          <Text className='join-benefit__desc'>消费累积积分，积分可抵现</Text>
        </View>
        <View className='join-benefit'>
          <Text className='join-benefit__title'>会员等级</Text>
          <Text className='join-benefit__desc'>等级越高，折扣越多</Text>
        </View>
        <View className='join-benefit'>
          <Text className='join-benefit__title'>生日礼遇</Text>
          <Text className='join-benefit__desc'>生日月专属好礼</Text>
        </View>
      </View>

      <View className='join-panel'>
        {stage === 'signing-in' && <Text className='join-status'>正在登录…</Text>}

        {stage === 'failed' && (
          <Button className='join-btn' onClick={start}>
            重新加载
          </Button>
        )}

        {(stage === 'ready' || stage === 'joining') &&
          (process.env.TARO_ENV === 'h5' ? (
            <View className='join-form'>
              <Input
                className='join-phone'
                type='number'
                maxlength={11}
                placeholder='请输入手机号（模拟微信授权）'
                value={phone}
                onInput={(event) => setPhone(event.detail.value)}
                onConfirm={() => join({ via: 'typed-number', phone })}
              />
              <Button
                className='join-btn join-submit'
                loading={busy}
                disabled={busy}
                onClick={() => join({ via: 'typed-number', phone })}
              >
                授权手机号并入会
              </Button>
            </View>
          ) : (
            <Button
              className='join-btn join-btn--wechat join-submit'
              openType='getPhoneNumber'
              loading={busy}
              disabled={busy}
              onGetPhoneNumber={onGetPhoneNumber}
            >
              微信手机号一键入会
            </Button>
          ))}

        {error && <View className='join-error'>{error}</View>}

        <Text className='join-privacy'>你的手机号仅用于识别会员身份，我们会妥善保护你的个人信息</Text>
      </View>

      <View className='join-footer'>
        <Text className='staff-entry' onClick={() => Taro.navigateTo({ url: '/staff/login/index' })}>
          员工入口
        </Text>
      </View>
    </View>
  )
}
