import { useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { CheckinCalendar, CheckinResult } from '@wemember/shared'
import BackBar from '../../components/BackBar'
import ConfirmDialog from '../../components/ConfirmDialog'
import { checkIn, getCheckins, makeUpCheckin } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { leaveIfSignedOut, openTab, requireMember } from '../../services/navigation'
import { canMakeUp, monthGrid, shiftMonth } from './month-grid'
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
  /** The missed day the member tapped to make up (补签), awaiting their confirmation. */
  const [makingUp, setMakingUp] = useState<string | null>(null)

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

  /** A missed day tapped: the confirmation replaces the last result shown. */
  function askMakeUp(date: string) {
    setDone('')
    setMakingUp(date)
  }

  async function makeUp(date: string) {
    if (busy) return
    setBusy(true)
    try {
      const result = await makeUpCheckin(date)
      setDone(`补签成功，已连续签到 ${result.streak} 天`)
      setMakingUp(null)
      await load(month)
    } catch (failure) {
      setMakingUp(null)
      if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
    } finally {
      setBusy(false)
    }
  }

  const checked = new Set(calendar?.days.map((d) => d.date))
  const madeUp = new Set(calendar?.days.filter((d) => d.madeUp).map((d) => d.date))
  const offer = calendar?.enabled ? calendar.makeUp : null
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
            {monthGrid(calendar.month).map((date, i) => {
              if (!date) return <View key={`pad-${i}`} className='checkin-day checkin-day--pad' />
              const missed = !checked.has(date) && canMakeUp(offer, calendar.today, date)
              const classes = [
                'checkin-day',
                checked.has(date) && 'checkin-day--checked',
                madeUp.has(date) && 'checkin-day--made-up',
                missed && 'checkin-day--missed',
                date === calendar.today && 'checkin-day--today',
              ]
              return (
                <View key={date} className={classes.filter(Boolean).join(' ')} onClick={() => missed && askMakeUp(date)}>
                  <Text className='checkin-day__number'>{Number(date.slice(8))}</Text>
                  <Text className='checkin-day__mark'>{madeUp.has(date) ? '已补' : checked.has(date) ? '已签' : missed ? '补签' : ''}</Text>
                </View>
              )
            })}
          </View>
          <Text className='checkin-count'>{`本月已签到 ${calendar.days.length} 天`}</Text>
          {offer && (
            <Text className='checkin-count checkin-makeup-hint'>
              {offer.remainingThisMonth > 0 ? `漏签了？点日历上的「补签」，${offer.costPoints} 积分补一天，本月还可补 ${offer.remainingThisMonth} 次` : '本月补签次数已用完'}
            </Text>
          )}
        </View>
      )}
      {makingUp && offer && (
        <ConfirmDialog
          title={`补签 ${Number(makingUp.slice(5, 7))}月${Number(makingUp.slice(8))}日`}
          lines={[`消耗 ${offer.costPoints} 积分，补签后连续签到天数接上`, '补签的这一天不再获得签到积分', `本月还可补签 ${offer.remainingThisMonth} 次`]}
          confirmText='确认补签'
          busy={busy}
          onConfirm={() => makeUp(makingUp)}
          onCancel={() => setMakingUp(null)}
        />
      )}
    </View>
  )
}
