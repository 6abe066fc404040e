import type { LifecycleStage, RfmClass, SegmentFilter, TierCode } from '@wemember/shared'

/*
 * The segment builder's form: what the marketer has chosen and typed, and the filter it makes.
 * Typed numbers and dates stay text until they read as one; a criterion left empty is left out
 * of the filter (the API reads a missing criterion as "any").
 */

export type Flag = boolean | undefined

export interface FilterForm {
  stages: LifecycleStage[]
  stageChangedFrom?: LifecycleStage
  stageChangedTo?: LifecycleStage
  stageChangedWithinDays: string
  rScores: number[]
  fScores: number[]
  mScores: number[]
  classes: RfmClass[]
  tiers: TierCode[]
  storeIds: string[]
  regionIds: string[]
  lastPurchaseDaysMin: string
  lastPurchaseDaysMax: string
  joinedFrom: string
  joinedTo: string
  birthdayMonths: number[]
  pointsMin: string
  pointsMax: string
  usedCoupon: Flag
  couponsUsedWithinDays: string
  hasUsableCoupon: Flag
  followsOfficialAccount: Flag
  hasSubscribeCredits: Flag
  /** false: every active card, consent or not (a campaign still reaches only those who consented). */
  marketingAllowed: boolean
}

export const EMPTY_FORM: FilterForm = {
  stages: [],
  stageChangedWithinDays: '',
  rScores: [],
  fScores: [],
  mScores: [],
  classes: [],
  tiers: [],
  storeIds: [],
  regionIds: [],
  lastPurchaseDaysMin: '',
  lastPurchaseDaysMax: '',
  joinedFrom: '',
  joinedTo: '',
  birthdayMonths: [],
  pointsMin: '',
  pointsMax: '',
  usedCoupon: undefined,
  couponsUsedWithinDays: '',
  hasUsableCoupon: undefined,
  followsOfficialAccount: undefined,
  hasSubscribeCredits: undefined,
  marketingAllowed: true,
}

const text = (value: number | undefined) => (value === undefined ? '' : String(value))

export function formFromFilter(filter: SegmentFilter): FilterForm {
  return {
    stages: filter.stages ?? [],
    stageChangedFrom: filter.stageChangedFrom,
    stageChangedTo: filter.stageChangedTo,
    stageChangedWithinDays: text(filter.stageChangedWithinDays),
    rScores: filter.rScores ?? [],
    fScores: filter.fScores ?? [],
    mScores: filter.mScores ?? [],
    classes: filter.classes ?? [],
    tiers: filter.tiers ?? [],
    storeIds: filter.storeIds ?? [],
    regionIds: filter.regionIds ?? [],
    lastPurchaseDaysMin: text(filter.lastPurchaseDaysMin),
    lastPurchaseDaysMax: text(filter.lastPurchaseDaysMax),
    joinedFrom: filter.joinedFrom ?? '',
    joinedTo: filter.joinedTo ?? '',
    birthdayMonths: filter.birthdayMonths ?? [],
    pointsMin: text(filter.pointsMin),
    pointsMax: text(filter.pointsMax),
    usedCoupon: filter.usedCoupon,
    couponsUsedWithinDays: text(filter.couponsUsedWithinDays),
    hasUsableCoupon: filter.hasUsableCoupon,
    followsOfficialAccount: filter.followsOfficialAccount,
    hasSubscribeCredits: filter.hasSubscribeCredits,
    marketingAllowed: filter.marketingAllowed ?? true,
  }
}

type NumberField = 'stageChangedWithinDays' | 'lastPurchaseDaysMin' | 'lastPurchaseDaysMax' | 'pointsMin' | 'pointsMax' | 'couponsUsedWithinDays'

/**
 * The filter the form makes, and what the form itself can tell is wrong (a number that is not
 * one, keyed by the filter's field as the API's 400 names it: `filter.pointsMin`). The rest (a
 * maximum under its minimum…) the preview's 400 says.
 */
export function filterFromForm(form: FilterForm): { filter: SegmentFilter; problems: Record<string, string> } {
  const filter: SegmentFilter = {}
  const problems: Record<string, string> = {}
  const lists = ['stages', 'rScores', 'fScores', 'mScores', 'classes', 'tiers', 'storeIds', 'regionIds', 'birthdayMonths'] as const
  for (const key of lists) if (form[key].length) Object.assign(filter, { [key]: form[key] })
  const numbers: NumberField[] = ['stageChangedWithinDays', 'lastPurchaseDaysMin', 'lastPurchaseDaysMax', 'pointsMin', 'pointsMax', 'couponsUsedWithinDays']
  for (const key of numbers) {
    const typed = form[key].trim()
    if (!typed) continue
    if (/^\d{1,10}$/.test(typed)) filter[key] = Number(typed)
    else problems[`filter.${key}`] = '请输入整数'
  }
  for (const key of ['joinedFrom', 'joinedTo'] as const) {
    const typed = form[key].trim()
    if (!typed) continue
    if (/^\d{4}-\d{2}-\d{2}$/.test(typed)) filter[key] = typed
    else problems[`filter.${key}`] = '日期格式应为 2026-01-31'
  }
  if (form.stageChangedFrom) filter.stageChangedFrom = form.stageChangedFrom
  if (form.stageChangedTo) filter.stageChangedTo = form.stageChangedTo
  for (const key of ['usedCoupon', 'hasUsableCoupon', 'followsOfficialAccount', 'hasSubscribeCredits'] as const) {
    if (form[key] !== undefined) filter[key] = form[key]
  }
  if (!form.marketingAllowed) filter.marketingAllowed = false
  return { filter, problems }
}

/** Every field of the builder a 400 may name (so its message shows beside it). */
export const FILTER_FIELDS = [
  'name',
  ...[
    'stages',
    'stageChangedFrom',
    'stageChangedTo',
    'stageChangedWithinDays',
    'rScores',
    'fScores',
    'mScores',
    'classes',
    'tiers',
    'storeIds',
    'regionIds',
    'lastPurchaseDaysMin',
    'lastPurchaseDaysMax',
    'joinedFrom',
    'joinedTo',
    'birthdayMonths',
    'pointsMin',
    'pointsMax',
    'usedCoupon',
    'couponsUsedWithinDays',
    'hasUsableCoupon',
    'followsOfficialAccount',
    'hasSubscribeCredits',
    'marketingAllowed',
  ].map((key) => `filter.${key}`),
]
