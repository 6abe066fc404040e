import { useState } from 'react'
import Taro, { useLoad, useRouter } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { Agreement, Agreements } from '@wemember/shared'
import { chinaDateLabel } from '@wemember/shared/china-time'
import { getAgreements } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import BackBar from '../../components/BackBar'
import { goJoin, openTab } from '../../services/navigation'
import { memberSession } from '../../services/session'
import './index.scss'

const TITLES: Record<keyof Agreements, string> = { membership: '会员协议', privacy: '隐私政策' }

function kindOf(raw: string | undefined): keyof Agreements {
  return raw === 'privacy' ? 'privacy' : 'membership'
}

/** 会员协议 or 隐私政策 as in force now (`?kind=membership|privacy`), with its version and date. */
export default function AgreementPage() {
  const { params } = useRouter()
  const kind = kindOf(params.kind)
  const [agreement, setAgreement] = useState<Agreement | null>(null)
  const [error, setError] = useState('')

  async function load() {
    setError('')
    try {
      const agreements = await getAgreements()
      setAgreement(agreements[kind])
      Taro.setNavigationBarTitle({ title: agreements[kind].title || TITLES[kind] })
    } catch (failure) {
      setError(errorMessage(failure))
    }
  }

  useLoad(() => {
    Taro.setNavigationBarTitle({ title: TITLES[kind] })
    load()
  })

  const paragraphs = agreement ? agreement.text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean) : []

  return (
    <View className='m-page agreement-page'>
      <BackBar title={TITLES[kind]} fallback={() => (memberSession.get() ? openTab('me') : goJoin())} />
      {error && (
        <View className='m-error'>
          {error}
          <Button className='m-more' onClick={load}>
            重新加载
          </Button>
        </View>
      )}
      <View className='m-section agreement'>
        {agreement ? (
          <>
            <Text className='agreement-title'>{agreement.title}</Text>
            <Text className='agreement-version'>
              版本 {agreement.version} · {chinaDateLabel(agreement.effectiveDate)}起生效
            </Text>
            {paragraphs.map((paragraph, index) => (
              <Text key={index} className='agreement-paragraph'>
                {paragraph}
              </Text>
            ))}
          </>
        ) : (
          !error && (
            <>
              <View className='skeleton agreement-skeleton-title' />
              {[0, 1, 2, 3, 4].map((i) => (
                <View key={i} className='skeleton agreement-skeleton-line' />
              ))}
            </>
          )
        )}
      </View>
    </View>
  )
}
