import { useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import type { CouponTemplate, Segment, StaffProfile } from '@wemember/shared'
import { createCampaign, getCampaign, getStaffMessageSettings, listCouponTemplates, listSegments, updateCampaign } from '../../services/api'
import { errorMessage, formError } from '../../services/error-message'
import { RequestError } from '../../services/request'
import { Choice } from '../Chips'
import ConsoleNav from '../ConsoleNav'
import MarketingOnly from '../MarketingOnly'
import { bodyFromForm, campaignFields, formFromCampaign, newAction, NEW_CAMPAIGN, type ActionForm, type ActionType, type CampaignForm } from '../campaign-form'
import { CHANNEL_NAMES, CONSOLE_PAGES, describeFilter, mayMarket, MERGE_FIELDS, openConsole, switchConsole } from '../console'
import { leaveIfUnauthorized, useStaffProfile } from '../staff-page'
import './index.scss'

const ACTION_NAMES: Record<ActionType, string> = { coupon: '发优惠券', points: '送积分', message: '发微信消息', sms: '发短信' }
const MERGE_HINT = Object.entries(MERGE_FIELDS)
  .map(([field, name]) => `{${field}} ${name}`)
  .join('、')

/** The message under a field, when the last save named it. */
function FieldError({ at, errors }: { at: string | string[]; errors: Record<string, string> }) {
  const message = ([] as string[]).concat(at).map((field) => errors[field]).find(Boolean)
  return message ? <Text className={`console-field-error field-error--${([] as string[]).concat(at)[0].replace(/\./g, '-')}`}>{message}</Text> : null
}

/** Buttons that insert a merge field at the end of a value. */
function MergeChips({ onInsert }: { onInsert(field: string): void }) {
  return (
    <View className='merge-chips'>
      <Text className='merge-chips__label'>插入：</Text>
      {Object.entries(MERGE_FIELDS).map(([field, name]) => (
        <Text key={field} className='merge-chip' onClick={() => onInsert(`{${field}}`)}>
          {name}
        </Text>
      ))}
    </View>
  )
}

/** 营销活动 editor: a draft's audience, actions, schedule, holdout and limits. */
export default function CampaignEditPage() {
  const { params } = useRouter()
  const [staff, setStaff] = useState<StaffProfile | null>(null)
  const [segments, setSegments] = useState<Segment[] | null>(null)
  const [templates, setTemplates] = useState<CouponTemplate[]>([])
  /** The subscribe templates registered in 消息通知设置: the only ones members are ever asked to accept. */
  const [subscribeIds, setSubscribeIds] = useState<string[]>([])
  const [form, setForm] = useState<CampaignForm>(NEW_CAMPAIGN)
  const [version, setVersion] = useState(0)
  const [notDraft, setNotDraft] = useState(false)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  function fail(failure: unknown) {
    if (!leaveIfUnauthorized(failure)) setError(errorMessage(failure))
  }

  async function loadCampaign(id: string) {
    try {
      const campaign = await getCampaign(id)
      setForm(formFromCampaign(campaign))
      setVersion(campaign.version)
      setNotDraft(campaign.status !== 'draft')
    } catch (failure) {
      fail(failure)
    }
  }

  useStaffProfile((profile) => {
    setStaff(profile)
    if (!mayMarket(profile.role)) return
    if (!segments) listSegments().then(setSegments, fail)
    if (!templates.length) listCouponTemplates({ status: 'active', limit: 200 }).then(setTemplates, fail)
    getStaffMessageSettings().then(
      (settings) => setSubscribeIds([...new Set(settings.templates.flatMap((t) => (t.subscribeTemplateId ? [t.subscribeTemplateId] : [])))]),
      fail,
    )
    if (params.id && !version) loadCampaign(params.id)
  }, fail)

  function edit(change: Partial<CampaignForm>, clear: string[] = []) {
    setForm((shown) => ({ ...shown, ...change }))
    if (clear.length) setErrors((shown) => Object.fromEntries(Object.entries(shown).filter(([field]) => !clear.some((c) => field === c || field.startsWith(`${c}.`)))))
  }

  function editAction(index: number, change: Partial<ActionForm>) {
    setForm((shown) => ({ ...shown, actions: shown.actions.map((a, i) => (i === index ? ({ ...a, ...change } as ActionForm) : a)) }))
    setErrors((shown) => Object.fromEntries(Object.entries(shown).filter(([field]) => !field.startsWith(`actions.${index}`))))
  }

  function addAction(type: ActionType) {
    edit({ actions: [...form.actions, newAction(type, type === 'coupon' ? (templates[0]?.id ?? '') : '')] }, ['actions'])
  }

  function removeAction(index: number) {
    // Errors of later actions would name the wrong one now: they go until the next save.
    setForm((shown) => ({ ...shown, actions: shown.actions.filter((_, i) => i !== index) }))
    setErrors((shown) => Object.fromEntries(Object.entries(shown).filter(([field]) => !field.startsWith('actions'))))
  }

  async function save() {
    if (busy) return
    setBusy(true)
    setError('')
    try {
      const body = bodyFromForm(form)
      const campaign = params.id ? await updateCampaign(params.id, { ...body, version }) : await createCampaign(body)
      if (params.id && Taro.getCurrentPages().length > 1) Taro.navigateBack()
      else Taro.redirectTo({ url: `${CONSOLE_PAGES.campaign}?id=${encodeURIComponent(campaign.id)}` })
    } catch (failure) {
      if (leaveIfUnauthorized(failure)) return
      const { fields, message } = formError(failure, campaignFields(form))
      setErrors(fields)
      setError(message)
      if (failure instanceof RequestError && failure.code === 'CAMPAIGN_NOT_DRAFT') setNotDraft(true)
      setBusy(false)
    }
  }

  if (staff && !mayMarket(staff.role)) return <MarketingOnly staff={staff} />

  const segment = segments?.find((s) => s.id === form.segmentId)
  const hasCoupons = form.actions.some((a) => a.type === 'coupon')

  function actionFields(action: ActionForm, i: number) {
    const at = `actions.${i}`
    switch (action.type) {
      case 'coupon':
        return (
          <>
            <Text className='edit-label'>优惠券</Text>
            {templates.length === 0 && <Text className='console-hint'>没有发放中的券模板，请先在券模板里新建。</Text>}
            <Choice
              name='coupon-picker'
              options={templates.map((t) => ({ value: t.id, label: `${t.name}（${t.summary}，剩 ${t.stockLeft} 张）` }))}
              chosen={action.templateId}
              onChange={(templateId) => editAction(i, { templateId })}
            />
            <FieldError at={`${at}.templateId`} errors={errors} />
            <Text className='edit-label'>每人张数</Text>
            <Input className='edit-input edit-input--short coupon-quantity' type='number' maxlength={2} value={action.quantity} onInput={(e) => editAction(i, { quantity: e.detail.value })} />
            <FieldError at={`${at}.quantity`} errors={errors} />
          </>
        )
      case 'points':
        return (
          <>
            <View className='edit-pair'>
              <View className='edit-pair__item'>
                <Text className='edit-label'>每人积分</Text>
                <Input className='edit-input points-amount' type='number' maxlength={6} placeholder='如 100' value={action.points} onInput={(e) => editAction(i, { points: e.detail.value })} />
                <FieldError at={`${at}.points`} errors={errors} />
              </View>
              <View className='edit-pair__item'>
                <Text className='edit-label'>赠送原因（会员在积分明细里看到）</Text>
                <Input className='edit-input points-reason' maxlength={40} placeholder='如 老客回归礼' value={action.reason} onInput={(e) => editAction(i, { reason: e.detail.value })} />
                <FieldError at={`${at}.reason`} errors={errors} />
              </View>
            </View>
          </>
        )
      case 'message':
        return (
          <>
            <Text className='edit-label'>渠道</Text>
            <Choice
              name='message-channel'
              options={(['subscribe', 'official_account'] as const).map((channel) => ({ value: channel, label: CHANNEL_NAMES[channel] }))}
              chosen={action.channel}
              onChange={(channel) => editAction(i, { channel })}
            />
            <Text className='console-hint'>
              {action.channel === 'subscribe' ? '只发给对这个模板还有订阅次数的会员，请用消息设置里登记的订阅模板。' : '只发给关注了公众号的会员。'}
            </Text>
            <Text className='edit-label'>模板 ID</Text>
            <Input className='edit-input message-template' maxlength={64} placeholder='公众平台上的模板 ID' value={action.templateId} onInput={(e) => editAction(i, { templateId: e.detail.value })} />
            {action.channel === 'subscribe' && subscribeIds.length > 0 && (
              <View className='merge-chips subscribe-ids'>
                <Text className='merge-chips__label'>已登记：</Text>
                {subscribeIds.map((templateId) => (
                  <Text key={templateId} className='merge-chip subscribe-id' onClick={() => editAction(i, { templateId })}>
                    {templateId}
                  </Text>
                ))}
              </View>
            )}
            <FieldError at={[`${at}.templateId`, `${at}.channel`]} errors={errors} />
            <Text className='edit-label'>模板内容（字段名如 thing1、number2，见模板详情）</Text>
            {action.data.map((row, j) => (
              <View key={j} className='data-row'>
                <View className='data-row__fields'>
                  <Input
                    className='edit-input data-row__key message-key'
                    maxlength={32}
                    placeholder='字段名'
                    value={row.key}
                    onInput={(e) => editAction(i, { data: action.data.map((r, k) => (k === j ? { ...r, key: e.detail.value } : r)) })}
                  />
                  <Input
                    className='edit-input data-row__value message-value'
                    maxlength={200}
                    placeholder='内容，如 {tierName}专享回归礼'
                    value={row.value}
                    onInput={(e) => editAction(i, { data: action.data.map((r, k) => (k === j ? { ...r, value: e.detail.value } : r)) })}
                  />
                  <Text className='data-row__remove' onClick={() => editAction(i, { data: action.data.filter((_, k) => k !== j) })}>
                    删除
                  </Text>
                </View>
                <MergeChips onInsert={(field) => editAction(i, { data: action.data.map((r, k) => (k === j ? { ...r, value: r.value + field } : r)) })} />
                <FieldError at={`${at}.data.${row.key.trim()}`} errors={errors} />
              </View>
            ))}
            <FieldError at={`${at}.data`} errors={errors} />
            {action.data.length < 10 && (
              <Text className='edit-link message-add-key' onClick={() => editAction(i, { data: [...action.data, { key: '', value: '' }] })}>
                + 添加一项
              </Text>
            )}
          </>
        )
      case 'sms':
        return (
          <>
            <Text className='edit-label'>短信模板 ID（短信服务商处审核通过的模板）</Text>
            <Input className='edit-input edit-input--short sms-template' type='number' maxlength={20} placeholder='如 1234567' value={action.templateId} onInput={(e) => editAction(i, { templateId: e.detail.value })} />
            <FieldError at={`${at}.templateId`} errors={errors} />
            <Text className='edit-label'>模板变量（依次填入 {'{1}'}、{'{2}'}…，每个不超过 20 字）</Text>
            {action.params.map((param, j) => (
              <View key={j} className='data-row'>
                <View className='data-row__fields'>
                  <Text className='data-row__index'>{`{${j + 1}}`}</Text>
                  <Input
                    className='edit-input data-row__value sms-param'
                    maxlength={60}
                    value={param}
                    onInput={(e) => editAction(i, { params: action.params.map((p, k) => (k === j ? e.detail.value : p)) })}
                  />
                  {action.params.length > 1 && (
                    <Text className='data-row__remove' onClick={() => editAction(i, { params: action.params.filter((_, k) => k !== j) })}>
                      删除
                    </Text>
                  )}
                </View>
                <MergeChips onInsert={(field) => editAction(i, { params: action.params.map((p, k) => (k === j ? p + field : p)) })} />
                <FieldError at={`${at}.params.${j}`} errors={errors} />
              </View>
            ))}
            <FieldError at={`${at}.params`} errors={errors} />
            {action.params.length < 10 && (
              <Text className='edit-link sms-add-param' onClick={() => editAction(i, { params: [...action.params, ''] })}>
                + 添加变量
              </Text>
            )}
            <Text className='edit-label'>发给谁</Text>
            <Choice
              name='sms-audience'
              options={[
                { value: true, label: '只发给微信消息触达不到的会员' },
                { value: false, label: '实验组全部会员' },
              ]}
              chosen={action.fallbackOnly}
              onChange={(fallbackOnly) => editAction(i, { fallbackOnly })}
            />
            <Text className='console-hint'>短信按条计费；没有微信消息动作时，短信发给实验组全部会员。</Text>
          </>
        )
    }
  }

  return (
    <View className='console campaign-edit-page'>
      <ConsoleNav section='campaigns' staff={staff} />
      <View className='edit-title'>
        <Text className='edit-title__back' onClick={() => (Taro.getCurrentPages().length > 1 ? Taro.navigateBack() : switchConsole('campaigns'))}>
          ‹ 返回
        </Text>
        <Text className='edit-title__text'>{params.id ? '编辑活动' : '新建活动'}</Text>
      </View>
      {notDraft && <View className='console-error edit-not-draft'>活动已启动，不能再修改。</View>}
      {/* What names no field here, else a pointer to the fields still refused (gone once they are edited). */}
      {(error || Object.keys(errors).length > 0) && <View className='console-error edit-error'>{error || '有几处需要修改，见标红的提示'}</View>}

      <View className='console-columns'>
        <View className='console-columns__main'>
          <View className='edit-panel'>
            <Text className='edit-panel__title'>基本信息</Text>
            <Text className='edit-label'>活动名称</Text>
            <Input className='edit-input campaign-name' maxlength={40} placeholder='如：老客回归' value={form.name} onInput={(e) => edit({ name: e.detail.value }, ['name'])} />
            <FieldError at='name' errors={errors} />
            <Text className='edit-label'>人群</Text>
            {segments?.length === 0 && (
              <Text className='edit-link' onClick={() => openConsole('segment')}>
                还没有人群，去新建一个 ›
              </Text>
            )}
            <Choice name='segment-picker' options={(segments ?? []).map((s) => ({ value: s.id, label: s.name }))} chosen={form.segmentId} onChange={(segmentId) => edit({ segmentId }, ['segmentId'])} />
            {segment && <Text className='console-hint segment-picked'>{describeFilter(segment.filter).join(' · ')}</Text>}
            <FieldError at='segmentId' errors={errors} />
          </View>

          <View className='edit-panel'>
            <Text className='edit-panel__title'>给实验组会员</Text>
            {form.actions.length === 0 && <Text className='console-hint'>至少添加一个动作：发券、送积分、发消息或短信。</Text>}
            {form.actions.map((action, i) => (
              <View key={i} className={`action-card action-card--${action.type}`}>
                <View className='action-card__head'>
                  <Text className='action-card__title'>{ACTION_NAMES[action.type]}</Text>
                  <Text className='action-card__remove' onClick={() => removeAction(i)}>
                    移除
                  </Text>
                </View>
                {actionFields(action, i)}
                <FieldError at={`actions.${i}`} errors={errors} />
              </View>
            ))}
            <FieldError at='actions' errors={errors} />
            <View className='action-add'>
              {(Object.keys(ACTION_NAMES) as ActionType[])
                .filter((type) => !((type === 'message' || type === 'sms') && form.actions.some((a) => a.type === type)))
                .map((type) => (
                  <Text key={type} className={`action-add__btn action-add--${type}`} onClick={() => addAction(type)}>
                    {`+ ${ACTION_NAMES[type]}`}
                  </Text>
                ))}
            </View>
            <Text className='console-hint'>{`消息和短信里可插入：${MERGE_HINT}`}</Text>
          </View>
        </View>

        <View className='console-columns__side'>
          <View className='edit-panel'>
            <Text className='edit-panel__title'>执行时间</Text>
            <Choice
              name='schedule-type'
              options={[
                { value: 'now' as const, label: '启动后立即' },
                { value: 'at' as const, label: '定时一次' },
                { value: 'monthly' as const, label: '每月' },
              ]}
              chosen={form.scheduleType}
              onChange={(scheduleType) => edit({ scheduleType }, ['schedule'])}
            />
            {form.scheduleType === 'at' && (
              <>
                <Input className='edit-input schedule-at' maxlength={16} placeholder='2026-12-01 10:00（北京时间）' value={form.at} onInput={(e) => edit({ at: e.detail.value }, ['schedule'])} />
                <Text className='console-hint'>已过的时间启动后立即执行。</Text>
              </>
            )}
            {form.scheduleType === 'monthly' && (
              <View className='inline-field'>
                <Text>每月</Text>
                <Input className='edit-input inline-field__input schedule-day' type='number' maxlength={2} value={form.day} onInput={(e) => edit({ day: e.detail.value }, ['schedule'])} />
                <Text>日</Text>
                <Input className='edit-input inline-field__input schedule-time' maxlength={5} value={form.time} onInput={(e) => edit({ time: e.detail.value }, ['schedule'])} />
              </View>
            )}
            <FieldError at={['schedule', 'schedule.at', 'schedule.day', 'schedule.time']} errors={errors} />
          </View>

          <View className='edit-panel'>
            <Text className='edit-panel__title'>对照与限制</Text>
            <Text className='edit-label'>对照组比例（%）</Text>
            <Input className='edit-input edit-input--short holdout-percent' type='number' maxlength={3} value={form.holdoutPercent} onInput={(e) => edit({ holdoutPercent: e.detail.value }, ['holdoutPercent'])} />
            <FieldError at='holdoutPercent' errors={errors} />
            <Text className='console-hint'>这部分会员什么也不发，用来对比活动带来的消费提升；0 到 50。</Text>
            {hasCoupons && (
              <>
                <Text className='edit-label'>发券上限（张，整个活动）</Text>
                <Input className='edit-input edit-input--short max-coupons' type='number' maxlength={9} placeholder='不限' value={form.maxCoupons} onInput={(e) => edit({ maxCoupons: e.detail.value }, ['maxCoupons'])} />
                <FieldError at='maxCoupons' errors={errors} />
              </>
            )}
            <Text className='edit-label'>频次限制（天）</Text>
            <Input className='edit-input edit-input--short frequency-cap' type='number' maxlength={2} placeholder='不限' value={form.frequencyCapDays} onInput={(e) => edit({ frequencyCapDays: e.detail.value }, ['frequencyCapDays'])} />
            <FieldError at='frequencyCapDays' errors={errors} />
            <Text className='console-hint'>这么多天内已被其他活动触达的会员，本次不再参加（1 到 90 天）。</Text>
          </View>

          <Button className='edit-save' loading={busy} disabled={busy || notDraft} onClick={save}>
            <Text>{params.id ? '保存修改' : '保存草稿'}</Text>
          </Button>
          <Text className='console-hint edit-save-hint'>保存后在活动页启动。</Text>
        </View>
      </View>
    </View>
  )
}
