import { useRef, useState } from 'react'
import Taro, { useLoad, useRouter } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { ButtonProps } from '@tarojs/components'
import type { Agreements, MemberAuthResponse, StoreScene, WelcomeGiftPreview } from '@wemember/shared'
import { formatCount } from '@wemember/shared/money'
import { platform, type PhoneGrant } from '../../platform'
import { getAgreements, getStoreByScene, getWelcomeGift, memberJoin, memberLogin } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { RequestError } from '../../services/request'
import { joinSubscribePrompt, memberNotice, memberSession, welcomeGiftNotice } from '../../services/session'
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

/** The card is a tab page: reLaunch opens it with the tab bar and leaves no way back to joining. */
function openCard() {
  Taro.reLaunch({ url: '/pages/card/index' })
}

function openAgreement(kind: keyof Agreements) {
  Taro.navigateTo({ url: `/pages/agreement/index?kind=${kind}` })
}

const TICK_FIRST = '请先阅读并勾选同意《会员协议》和《隐私政策》'

export default function JoinPage() {
  const { params } = useRouter()
  const scene = sceneFrom(params.scene)
  const [store, setStore] = useState<StoreScene | null>(null)
  const [login, setLogin] = useState<MemberAuthResponse | null>(null)
  const [stage, setStage] = useState<Stage>('signing-in')
  const [error, setError] = useState('')
  const [phone, setPhone] = useState('')
  /** Why the shopper is here again (signed out elsewhere, card closed), shown until they are back in. */
  const [notice] = useState(() => memberNotice.peek())
  /** The versions shown: exactly these are sent as accepted. */
  const [agreements, setAgreements] = useState<Agreements | null>(null)
  const [agreed, setAgreed] = useState(false)
  const [consentHint, setConsentHint] = useState('')
  /** What joining gives, as the brand configured it; promised only once the server has said so. */
  const [gift, setGift] = useState<WelcomeGiftPreview | null>(null)

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
      memberNotice.take() // no longer true
      openCard()
      return null
    }
    setLogin(result)
    loadWelcomeGift(result.token)
    return result
  }

  /** The welcome gift on offer. Without an answer nothing is promised: joining works the same. */
  async function loadWelcomeGift(loginToken: string) {
    try {
      const preview = await getWelcomeGift(loginToken)
      setGift(preview.points > 0 || preview.coupons.length > 0 ? preview : null)
    } catch {
      setGift(null)
    }
  }

  /** The agreement texts in force; joining is not offered without them. */
  async function loadAgreements(): Promise<void> {
    setAgreements(await getAgreements())
  }

  async function start() {
    attribution.current = lookUpStore()
    setStage('signing-in')
    setError('')
    try {
      const [signedIn] = await Promise.all([signIn(), loadAgreements()])
      if (signedIn) setStage('ready')
    } catch (failure) {
      setError(errorMessage(failure))
      setStage('failed')
    }
  }

  useLoad(() => {
    start()
  })

  /** The join buttons do nothing but ask until both agreements are ticked. */
  async function join(grant: PhoneGrant) {
    const shown = agreements
    if (!agreed || !shown) {
      setConsentHint(TICK_FIRST)
      return
    }
    setStage('joining')
    setError('')
    try {
      const phoneCode = await platform.getPhoneCode(grant)
      // The login token is short-lived: sign in again if the shopper took a while to decide.
      const current = login && Date.parse(login.expiresAt) > Date.now() ? login : await signIn()
      if (!current) return
      const acceptedAgreements = { membership: shown.membership.version, privacy: shown.privacy.version }
      const joined = await memberJoin({ phoneCode, acceptedAgreements }, current.token)
      memberSession.save(joined)
      if (joined.welcomeGift) welcomeGiftNotice.save(joined.welcomeGift)
      // The card offers 「开启积分变动提醒」 on its first visits: WeChat asks only after a tap there.
      joinSubscribePrompt.arm()
      memberNotice.save(joined.welcomeBack ? '欢迎回来！结账时出示下方会员码，即可累积积分' : '入会成功！结账时出示下方会员码，即可累积积分')
      openCard()
    } catch (failure) {
      if (failure instanceof RequestError && failure.code === 'AGREEMENT_OUTDATED') {
        // A newer version came out while the shopper read: show it and ask again.
        setAgreed(false)
        setError('')
        setConsentHint('协议已更新，请重新阅读并勾选同意后再入会')
        try {
          await loadAgreements()
        } catch (reload) {
          setError(errorMessage(reload))
        }
      } else {
        setError(errorMessage(failure))
      }
      setStage('ready')
    }
  }

  function toggleAgreed() {
    setAgreed(!agreed)
    setConsentHint('')
  }

  function askToTick() {
    setConsentHint(TICK_FIRST)
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
        <Text className='join-tagline'>手机号即会员卡，积分、折扣一卡尽享</Text>
      </View>

      {gift && (
        <View className='join-gift'>
          <Text className='join-gift__title'>入会即送</Text>
          {gift.points > 0 && <Text className='join-gift__line join-gift-points'>{`${formatCount(gift.points)} 积分`}</Text>}
          {gift.coupons.map((line) => (
            <Text key={line.templateId} className='join-gift__line join-gift-coupon'>
              {`${line.name}（${line.summary}）${line.quantity > 1 ? ` × ${line.quantity}` : ''}`}
            </Text>
          ))}
        </View>
      )}

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
          <Text className='join-benefit__title'>生日特权</Text>
          <Text className='join-benefit__desc'>生日享专属礼遇</Text>
        </View>
      </View>

      {notice && <View className='join-notice'>{notice}</View>}

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
                className={`join-btn join-submit${agreed ? '' : ' join-btn--waiting'}`}
                loading={busy}
                disabled={busy}
                onClick={() => join({ via: 'typed-number', phone })}
              >
                授权手机号并入会
              </Button>
            </View>
          ) : agreed ? (
            <Button
              className='join-btn join-btn--wechat join-submit'
              openType='getPhoneNumber'
              loading={busy}
              disabled={busy}
              onGetPhoneNumber={onGetPhoneNumber}
            >
              微信手机号一键入会
            </Button>
          ) : (
            // Without consent WeChat's phone dialog is not even opened: the button only asks.
            <Button className='join-btn join-btn--wechat join-btn--waiting join-submit' onClick={askToTick}>
              微信手机号一键入会
            </Button>
          ))}

        {(stage === 'ready' || stage === 'joining') && agreements && (
          <View className={`join-consent${consentHint ? ' join-consent--ask' : ''}`}>
            <View className='join-consent__row'>
              <View className={`join-check${agreed ? ' join-check--on' : ''}`} onClick={toggleAgreed}>
                {agreed && <Text className='join-check__mark'>✓</Text>}
              </View>
              <Text className='join-consent__text'>
                <Text onClick={toggleAgreed}>我已阅读并同意</Text>
                <Text className='join-link join-link--membership' onClick={() => openAgreement('membership')}>
                  《会员协议》
                </Text>
                <Text onClick={toggleAgreed}>和</Text>
                <Text className='join-link join-link--privacy' onClick={() => openAgreement('privacy')}>
                  《隐私政策》
                </Text>
              </Text>
            </View>
            {consentHint && <Text className='join-consent__hint'>{consentHint}</Text>}
          </View>
        )}

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
