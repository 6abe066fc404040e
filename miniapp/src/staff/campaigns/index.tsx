import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { Campaign, CampaignStatus, Segment, StaffProfile } from '@wemember/shared'
import { chinaDateTime } from '@wemember/shared/china-time'
import { listCampaigns, listSegments } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { Choice } from '../Chips'
import ConsoleNav from '../ConsoleNav'
import MarketingOnly from '../MarketingOnly'
import { describeSchedule, mayMarket, openConsole, STATUS_NAMES } from '../console'
import { leaveIfUnauthorized, useStaffProfile } from '../staff-page'
import './index.scss'

/** The list's filter: every campaign, or those of some statuses. */
const VIEWS: { value: readonly CampaignStatus[] | null; label: string }[] = [
  { value: null, label: '全部' },
  { value: ['draft'], label: '草稿' },
  { value: ['scheduled', 'running'], label: '进行中' },
  { value: ['paused'], label: '已暂停' },
  { value: ['completed', 'cancelled'], label: '已结束' },
]

/** 营销活动: the brand's campaigns with their status and next run; a new one from the editor. */
export default function CampaignsPage() {
  const [staff, setStaff] = useState<StaffProfile | null>(null)
  const [campaigns, setCampaigns] = useState<Campaign[] | null>(null)
  const [segments, setSegments] = useState<Segment[]>([])
  const [view, setView] = useState<readonly CampaignStatus[] | null>(null)
  const [error, setError] = useState('')

  function fail(failure: unknown) {
    if (!leaveIfUnauthorized(failure)) setError(errorMessage(failure))
  }

  useStaffProfile((profile) => {
    setStaff(profile)
    if (!mayMarket(profile.role)) return
    listCampaigns().then(setCampaigns, fail)
    listSegments().then(setSegments, fail)
  }, fail)

  if (staff && !mayMarket(staff.role)) return <MarketingOnly staff={staff} />

  const shown = campaigns?.filter((c) => !view || view.includes(c.status))
  const segmentName = (id: string) => segments.find((s) => s.id === id)?.name ?? ''

  return (
    <View className='console campaigns-page'>
      <ConsoleNav section='campaigns' staff={staff} />
      {error && <View className='console-error'>{error}</View>}
      <View className='campaigns-head'>
        <View className='campaigns-head__text'>
          <Text className='campaigns-head__title'>营销活动</Text>
          <Text className='console-hint'>给一个人群发券、送积分、发消息，留出对照组看效果。</Text>
        </View>
        <Button className='campaigns-new' onClick={() => openConsole('campaignEdit')}>
          <Text>新建活动</Text>
        </Button>
      </View>
      <Choice name='campaigns-filter' options={VIEWS} chosen={view} onChange={setView} />
      {shown?.length === 0 && (
        <View className='console-empty campaigns-empty'>{campaigns?.length ? '没有这个状态的活动' : '还没有营销活动，先建一个人群，再点「新建活动」'}</View>
      )}
      {shown?.map((campaign) => (
        <View key={campaign.id} className='campaign-row' onClick={() => openConsole('campaign', { id: campaign.id })}>
          <View className='campaign-row__main'>
            <View className='campaign-row__head'>
              <Text className='campaign-row__name'>{campaign.name}</Text>
              <Text className={`campaign-status campaign-status--${campaign.status}`}>{STATUS_NAMES[campaign.status]}</Text>
            </View>
            <Text className='campaign-row__detail'>{[segmentName(campaign.segmentId) && `人群：${segmentName(campaign.segmentId)}`, describeSchedule(campaign.schedule)].filter(Boolean).join(' · ')}</Text>
            {campaign.pausedReason && campaign.status === 'paused' && <Text className='campaign-row__paused'>{campaign.pausedReason}</Text>}
          </View>
          <View className='campaign-row__side'>
            <Text className='campaign-row__next-label'>下次执行</Text>
            <Text className='campaign-row__next'>{campaign.nextRunAt ? chinaDateTime(new Date(campaign.nextRunAt)) : '—'}</Text>
          </View>
        </View>
      ))}
    </View>
  )
}
