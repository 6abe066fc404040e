import { useEffect, useState } from 'react'
import Taro, { useDidHide, useDidShow, useRouter } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { Campaign, CampaignProgress, CampaignResults, CampaignRunProgress, CouponTemplate, SegmentWithCount, StaffProfile } from '@wemember/shared'
import { chinaDateTime } from '@wemember/shared/china-time'
import { formatCount, formatYuan } from '@wemember/shared/money'
import ConfirmDialog from '../../components/ConfirmDialog'
import { changeCampaign, getCampaign, getCampaignProgress, getCampaignResults, getSegment, listCouponTemplates } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { Choice } from '../Chips'
import ConsoleNav from '../ConsoleNav'
import LiftChart, { percent } from '../LiftChart'
import MarketingOnly from '../MarketingOnly'
import { describeAction, describeSchedule, mayMarket, openConsole, STATUS_NAMES, switchConsole } from '../console'
import { canExportResults, exportResults } from '../results-export'
import { leaveIfUnauthorized, useStaffProfile } from '../staff-page'
import './index.scss'

type Move = 'launch' | 'pause' | 'resume' | 'cancel'

/** How often progress is asked for while the campaign is running or waiting for its run. */
const POLL_MS = 3000

const MOVE_NAMES: Record<Move, string> = { launch: '启动', pause: '暂停', resume: '继续', cancel: '取消活动' }

