import { describe, expect, it } from '@jest/globals'
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- a unit test, never bundled: it checks the forms against the API's own schemas
import { createCampaignRequestSchema, segmentFilterSchema, type Campaign, type SegmentFilter } from '@wemember/shared'
import { bodyFromForm, campaignFields, formFromCampaign, NEW_CAMPAIGN, shanghaiIso, type CampaignForm } from './campaign-form'
import { EMPTY_FORM, filterFromForm, formFromFilter } from './segment-form'

describe('segment builder form', () => {
  it('makes no criterion of an empty form: every member', () => {
    expect(filterFromForm(EMPTY_FORM)).toEqual({ filter: {}, problems: {} })
  })

  it('gives back the filter it was filled from, which the API accepts', () => {
    const filter: SegmentFilter = {
      stages: ['lapsed'],
      stageChangedFrom: 'active',
      stageChangedTo: 'lapsed',
      stageChangedWithinDays: 30,
      rScores: [1, 2],
      classes: ['A'],
      tiers: ['gold', 'diamond'],
      storeIds: ['s1'],
      lastPurchaseDaysMin: 90,
      lastPurchaseDaysMax: 180,
      joinedFrom: '2026-01-01',
      birthdayMonths: [6],
      pointsMin: 0,
      usedCoupon: false,
      couponsUsedWithinDays: 60,
      followsOfficialAccount: true,
      marketingAllowed: false,
    }
    const { filter: made, problems } = filterFromForm(formFromFilter(filter))
    expect(problems).toEqual({})
    expect(made).toEqual(filter)
    expect(segmentFilterSchema.parse(made)).toEqual(filter)
  })

  it('names a typed number or date that is not one by the field the API would name', () => {
    const { filter, problems } = filterFromForm({ ...EMPTY_FORM, pointsMin: '1.5', lastPurchaseDaysMax: ' 30 ', joinedTo: '2026/01/31' })
    expect(filter).toEqual({ lastPurchaseDaysMax: 30 })
    expect(problems).toEqual({ 'filter.pointsMin': '请输入整数', 'filter.joinedTo': '日期格式应为 2026-01-31' })
  })
})

describe('campaign editor form', () => {
  const filled: CampaignForm = {
    ...NEW_CAMPAIGN,
    name: '金卡回归礼',
    segmentId: 'seg-1',
    actions: [
      { type: 'coupon', templateId: 'tpl-1', quantity: '2' },
      { type: 'points', points: '50', reason: '回归礼' },
      { type: 'message', channel: 'subscribe', templateId: 'sub-1', data: [{ key: ' thing1 ', value: '{tierName}回归礼' }, { key: '', value: 'left out' }] },
      { type: 'sms', templateId: '1234567', params: ['{memberNo}'], fallbackOnly: true },
    ],
    scheduleType: 'at',
    at: '2026-12-01 9:30',
    holdoutPercent: '10',
    maxCoupons: '500',
  }

  it('sends what the API accepts, a Shanghai time as an ISO time with its offset, empty limits as none', () => {
    const body = bodyFromForm(filled)
    expect(body).toEqual({
      name: '金卡回归礼',
      segmentId: 'seg-1',
      actions: [
        { type: 'coupon', templateId: 'tpl-1', quantity: 2 },
        { type: 'points', points: 50, reason: '回归礼' },
        { type: 'message', channel: 'subscribe', templateId: 'sub-1', data: { thing1: '{tierName}回归礼' } },
        { type: 'sms', templateId: '1234567', params: ['{memberNo}'], fallbackOnly: true },
      ],
      schedule: { type: 'at', at: '2026-12-01T09:30:00+08:00' },
      holdoutPercent: 10,
      maxCoupons: 500,
      frequencyCapDays: null,
    })
    expect(createCampaignRequestSchema.safeParse(body).success).toBe(true)
  })

  it('sends a number that is not one as typed, for the API to refuse by name', () => {
    const refused = createCampaignRequestSchema.safeParse(bodyFromForm({ ...filled, holdoutPercent: '十' }))
    expect(refused.success).toBe(false)
    expect(refused.error!.issues.map((i) => i.path.join('.'))).toEqual(['holdoutPercent'])
    expect(shanghaiIso('明天上午')).toBe('明天上午')
  })

  it('reads a saved campaign back into the form it came from', () => {
    const body = bodyFromForm(filled)
    const saved = { ...body, id: 'c1', couponsSpent: 0, status: 'draft', pausedReason: null, nextRunAt: null, version: 1, createdAt: '', updatedAt: '', updatedBy: null } as unknown as Campaign
    expect(bodyFromForm(formFromCampaign(saved))).toEqual(body)
  })

  it('lists every field a 400 may name, down to a message key and an SMS variable', () => {
    expect(campaignFields(filled)).toEqual(
      expect.arrayContaining(['holdoutPercent', 'schedule.at', 'actions.0.quantity', 'actions.1.reason', 'actions.2.data.thing1', 'actions.3.params.0']),
    )
  })
})
