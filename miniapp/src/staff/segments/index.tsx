import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { Segment, StaffProfile } from '@wemember/shared'
import { chinaDateTime } from '@wemember/shared/china-time'
import { listSegments } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import ConsoleNav from '../ConsoleNav'
import MarketingOnly from '../MarketingOnly'
import { describeFilter, mayMarket, openConsole } from '../console'
import { leaveIfUnauthorized, useStaffProfile } from '../staff-page'
import './index.scss'

/** 人群: the brand's saved audiences, each opened to edit; a new one from the builder. */
export default function SegmentsPage() {
  const [staff, setStaff] = useState<StaffProfile | null>(null)
  const [segments, setSegments] = useState<Segment[] | null>(null)
  const [error, setError] = useState('')

  function fail(failure: unknown) {
    if (!leaveIfUnauthorized(failure)) setError(errorMessage(failure))
  }

  useStaffProfile((profile) => {
    setStaff(profile)
    if (mayMarket(profile.role)) listSegments().then(setSegments, fail)
  }, fail)

  if (staff && !mayMarket(staff.role)) return <MarketingOnly staff={staff} />

  return (
    <View className='console segments-page'>
      <ConsoleNav section='segments' staff={staff} />
      {error && <View className='console-error'>{error}</View>}
      <View className='segments-head'>
        <View className='segments-head__text'>
          <Text className='segments-head__title'>人群</Text>
          <Text className='console-hint'>人群保存的是筛选条件，活动每次执行时按条件重新取会员。</Text>
        </View>
        <Button className='segments-new' onClick={() => openConsole('segment')}>
          <Text>新建人群</Text>
        </Button>
      </View>
      {segments?.length === 0 && <View className='console-empty segments-empty'>还没有人群，点「新建人群」按条件圈选会员</View>}
      <View className='segments-list'>
        {segments?.map((segment) => (
          <View key={segment.id} className='segment-row' onClick={() => openConsole('segment', { id: segment.id })}>
            <View className='segment-row__main'>
              <Text className='segment-row__name'>{segment.name}</Text>
              <Text className='segment-row__filter'>{describeFilter(segment.filter).join(' · ')}</Text>
            </View>
            <Text className='segment-row__time'>{`更新于 ${chinaDateTime(new Date(segment.updatedAt))}`}</Text>
          </View>
        ))}
      </View>
    </View>
  )
}
