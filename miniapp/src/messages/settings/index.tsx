import { useRef, useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { Button, Switch, Text, View } from '@tarojs/components'
import type { MemberMessageKind, MemberMessageSettings, NotificationKind } from '@wemember/shared'
import BackBar from '../../components/BackBar'
import { getMessageSettings, updateMessageSettings } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { leaveIfSignedOut, openTab, requireMember } from '../../services/navigation'
import { RequestError } from '../../services/request'
import { askToSubscribe } from '../../services/subscribe'
import { deliveryText, nextSubscribeBatch, subscribeCandidates } from '../../services/subscribe-batch'
import './index.scss'

/** 「21:30 – 次日 08:30」: quiet hours may run past midnight. */
function quietHoursText({ start, end }: { start: string; end: string }): string {
  return `${start} – ${end < start ? '次日 ' : ''}${end}`
}

function withKind(settings: MemberMessageSettings, kind: NotificationKind, enabled: boolean): MemberMessageSettings {
  return { ...settings, kinds: settings.kinds.map((k) => (k.kind === kind ? { ...k, enabled } : k)) }
}

export default function MessageSettingsPage() {
  const [settings, setSettings] = useState<MemberMessageSettings | null>(null)
  const [error, setError] = useState('')
  const [notice, setNotice] = useState('')
  const [subscribing, setSubscribing] = useState(false)
  /** Templates already asked for on this visit: 「继续开启」 asks for the others. */
  const [asked, setAsked] = useState<string[]>([])
  /** Numbers each switch change, so only the answer to the latest one replaces what is shown. */
  const latestChange = useRef(0)

  function fail(failure: unknown) {
    if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
  }

  async function load() {
    try {
      setSettings(await getMessageSettings())
      setError('')
    } catch (failure) {
      fail(failure)
    }
  }

  useDidShow(() => {
    if (requireMember()) load()
  })

  /**
   * The switch moves at once; if the server does not take it, it moves back and a toast says so.
   * When no answer came the change may have gone through: the page asks what the server holds.
   */
  async function toggle(kind: MemberMessageKind, enabled: boolean) {
    if (!settings) return
    const change = ++latestChange.current
    setSettings(withKind(settings, kind.kind, enabled))
    try {
      const saved = await updateMessageSettings({ kinds: { [kind.kind]: enabled } })
      if (change === latestChange.current) setSettings(saved)
    } catch (failure) {
      if (leaveIfSignedOut(failure)) return
      if (failure instanceof RequestError && failure.outcomeUnknown) {
        try {
          const held = await getMessageSettings()
          if (change === latestChange.current) setSettings(held)
          if (held.kinds.find((k) => k.kind === kind.kind)?.enabled === enabled) return
        } catch {
          // Still no answer: put the switch back, as for a refusal.
        }
      }
      // Back to what it was, unless the shopper has moved this switch again meanwhile.
      setSettings((shown) => (shown && shown.kinds.find((k) => k.kind === kind.kind)?.enabled === enabled ? withKind(shown, kind.kind, !enabled) : shown))
      Taro.showToast({ title: `「${kind.label}」${enabled ? '开启' : '关闭'}失败，请稍后重试`, icon: 'none', duration: 2500 })
    }
  }

  const candidates = settings ? subscribeCandidates(settings.kinds) : []
  const askedSet = new Set(asked)
  const batch = settings ? nextSubscribeBatch(candidates, askedSet, settings.maxTemplatesPerRequest) : null
  /** Templates not asked for yet on this visit: after a first request they wait for 「继续开启」. */
  const waiting = candidates.filter((id) => !askedSet.has(id)).length
  const continuing = asked.length > 0 && waiting > 0

  /** Straight from the tap: WeChat opens its dialog only right after one. */
  async function subscribe() {
    if (!batch || batch.templateIds.length === 0 || subscribing) return
    const templateIds = batch.templateIds
    setSubscribing(true)
    setNotice('')
    setError('')
    try {
      const { settings: next, accepted } = await askToSubscribe(templateIds)
      setSettings(next)
      // Once every template has been asked for, the next tap starts the round again.
      setAsked((before) => (waiting === 0 ? templateIds : [...before, ...templateIds]))
      setNotice(accepted > 0 ? `已开启 ${accepted} 种消息提醒，每次允许可收到一条` : '你没有允许订阅，消息提醒未开启')
    } catch (failure) {
      fail(failure)
    } finally {
      setSubscribing(false)
    }
  }

  return (
    <View className='m-page msg-page'>
      <BackBar title='消息设置' fallback={() => openTab('me')} />
      {error && <View className='m-error msg-error'>{error}</View>}
      {notice && <View className='m-notice msg-notice'>{notice}</View>}

      <View className='m-section msg-kinds'>
        <Text className='m-section__title'>接收哪些消息</Text>
        {settings
          ? settings.kinds.map((kind) => (
              <View key={kind.kind} className={`m-row msg-kind msg-kind--${kind.kind}`}>
                <View className='msg-kind__main'>
                  <Text className='m-row__label msg-kind__label'>{kind.label}</Text>
                  <Text className={`msg-kind__delivery${kind.enabled && kind.channel === null ? ' msg-kind__delivery--off' : ''}`}>{deliveryText(kind)}</Text>
                </View>
                <Switch className='msg-kind-switch' checked={kind.enabled} color='#e2583e' onChange={(event) => toggle(kind, event.detail.value)} />
              </View>
            ))
          : !error &&
            [0, 1, 2, 3].map((i) => (
              <View key={i} className='m-row msg-skeleton-row'>
                <View className='skeleton msg-skeleton-label' />
                <View className='skeleton msg-skeleton-switch' />
              </View>
            ))}
      </View>

      {settings && candidates.length > 0 && batch && (
        <View className='m-section msg-subscribe'>
          <Text className='msg-subscribe__text'>
            {settings.followsOfficialAccount
              ? '以下消息还没有公众号通知，可在微信里订阅：每次允许，可收到一条提醒。'
              : '在微信里允许订阅消息，每次允许可收到一条提醒，用完后可再次开启。'}
          </Text>
          <Button className='msg-subscribe-button' loading={subscribing} disabled={subscribing} onClick={subscribe}>
            <Text>{continuing ? '继续开启' : '开启消息提醒'}</Text>
          </Button>
          {continuing && <Text className='msg-subscribe__more'>{`还有 ${waiting} 项提醒待开启，微信每次最多 3 项`}</Text>}
        </View>
      )}

      {settings && (
        <View className='m-section msg-info'>
          <Text className='msg-follow'>
            {settings.followsOfficialAccount
              ? '你已关注品牌公众号，消息会通过公众号通知送达，不限次数。'
              : '关注品牌公众号，消息会通过公众号通知送达，不用每次订阅，也不限次数。'}
          </Text>
          <Text className='msg-quiet'>{settings.quietHours ? `免打扰时段 ${quietHoursText(settings.quietHours)}，期间的消息会在结束后送达` : '全天都会及时通知'}</Text>
        </View>
      )}
    </View>
  )
}
