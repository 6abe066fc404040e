import type { Campaign, CampaignChannel, CreateCampaignRequest } from '@wemember/shared'
import { chinaDateTime } from '@wemember/shared/china-time'

/*
 * The campaign editor's form. Numbers stay as typed: one that does not read as a whole number goes
 * to the API as typed, whose 400 then names the field ("对照组比例应为 0 到 50 的整数") beside it.
 */

export type ActionForm =
  | { type: 'coupon'; templateId: string; quantity: string }
  | { type: 'points'; points: string; reason: string }
  | { type: 'message'; channel: CampaignChannel; templateId: string; data: { key: string; value: string }[] }
  | { type: 'sms'; templateId: string; params: string[]; fallbackOnly: boolean }

export type ActionType = ActionForm['type']

export interface CampaignForm {
  name: string
  segmentId: string
  actions: ActionForm[]
  scheduleType: 'now' | 'at' | 'monthly'
  /** "2026-12-01 10:00", Shanghai time. */
  at: string
  day: string
  time: string
  holdoutPercent: string
  maxCoupons: string
  frequencyCapDays: string
}

export const NEW_CAMPAIGN: CampaignForm = {
  name: '',
  segmentId: '',
  actions: [],
  scheduleType: 'now',
  at: '',
  day: '1',
  time: '10:00',
  holdoutPercent: '10',
  maxCoupons: '',
  frequencyCapDays: '',
}

export function newAction(type: ActionType, templateId = ''): ActionForm {
  switch (type) {
    case 'coupon':
      return { type, templateId, quantity: '1' }
    case 'points':
      return { type, points: '', reason: '' }
    case 'message':
      return { type, channel: 'subscribe', templateId: '', data: [{ key: '', value: '' }] }
    case 'sms':
      return { type, templateId: '', params: [''], fallbackOnly: true }
  }
}

const text = (value: number | null) => (value === null ? '' : String(value))

export function formFromCampaign(campaign: Campaign): CampaignForm {
  const { schedule } = campaign
  return {
    name: campaign.name,
    segmentId: campaign.segmentId,
    actions: campaign.actions.map((action): ActionForm => {
      switch (action.type) {
        case 'coupon':
          return { type: 'coupon', templateId: action.templateId, quantity: String(action.quantity) }
        case 'points':
          return { type: 'points', points: String(action.points), reason: action.reason }
        case 'message':
          return { type: 'message', channel: action.channel, templateId: action.templateId, data: Object.entries(action.data).map(([key, value]) => ({ key, value })) }
        case 'sms':
          return { type: 'sms', templateId: action.templateId, params: action.params, fallbackOnly: action.fallbackOnly }
      }
    }),
    scheduleType: schedule.type,
    at: schedule.type === 'at' ? chinaDateTime(new Date(schedule.at)) : '',
    day: schedule.type === 'monthly' ? String(schedule.day) : '1',
    time: schedule.type === 'monthly' ? schedule.time : '10:00',
    holdoutPercent: String(campaign.holdoutPercent),
    maxCoupons: text(campaign.maxCoupons),
    frequencyCapDays: text(campaign.frequencyCapDays),
  }
}

/** A whole number as typed, else the text itself (for the API to refuse by name). */
function whole(typed: string): number {
  const trimmed = typed.trim()
  return (/^\d{1,12}$/.test(trimmed) ? Number(trimmed) : trimmed) as number
}

const optionalWhole = (typed: string) => (typed.trim() ? whole(typed) : null)

/** "2026-12-01 10:00" (Shanghai) as the ISO time the API takes; anything else as typed. */
export function shanghaiIso(typed: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})$/.exec(typed.trim())
  return match ? `${match[1]}T${match[2].padStart(2, '0')}:${match[3]}:00+08:00` : typed.trim()
}

export function bodyFromForm(form: CampaignForm): CreateCampaignRequest {
  return {
    name: form.name,
    segmentId: form.segmentId,
    actions: form.actions.map((action) => {
      switch (action.type) {
        case 'coupon':
          return { type: 'coupon', templateId: action.templateId, quantity: whole(action.quantity) }
        case 'points':
          return { type: 'points', points: whole(action.points), reason: action.reason }
        case 'message':
          return { type: 'message', channel: action.channel, templateId: action.templateId, data: Object.fromEntries(action.data.filter((row) => row.key.trim()).map((row) => [row.key.trim(), row.value])) }
        case 'sms':
          return { type: 'sms', templateId: action.templateId, params: action.params, fallbackOnly: action.fallbackOnly }
      }
    }),
    schedule:
      form.scheduleType === 'now'
        ? { type: 'now' }
        : form.scheduleType === 'at'
          ? { type: 'at', at: shanghaiIso(form.at) }
          : { type: 'monthly', day: whole(form.day), time: form.time.trim() },
    holdoutPercent: whole(form.holdoutPercent),
    maxCoupons: optionalWhole(form.maxCoupons),
    frequencyCapDays: optionalWhole(form.frequencyCapDays),
  }
}

/** Every field of the form a 400 may name, for the form as it is now (its actions, their keys). */
export function campaignFields(form: CampaignForm): string[] {
  const fields = ['name', 'segmentId', 'actions', 'schedule', 'schedule.at', 'schedule.day', 'schedule.time', 'holdoutPercent', 'maxCoupons', 'frequencyCapDays']
  form.actions.forEach((action, i) => {
    const at = `actions.${i}`
    fields.push(at, `${at}.templateId`)
    if (action.type === 'coupon') fields.push(`${at}.quantity`)
    if (action.type === 'points') fields.push(`${at}.points`, `${at}.reason`)
    if (action.type === 'message') fields.push(`${at}.channel`, `${at}.data`, ...action.data.map((row) => `${at}.data.${row.key.trim()}`))
    if (action.type === 'sms') fields.push(`${at}.params`, `${at}.fallbackOnly`, ...action.params.map((_, j) => `${at}.params.${j}`))
  })
  return fields
}
