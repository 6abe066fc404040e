import { useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { CheckinCalendar, CheckinResult } from '@wemember/shared'
import BackBar from '../../components/BackBar'
import { checkIn, getCheckins } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { leaveIfSignedOut, openTab, requireMember } from '../../services/navigation'
import { monthGrid, shiftMonth } from './month-grid'
import './index.scss'

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日']

/** "再签 2 天（连续第 3 天）可得 15 积分 + 签到满30减5" */
function nextStepText(next: NonNullable<CheckinCalendar['next']>): string {
  const gift = next.couponName ? ` + ${next.couponName}` : ''
  return `再签 ${next.inDays} 天（连续第 ${next.day} 天）可得 ${next.points} 积分${gift}`
}

/** What today's check-in just gave: "签到成功，+15 积分，获得 签到满30减5". */
function resultText(result: CheckinResult): string {
  const coupons = result.rewards.flatMap((r) => (r.coupon ? [r.coupon.name] : []))
  return `签到成功，+${result.pointsEarned} 积分${coupons.length > 0 ? `，获得 ${coupons.join('、')}` : ''}`
}

export default function CheckinPage() {
  const [calendar, setCalendar] = useState<CheckinCalendar | null>(null)
  /** The month on screen; null = the current one (the server's Shanghai month). */
  const [month, setMonth] = useState<string | null>(null)
  const [done, setDone] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  async function load(shown: string | null) {
    try {
      setCalendar(await getCheckins(shown ? { month: shown } : {}))
      setMonth(shown)
      setError('')
    } catch (failure) {
      if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
    }
  }

  useDidShow(() => {
    if (requireMember()) load(month)
  })

  async function submit() {
    if (busy) return
    setBusy(true)
    try {
      const result = await checkIn()
      setDone(result.alreadyCheckedIn ? '今天已经签过了，明天再来' : resultText(result))
      await load(null)
    } catch (failure) {
      if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
    } finally {
      setBusy(false)
    }
  }

  const checked = new Set(calendar?.days.map((d) => d.date))
  const current = calendar ? calendar.today.slice(0, 7) : null
  return (
    <View className='m-page checkin-page'>
      <BackBar title='每日签到' fallback={() => openTab('card')} />
      <View className='checkin-head'>
        <Text className='checkin-streak-label'>已连续签到</Text>
        <Text className='checkin-streak'>{calendar ? `${calendar.streak} 天` : '—'}</Text>
        {calendar?.next && <Text className='checkin-next'>{nextStepText(calendar.next)}</Text>}
        {calendar && !calendar.enabled && <Text className='checkin-next'>本品牌暂未开放签到</Text>}
      </View>
      {calendar?.enabled && (
        <Button className={`checkin-button${calendar.checkedInToday ? ' checkin-button--done' : ''}`} disabled={busy || calendar.checkedInToday} onClick={submit}>
          <Text>{calendar.checkedInToday ? '今日已签到' : `签到领 ${calendar.todayPoints} 积分`}</Text>
        </Button>
      )}
      {done && <View className='checkin-done'>{done}</View>}
      {error && <View className='checkin-error'>{error}</View>}

      {calendar && (
        <View className='checkin-calendar'>
          <View className='checkin-month'>
            <Text className='checkin-month__step checkin-month-prev' onClick={() => load(shiftMonth(calendar.month, -1))}>
              ‹ 上月
            </Text>
            <Text className='checkin-month__title'>{`${calendar.month.slice(0, 4)} 年 ${Number(calendar.month.slice(5))} 月`}</Text>
            <Text
              className={`checkin-month__step checkin-month-next${calendar.month === current ? ' checkin-month__step--off' : ''}`}
              onClick={() => calendar.month !== current && load(shiftMonth(calendar.month, 1))}
            >
              下月 ›
            </Text>
          </View>
          <View className='checkin-grid'>
            {WEEKDAYS.map((w) => (
              <Text key={w} className='checkin-weekday'>
                {w}
              </Text>
            ))}
            {monthGrid(calendar.month).map((date, i) =>
              date ? (
                <View key={date} className={`checkin-day${checked.has(date) ? ' checkin-day--checked' : ''}${date === calendar.today ? ' checkin-day--today' : ''}`}>
                  <Text className='checkin-day__number'>{Number(date.slice(8))}</Text>
                  <Text className='checkin-day__mark'>{checked.has(date) ? '已签' : ''}</Text>
                </View>
              ) : (
                <View key={`pad-${i}`} className='checkin-day checkin-day--pad' />
              ),
            )}
          </View>
          <Text className='checkin-count'>{`本月已签到 ${calendar.days.length} 天`}</Text>
        </View>
      )}
    </View>
  )
}
