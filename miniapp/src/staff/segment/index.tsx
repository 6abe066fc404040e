import { useEffect, useRef, useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { LifecycleStage, SegmentPreview, StaffProfile, StoreSummary } from '@wemember/shared'
import { formatCount } from '@wemember/shared/money'
import { TIER_CODES } from '@wemember/shared/tiers'
import { createSegment, getSegment, getStaffStores, previewSegment, updateSegment } from '../../services/api'
import { errorMessage, formError } from '../../services/error-message'
import { RequestError } from '../../services/request'
import Chips, { Choice } from '../Chips'
import ConsoleNav from '../ConsoleNav'
import MarketingOnly from '../MarketingOnly'
import { CLASS_NAMES, mayMarket, STAGE_NAMES, switchConsole, tierLabel } from '../console'
import { EMPTY_FORM, FILTER_FIELDS, filterFromForm, formFromFilter, type FilterForm, type Flag } from '../segment-form'
import { leaveIfUnauthorized, useStaffProfile } from '../staff-page'
import './index.scss'

const STAGES = Object.keys(STAGE_NAMES) as LifecycleStage[]
const SCORES = [5, 4, 3, 2, 1] as const
const CLASSES = ['A', 'B', 'C', 'D'] as const
const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const
/** How long typing pauses before the count is asked for. */
const PREVIEW_DELAY_MS = 400

const flagOptions = (yes: string, no: string) => [
  { value: undefined as Flag, label: '不限' },
  { value: true as Flag, label: yes },
  { value: false as Flag, label: no },
]

const stageOptions = [{ value: undefined as LifecycleStage | undefined, label: '不限' }, ...STAGES.map((s) => ({ value: s as LifecycleStage | undefined, label: STAGE_NAMES[s] }))]

/** One criterion: its label, what it asks, its message from the server when it has one. */
function Criterion({ label, field, errors, children, hint }: { label: string; field?: string | string[]; errors: Record<string, string>; hint?: string; children: React.ReactNode }) {
  const message = ([] as string[]).concat(field ?? []).map((f) => errors[f]).find(Boolean)
  return (
    <View className={`criterion${message ? ' criterion--error' : ''}`}>
      <Text className='criterion__label'>{label}</Text>
      {children}
      {hint && <Text className='console-hint'>{hint}</Text>}
      {message && <Text className='console-field-error'>{message}</Text>}
    </View>
  )
}

/** Two numbers or dates: from and to. */
function Range({ from, to, onFrom, onTo, type, placeholders, name }: {
  from: string
  to: string
  onFrom(value: string): void
  onTo(value: string): void
  type: 'number' | 'text'
  placeholders: [string, string]
  name: string
}) {
  return (
    <View className={`range ${name}`}>
      <Input className={`range__input ${name}-from`} type={type} placeholder={placeholders[0]} value={from} maxlength={10} onInput={(e) => onFrom(e.detail.value)} />
      <Text className='range__to'>至</Text>
      <Input className={`range__input ${name}-to`} type={type} placeholder={placeholders[1]} value={to} maxlength={10} onInput={(e) => onTo(e.detail.value)} />
    </View>
  )
}

/** 人群 builder: every criterion of a segment, with the members it matches counted as they change. */
export default function SegmentPage() {
  const { params } = useRouter()
  const [staff, setStaff] = useState<StaffProfile | null>(null)
  const [stores, setStores] = useState<StoreSummary[]>([])
  const [id, setId] = useState(params.id ?? '')
  const [version, setVersion] = useState(0)
  const [name, setName] = useState('')
  const [form, setForm] = useState<FilterForm>(EMPTY_FORM)
  const [loaded, setLoaded] = useState(!params.id)
  const [preview, setPreview] = useState<SegmentPreview | null>(null)
  const [counting, setCounting] = useState(false)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [error, setError] = useState('')
  const [conflict, setConflict] = useState(false)
  const [saved, setSaved] = useState('')
  const [busy, setBusy] = useState(false)
  /** The latest preview asked for: an older answer arriving late is dropped. */
  const asked = useRef(0)

  function fail(failure: unknown) {
    if (!leaveIfUnauthorized(failure)) setError(errorMessage(failure))
  }

  async function load(segmentId: string) {
    try {
      const segment = await getSegment(segmentId)
      setName(segment.name)
      setForm(formFromFilter(segment.filter))
      setVersion(segment.version)
      setPreview((shown) => ({ count: segment.count, sample: shown?.sample ?? [] }))
      setConflict(false)
      setLoaded(true)
    } catch (failure) {
      fail(failure)
    }
  }

  useStaffProfile((profile) => {
    setStaff(profile)
    if (!mayMarket(profile.role)) return
    getStaffStores().then(setStores, fail)
    if (params.id && !version) load(params.id)
  }, fail)

  const { filter, problems } = filterFromForm(form)
  const filterKey = JSON.stringify(filter)

  // The count follows the criteria: asked for once typing pauses.
  useEffect(() => {
    if (!loaded || !staff || !mayMarket(staff.role)) return
    if (Object.keys(problems).length) return
    const ask = ++asked.current
    setCounting(true)
    const timer = setTimeout(async () => {
      try {
        const answer = await previewSegment({ filter })
        if (ask !== asked.current) return
        setPreview(answer)
        setErrors({})
      } catch (failure) {
        if (ask !== asked.current || leaveIfUnauthorized(failure)) return
        const { fields, message } = formError(failure, FILTER_FIELDS)
        setErrors(fields)
        if (message) setError(message)
      } finally {
        if (ask === asked.current) setCounting(false)
      }
    }, PREVIEW_DELAY_MS)
    return () => clearTimeout(timer)
    // The filter is compared by its JSON: a new object with the same criteria asks nothing.
  }, [filterKey, loaded, staff])

  function change<K extends keyof FilterForm>(key: K, value: FilterForm[K]) {
    setForm((shown) => ({ ...shown, [key]: value }))
    setSaved('')
    setError('')
  }

  async function save() {
    if (busy) return
    if (!name.trim()) {
      setErrors({ name: '请填写人群名称' })
      return
    }
    if (Object.keys(problems).length) return
    setBusy(true)
    setError('')
    setSaved('')
    try {
      const segment = id ? await updateSegment(id, { name, filter, version }) : await createSegment({ name, filter })
      setId(segment.id)
      setVersion(segment.version)
      setErrors({})
      setSaved(`已保存「${segment.name}」`)
    } catch (failure) {
      if (leaveIfUnauthorized(failure)) return
      if (failure instanceof RequestError && failure.code === 'SEGMENT_CONFLICT') setConflict(true)
      const { fields, message } = formError(failure, FILTER_FIELDS)
      setErrors(fields)
      setError(message)
    } finally {
      setBusy(false)
    }
  }

  if (staff && !mayMarket(staff.role)) return <MarketingOnly staff={staff} />

  const shown = { ...errors, ...problems }
  const regions = stores.filter((store, index) => stores.findIndex((s) => s.regionId === store.regionId) === index)

  return (
    <View className='console segment-page'>
      <ConsoleNav section='segments' staff={staff} />
      <View className='segment-title'>
        <Text className='segment-title__back' onClick={() => (Taro.getCurrentPages().length > 1 ? Taro.navigateBack() : switchConsole('segments'))}>
          ‹ 人群
        </Text>
        <Text className='segment-title__text'>{id ? '编辑人群' : '新建人群'}</Text>
      </View>
      {error && (
        <View className='console-error segment-error'>
          <Text>{error}</Text>
          {conflict && (
            <Text className='segment-reload' onClick={() => load(id)}>
              载入最新内容
            </Text>
          )}
        </View>
      )}
      {saved && <View className='console-saved segment-saved'>{saved}</View>}

      <View className='console-columns'>
        <View className='console-columns__main'>
          <View className='segment-panel'>
            <Criterion label='人群名称' field='name' errors={shown}>
              <Input
                className='segment-name'
                placeholder='如：近 90 天未消费的金卡会员'
                maxlength={40}
                value={name}
                onInput={(e) => {
                  setName(e.detail.value)
                  setErrors(({ name: _, ...rest }) => rest)
                  setSaved('')
                }}
              />
            </Criterion>
          </View>

          <View className='segment-panel'>
            <Text className='segment-panel__title'>会员价值</Text>
            <Criterion label='生命周期阶段（昨夜评分）' field='filter.stages' errors={shown}>
              <Chips name='segment-stages' options={STAGES} label={(s) => STAGE_NAMES[s]} chosen={form.stages} onChange={(v) => change('stages', v)} />
            </Criterion>
            <Criterion label='阶段变化：从' field='filter.stageChangedFrom' errors={shown}>
              <Choice name='segment-stage-from' options={stageOptions} chosen={form.stageChangedFrom} onChange={(v) => change('stageChangedFrom', v)} />
            </Criterion>
            <Criterion label='变为' field={['filter.stageChangedTo', 'filter.stageChangedWithinDays']} errors={shown}>
              <Choice name='segment-stage-to' options={stageOptions} chosen={form.stageChangedTo} onChange={(v) => change('stageChangedTo', v)} />
              <View className='inline-field'>
                <Text>发生在最近</Text>
                <Input className='inline-field__input segment-stage-days' type='number' placeholder='不限' maxlength={4} value={form.stageChangedWithinDays} onInput={(e) => change('stageChangedWithinDays', e.detail.value)} />
                <Text>天内</Text>
              </View>
            </Criterion>
            <View className='rfm-grid'>
              <Criterion label='R 近度（5 最近）' field='filter.rScores' errors={shown}>
                <Chips name='segment-r' options={SCORES} label={String} chosen={form.rScores} onChange={(v) => change('rScores', v)} />
              </Criterion>
              <Criterion label='F 频次（5 最多）' field='filter.fScores' errors={shown}>
                <Chips name='segment-f' options={SCORES} label={String} chosen={form.fScores} onChange={(v) => change('fScores', v)} />
              </Criterion>
              <Criterion label='M 金额（5 最高）' field='filter.mScores' errors={shown}>
                <Chips name='segment-m' options={SCORES} label={String} chosen={form.mScores} onChange={(v) => change('mScores', v)} />
              </Criterion>
            </View>
            <Criterion label='客户分类' field='filter.classes' errors={shown}>
              <Chips name='segment-classes' options={CLASSES} label={(c) => CLASS_NAMES[c]} chosen={form.classes} onChange={(v) => change('classes', v)} />
            </Criterion>
            <Criterion label='会员等级' field='filter.tiers' errors={shown}>
              <Chips name='segment-tiers' options={TIER_CODES} label={tierLabel} chosen={form.tiers} onChange={(v) => change('tiers', v)} />
            </Criterion>
          </View>

          <View className='segment-panel'>
            <Text className='segment-panel__title'>门店与时间</Text>
            <Criterion label='开卡区域' field='filter.regionIds' errors={shown}>
              <Chips name='segment-regions' options={regions.map((s) => s.regionId)} label={(r) => regions.find((s) => s.regionId === r)?.regionName ?? r} chosen={form.regionIds} onChange={(v) => change('regionIds', v)} />
            </Criterion>
            <Criterion label='开卡门店' field='filter.storeIds' errors={shown}>
              <Chips name='segment-stores' options={stores.map((s) => s.id)} label={(s) => stores.find((store) => store.id === s)?.name ?? s} chosen={form.storeIds} onChange={(v) => change('storeIds', v)} />
            </Criterion>
            <Criterion label='距上次消费（天）' field={['filter.lastPurchaseDaysMin', 'filter.lastPurchaseDaysMax']} errors={shown} hint='只含消费过的会员；如 90 至 180 为 3 到 6 个月没来'>
              <Range name='segment-last-purchase' type='number' placeholders={['最少', '最多']} from={form.lastPurchaseDaysMin} to={form.lastPurchaseDaysMax} onFrom={(v) => change('lastPurchaseDaysMin', v)} onTo={(v) => change('lastPurchaseDaysMax', v)} />
            </Criterion>
            <Criterion label='入会日期' field={['filter.joinedFrom', 'filter.joinedTo']} errors={shown}>
              <Range name='segment-joined' type='text' placeholders={['2026-01-01', '2026-12-31']} from={form.joinedFrom} to={form.joinedTo} onFrom={(v) => change('joinedFrom', v)} onTo={(v) => change('joinedTo', v)} />
            </Criterion>
            <Criterion label='生日月份' field='filter.birthdayMonths' errors={shown}>
              <Chips name='segment-birthday' options={MONTHS} label={(m) => `${m}月`} chosen={form.birthdayMonths} onChange={(v) => change('birthdayMonths', v)} />
            </Criterion>
          </View>

          <View className='segment-panel'>
            <Text className='segment-panel__title'>积分、券与触达</Text>
            <Criterion label='积分余额' field={['filter.pointsMin', 'filter.pointsMax']} errors={shown}>
              <Range name='segment-points' type='number' placeholders={['最少', '最多']} from={form.pointsMin} to={form.pointsMax} onFrom={(v) => change('pointsMin', v)} onTo={(v) => change('pointsMax', v)} />
            </Criterion>
            <Criterion label='用券' field={['filter.usedCoupon', 'filter.couponsUsedWithinDays']} errors={shown}>
              <Choice name='segment-used-coupon' options={flagOptions('用过券', '没用过券')} chosen={form.usedCoupon} onChange={(v) => change('usedCoupon', v)} />
              <View className='inline-field'>
                <Text>最近</Text>
                <Input className='inline-field__input segment-coupon-days' type='number' placeholder='不限' maxlength={4} value={form.couponsUsedWithinDays} onInput={(e) => change('couponsUsedWithinDays', e.detail.value)} />
                <Text>天内</Text>
              </View>
            </Criterion>
            <Criterion label='手上有可用的券' field='filter.hasUsableCoupon' errors={shown}>
              <Choice name='segment-usable-coupon' options={flagOptions('有', '没有')} chosen={form.hasUsableCoupon} onChange={(v) => change('hasUsableCoupon', v)} />
            </Criterion>
            <Criterion label='关注公众号' field='filter.followsOfficialAccount' errors={shown}>
              <Choice name='segment-follows' options={flagOptions('已关注', '未关注')} chosen={form.followsOfficialAccount} onChange={(v) => change('followsOfficialAccount', v)} />
            </Criterion>
            <Criterion label='订阅消息次数' field='filter.hasSubscribeCredits' errors={shown}>
              <Choice name='segment-credits' options={flagOptions('有', '没有')} chosen={form.hasSubscribeCredits} onChange={(v) => change('hasSubscribeCredits', v)} />
            </Criterion>
            <Criterion
              label='营销许可'
              field='filter.marketingAllowed'
              errors={shown}
              hint='活动只会发给同意接收优惠信息、未退订短信的会员；选「全部会员」只影响这里的人数。'
            >
              <Choice
                name='segment-consent'
                options={[
                  { value: true, label: '只含同意营销的会员' },
                  { value: false, label: '全部会员' },
                ]}
                chosen={form.marketingAllowed}
                onChange={(v) => change('marketingAllowed', v)}
              />
            </Criterion>
          </View>
        </View>

        <View className='console-columns__side'>
          <View className='segment-panel segment-live'>
            <Text className='segment-live__label'>符合条件的会员</Text>
            <View className='segment-live__count-row'>
              <Text className='segment-count'>{preview ? formatCount(preview.count) : '—'}</Text>
              <Text className='segment-live__unit'>人</Text>
              {counting && <Text className='segment-live__counting'>统计中…</Text>}
            </View>
            <Text className='console-hint'>只算正常状态的会员卡；人数随条件实时更新。</Text>
            <Button className='segment-save' loading={busy} disabled={busy} onClick={save}>
              <Text>{id ? '保存修改' : '保存人群'}</Text>
            </Button>
            {preview && preview.sample.length > 0 && (
              <View className='segment-sample'>
                <Text className='segment-sample__title'>{`部分会员（${preview.sample.length} 位）`}</Text>
                {preview.sample.map((member) => (
                  <View key={member.memberNo} className='sample-row'>
                    <Text className='sample-row__no'>{member.memberNo}</Text>
                    <Text className='sample-row__phone'>{member.phoneMasked}</Text>
                    <Text className='sample-row__tier'>{tierLabel(member.tier)}</Text>
                    <Text className='sample-row__stage'>{member.stage ? STAGE_NAMES[member.stage] : '未评分'}</Text>
                  </View>
                ))}
              </View>
            )}
          </View>
        </View>
      </View>
    </View>
  )
}
