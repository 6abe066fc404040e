import { useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { NotificationKind } from '@wemember/shared'
import { getMessageSettings } from '../services/api'
import { errorMessage } from '../services/error-message'
import { leaveIfSignedOut } from '../services/navigation'
import { askToSubscribe } from '../services/subscribe'
import { nextSubscribeBatch, subscribeCandidates } from '../services/subscribe-batch'
import './SubscribePrompt.scss'

export interface SubscribePromptProps {
  /** The kinds this moment is about (积分变动 after joining, 余额 and 积分 after a recharge). */
  kinds: NotificationKind[]
  /** The button: 「开启积分变动提醒」. */
  action: string
  /** One sentence on what the shopper gets. */
  hint: string
  className?: string
  /**
   * An offer made until the shopper answers or closes it, then never again (read once, when the
   * page opens, so the answer stays on screen).
   */
  memory?: { due(): boolean; settle(): void }
}

type Stage = 'checking' | 'offer' | 'asking' | 'done' | 'hidden'

/**
 * A small offer to turn on reminders at a natural moment. It asks the server first and stays out
 * of sight unless one of its kinds would reach nobody now (wanted, a subscribe template exists, no
 * official-account notice); WeChat's dialog opens only when the shopper taps the button.
 */
export default function SubscribePrompt({ kinds, action, hint, className = '', memory }: SubscribePromptProps) {
  const [due] = useState(() => !memory || memory.due())
  const [stage, setStage] = useState<Stage>(due ? 'checking' : 'hidden')
  const [templateIds, setTemplateIds] = useState<string[]>([])
  const [result, setResult] = useState('')
  const [error, setError] = useState('')

  useEffect(() => {
    if (!due) return undefined
    let current = true
    getMessageSettings().then(
      (settings) => {
        if (!current) return
        const wanted = subscribeCandidates(
          settings.kinds.filter((k) => k.channel === null),
          kinds,
        )
        const batch = nextSubscribeBatch(wanted, new Set(), settings.maxTemplatesPerRequest)
        setTemplateIds(batch.templateIds)
        setStage(batch.templateIds.length > 0 ? 'offer' : 'hidden')
      },
      (failure: unknown) => {
        // Only an offer: without the settings it is simply not made.
        if (!current) return
        leaveIfSignedOut(failure)
        setStage('hidden')
      },
    )
    return () => {
      current = false
    }
    // Asked once: the kinds are fixed for each place the offer appears.
  }, [])

  async function accept() {
    setStage('asking')
    setError('')
    try {
      const { accepted } = await askToSubscribe(templateIds)
      setResult(accepted > 0 ? '已开启，有变动时会在微信里提醒你' : '你没有允许订阅，可随时在「我的 › 消息设置」中开启')
      setStage('done')
      memory?.settle()
    } catch (failure) {
      if (leaveIfSignedOut(failure)) return
      setError(errorMessage(failure))
      setStage('offer')
    }
  }

  function close() {
    setStage('hidden')
    memory?.settle()
  }

  if (stage === 'checking' || stage === 'hidden') return null
  return (
    <View className={`subscribe-prompt ${className}`}>
      {stage === 'done' ? (
        <Text className='subscribe-prompt__result'>{result}</Text>
      ) : (
        <>
          <View className='subscribe-prompt__top'>
            <Text className='subscribe-prompt__hint'>{hint}</Text>
            <Text className='subscribe-prompt__close' onClick={close}>
              ×
            </Text>
          </View>
          <Button className='subscribe-prompt__button' loading={stage === 'asking'} disabled={stage === 'asking'} onClick={accept}>
            <Text>{action}</Text>
          </Button>
          {error && <Text className='subscribe-prompt__error'>{error}</Text>}
        </>
      )}
    </View>
  )
}