/** What each status may do next (CAMPAIGN_TRANSITIONS, as buttons). */
const MOVES: Record<Campaign['status'], Move[]> = {
  draft: ['launch', 'cancel'],
  scheduled: ['pause', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: [],
  cancelled: [],
}

const ARM_NAMES = { treated: '实验组', holdout: '对照组' } as const

/** "第 1 次" for a one-off run; a monthly run is numbered by its month (YYYYMM). */
function runName(runNo: number): string {
  return runNo > 9999 ? `${Math.floor(runNo / 100)}年${runNo % 100}月` : `第 ${runNo} 次`
}

/** "40003 × 2、other × 1" */
function byCode(failed: Record<string, number>): string {
  const entries = Object.entries(failed).filter(([, n]) => n > 0)
  return entries.length ? entries.map(([code, n]) => `${code === 'other' ? '其他' : code} × ${n}`).join('、') : '0'
}

function Figure({ label, value, className = '' }: { label: string; value: string | number; className?: string }) {
  return (
    <View className={`figure ${className}`}>
      <Text className='figure__value'>{typeof value === 'number' ? formatCount(value) : value}</Text>
      <Text className='figure__label'>{label}</Text>
    </View>
  )
}

function RunProgress({ run, hasMessage, hasSms }: { run: CampaignRunProgress; hasMessage: boolean; hasSms: boolean }) {
  const failed = Object.values(run.messages.failed).reduce((a, b) => a + b, 0)
  return (
    <View className={`run run--${run.status}`}>
      <View className='run__head'>
        <Text className='run__name'>{runName(run.runNo)}</Text>
        <Text className={`run__status run__status--${run.status}`}>{run.status === 'done' ? '已完成' : '执行中'}</Text>
        <Text className='run__time'>{`${chinaDateTime(new Date(run.startedAt))} 开始${run.finishedAt ? `，${chinaDateTime(new Date(run.finishedAt))} 完成` : ''}`}</Text>
      </View>
      <View className='figures'>
        <Figure label='目标会员' value={run.targeted} className='run-targeted' />
        <Figure label='对照组' value={run.holdout} className='run-holdout' />
        <Figure label='频次限制跳过' value={run.capped} className='run-capped' />
        <Figure label='已发券' value={run.couponsGranted} className='run-coupons' />
        <Figure label='已送积分' value={run.pointsGranted} className='run-points' />
      </View>
      {hasMessage && (
        <View className='run__messages'>
          <Text className='run__messages-title'>微信消息</Text>
          <Text className='run-messages'>{`已发送 ${run.messages.sent} · 待发送 ${run.messages.pending} · 无法触达 ${run.messages.unreachable} · 失败 ${failed ? byCode(run.messages.failed) : 0}`}</Text>
        </View>
      )}
      {hasSms && (
        <View className='run__messages'>
          <Text className='run__messages-title'>短信</Text>
          <Text className='run-sms'>{`已发送 ${run.sms.sent} · 待发送 ${run.sms.pending} · 失败 ${byCode(run.sms.failed)}`}</Text>
        </View>
      )}
    </View>
  )
}

/** One campaign: what it does, 启动/暂停/继续/取消, its progress while it runs, and its results. */
export default function CampaignPage() {
  const { params } = useRouter()
  const id = params.id ?? ''
  const [staff, setStaff] = useState<StaffProfile | null>(null)
  const [campaign, setCampaign] = useState<Campaign | null>(null)
  const [segment, setSegment] = useState<SegmentWithCount | null>(null)
  const [templates, setTemplates] = useState<CouponTemplate[]>([])
  const [progress, setProgress] = useState<CampaignProgress | null>(null)
  const [results, setResults] = useState<CampaignResults | null>(null)
  const [days, setDays] = useState(14)
  const [confirming, setConfirming] = useState<'launch' | 'cancel' | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [shown, setShown] = useState(true)
  const [exporting, setExporting] = useState(false)

  function fail(failure: unknown) {
    if (!leaveIfUnauthorized(failure)) setError(errorMessage(failure))
  }

  async function loadResults(withDays = days) {
    try {
      setResults(await getCampaignResults(id, { days: withDays }))
    } catch (failure) {
      fail(failure)
    }
  }

  async function load() {
    try {
      const found = await getCampaign(id)
      setCampaign(found)
      getSegment(found.segmentId).then(setSegment, fail)
      if (found.status !== 'draft') {
        setProgress(await getCampaignProgress(id))
        await loadResults()
      }
    } catch (failure) {
      fail(failure)
    }
  }

  useStaffProfile((profile) => {
    setStaff(profile)
    if (!mayMarket(profile.role)) return
    listCouponTemplates({ limit: 200 }).then(setTemplates, fail)
    load()
  }, fail)
  useDidShow(() => setShown(true))
  useDidHide(() => setShown(false))

  const live = !!campaign && (campaign.status === 'scheduled' || campaign.status === 'running')

  // While it runs (or waits for its run), progress every few seconds; a change of status reloads the rest.
  useEffect(() => {
    if (!live || !shown) return
    const timer = setInterval(async () => {
      try {
        const now = await getCampaignProgress(id)
        setProgress(now)
        if (now.status !== campaign?.status) {
          setCampaign(await getCampaign(id))
          await loadResults()
        }
      } catch (failure) {
        if (!leaveIfUnauthorized(failure)) setError(errorMessage(failure))
      }
    }, POLL_MS)
    return () => clearInterval(timer)
  }, [live, shown, campaign?.status, days])

  async function move(which: Move) {
    if (busy) return
    setBusy(true)
    setError('')
    try {
      const moved = await changeCampaign(id, which)
      setCampaign(moved)
      setConfirming(null)
      setProgress(await getCampaignProgress(id))
      await loadResults()
    } catch (failure) {
      setConfirming(null)
      fail(failure)
      // The campaign may have moved meanwhile (WeChat's quota paused it): show it as it is.
      await load()
    } finally {
      setBusy(false)
    }
  }

  async function download() {
    if (exporting) return
    setExporting(true)
    setError('')
    try {
      await exportResults(id, days)
    } catch (failure) {
      fail(failure)
    } finally {
      setExporting(false)
    }
  }

  function ask(which: Move) {
    // Launch and cancel are confirmed first; pause and resume are done at once (each undoes the other).
    if (which === 'launch' || which === 'cancel') setConfirming(which)
    else move(which)
  }

  if (staff && !mayMarket(staff.role)) return <MarketingOnly staff={staff} />

  const couponName = (templateId: string) => templates.find((t) => t.id === templateId)?.name ?? '…'
  const hasSms = !!campaign?.actions.some((a) => a.type === 'sms')
  const hasMessage = !!campaign?.actions.some((a) => a.type === 'message')
  const confirmLines: Record<'launch' | 'cancel', string[]> = {
    launch: [
      `人群「${segment?.name ?? ''}」现有 ${segment ? formatCount(segment.count) : '—'} 人，其中 ${campaign?.holdoutPercent ?? 0}% 作为对照组不发放。`,
      campaign ? `${describeSchedule(campaign.schedule)}；启动后不能再修改活动内容。` : '',
    ],
    cancel: ['取消后活动不再执行，已发出的券和积分不会收回。', '取消后不能恢复。'],
  }

  return (
    <View className='console campaign-page'>
      <ConsoleNav section='campaigns' staff={staff} />
      <View className='detail-title'>
        <Text className='detail-title__back' onClick={() => (Taro.getCurrentPages().length > 1 ? Taro.navigateBack() : switchConsole('campaigns'))}>
          ‹ 营销活动
        </Text>
      </View>
      {error && <View className='console-error detail-error'>{error}</View>}
      {campaign && (
        <>
          <View className='detail-head'>
            <View className='detail-head__main'>
              <View className='detail-head__name-row'>
                <Text className='detail-name'>{campaign.name}</Text>
                <Text className={`campaign-status campaign-status--${campaign.status} detail-status`}>{STATUS_NAMES[campaign.status]}</Text>
              </View>
              {campaign.nextRunAt && (campaign.status !== 'running' || campaign.schedule.type === 'monthly') && <Text className='detail-next'>{`下次执行：${chinaDateTime(new Date(campaign.nextRunAt))}`}</Text>}
            </View>
            <View className='detail-actions'>
              {campaign.status === 'draft' && (
                <Button className='detail-btn detail-btn--plain detail-edit' onClick={() => openConsole('campaignEdit', { id })}>
                  <Text>编辑</Text>
                </Button>
              )}
              {MOVES[campaign.status].map((which) => (
                <Button
                  key={which}
                  className={`detail-btn detail-${which}${which === 'cancel' ? ' detail-btn--plain' : ''}`}
                  loading={busy && confirming === null && which !== 'cancel'}
                  disabled={busy}
                  onClick={() => ask(which)}
                >
                  <Text>{MOVE_NAMES[which]}</Text>
                </Button>
              ))}
            </View>
          </View>
          {campaign.status === 'paused' && campaign.pausedReason && <View className='detail-paused'>{`已暂停：${campaign.pausedReason}`}</View>}

          <View className='console-columns'>
            <View className='console-columns__main'>
              {progress && progress.runs.length > 0 && (
                <View className='detail-panel detail-progress'>
                  <View className='detail-panel__head'>
                    <Text className='detail-panel__title'>执行进度</Text>
                    {live && <Text className='console-hint detail-live'>每 3 秒自动刷新</Text>}
                  </View>
                  {[...progress.runs].reverse().map((run) => (
                    <RunProgress key={run.runNo} run={run} hasMessage={hasMessage} hasSms={hasSms} />
                  ))}
                  {progress.budgetLeft !== null && <Text className='detail-budget'>{`发券预算剩余 ${formatCount(progress.budgetLeft)} 张`}</Text>}
                </View>
              )}
              {campaign.status === 'draft' && (
                <View className='detail-panel detail-waiting'>
                  <Text className='detail-waiting__title'>草稿</Text>
                  <Text>确认右侧的活动内容后点「启动」；启动后按执行时间运行，执行进度和活动效果会显示在这里。</Text>
                </View>
              )}
              {progress && progress.runs.length === 0 && campaign.status !== 'cancelled' && (
                <View className='detail-panel detail-waiting'>
                  <Text>{campaign.nextRunAt ? `等待执行：${chinaDateTime(new Date(campaign.nextRunAt))}` : '还没有执行'}</Text>
                </View>
              )}

              {results && progress && progress.runs.length > 0 && (
                <View className='detail-panel detail-results'>
                  <View className='detail-panel__head'>
                    <Text className='detail-panel__title'>活动效果</Text>
                    <View className='results-tools'>
                      <Choice
                        name='results-days'
                        options={[7, 14, 30].map((d) => ({ value: d, label: `${d} 天` }))}
                        chosen={days}
                        onChange={(d) => {
                          setDays(d)
                          loadResults(d)
                        }}
                      />
                      {canExportResults && (
                        <Button className='results-export' loading={exporting} disabled={exporting} onClick={download}>
                          <Text>导出</Text>
                        </Button>
                      )}
                    </View>
                  </View>
                  <Text className='console-hint'>{`每位会员被执行后 ${results.days} 天内的消费；对照组什么也没收到。`}</Text>
                  <View className='arms'>
                    <View className='arms__row arms__row--head'>
                      <Text className='arms__cell arms__cell--name'>组</Text>
                      <Text className='arms__cell'>人数</Text>
                      <Text className='arms__cell'>触达</Text>
                      <Text className='arms__cell'>核销券</Text>
                      <Text className='arms__cell'>消费人数</Text>
                      <Text className='arms__cell'>消费率</Text>
                      <Text className='arms__cell arms__cell--money'>消费金额</Text>
                    </View>
                    {results.arms.map((arm) => (
                      <View key={arm.arm} className={`arms__row arm-${arm.arm}`}>
                        <Text className='arms__cell arms__cell--name'>{ARM_NAMES[arm.arm]}</Text>
                        <Text className='arms__cell arm-members'>{formatCount(arm.members)}</Text>
                        <Text className='arms__cell arm-reached'>{formatCount(arm.reached)}</Text>
                        <Text className='arms__cell arm-redeemed'>{formatCount(arm.couponsRedeemed)}</Text>
                        <Text className='arms__cell arm-purchasers'>{formatCount(arm.purchasers)}</Text>
                        <Text className='arms__cell arm-rate'>{arm.members ? percent(arm.purchasers / arm.members) : '—'}</Text>
                        <Text className='arms__cell arms__cell--money arm-revenue'>{formatYuan(arm.revenueFen)}</Text>
                      </View>
                    ))}
                  </View>
                  <LiftChart lift={results.lift} />
                </View>
              )}
            </View>

            <View className='console-columns__side'>
              <View className='detail-panel detail-setup'>
                <Text className='detail-panel__title'>活动内容</Text>
                <View className='setup-row'>
                  <Text className='setup-row__label'>人群</Text>
                  <Text className='setup-row__value detail-segment'>{segment ? `${segment.name}（现有 ${formatCount(segment.count)} 人）` : '—'}</Text>
                </View>
                <View className='setup-row'>
                  <Text className='setup-row__label'>执行</Text>
                  <Text className='setup-row__value detail-schedule'>{describeSchedule(campaign.schedule)}</Text>
                </View>
                <View className='setup-row'>
                  <Text className='setup-row__label'>动作</Text>
                  <View className='setup-row__value detail-actions-list'>
                    {campaign.actions.map((action, i) => (
                      <Text key={i} className='detail-action'>
                        {describeAction(action, couponName)}
                      </Text>
                    ))}
                  </View>
                </View>
                <View className='setup-row'>
                  <Text className='setup-row__label'>对照组</Text>
                  <Text className='setup-row__value detail-holdout'>{`${campaign.holdoutPercent}%`}</Text>
                </View>
                <View className='setup-row'>
                  <Text className='setup-row__label'>发券上限</Text>
                  <Text className='setup-row__value'>{campaign.maxCoupons === null ? '不限' : `${formatCount(campaign.maxCoupons)} 张（已用 ${campaign.couponsSpent}）`}</Text>
                </View>
                <View className='setup-row'>
                  <Text className='setup-row__label'>频次限制</Text>
                  <Text className='setup-row__value'>{campaign.frequencyCapDays === null ? '不限' : `${campaign.frequencyCapDays} 天内被其他活动触达的会员不参加`}</Text>
                </View>
              </View>
            </View>
          </View>
        </>
      )}
      {confirming && campaign && (
        <ConfirmDialog
          title={confirming === 'launch' ? `启动「${campaign.name}」？` : `取消「${campaign.name}」？`}
          lines={confirmLines[confirming].filter(Boolean)}
          confirmText={confirming === 'launch' ? '确认启动' : '确认取消'}
          cancelText={confirming === 'launch' ? '再想想' : '不取消'}
          danger={confirming === 'cancel'}
          busy={busy}
          onConfirm={() => move(confirming)}
          onCancel={() => setConfirming(null)}
        />
      )}
    </View>
  )
}
