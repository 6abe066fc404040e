import { describe, expect, it } from '@jest/globals'
import type { MemberMessageKind, NotificationKind } from '@wemember/shared'
import { deliveryText, nextSubscribeBatch, subscribeCandidates } from './subscribe-batch'

function kind(name: NotificationKind, over: Partial<MemberMessageKind> = {}): MemberMessageKind {
  return { kind: name, label: name, enabled: true, channel: null, subscribeTemplateId: `T-${name}`, credits: 0, ...over }
}

const ALL: MemberMessageKind[] = [
  kind('birthday'),
  kind('tier_changed'),
  kind('coupon_expiring'),
  kind('points_expiring'),
  kind('coupon_received'),
  kind('balance_changed'),
  kind('points_changed'),
]

describe('subscribeCandidates', () => {
  it('puts points and balance first, greetings last', () => {
    expect(subscribeCandidates(ALL)).toEqual([
      'T-points_changed',
      'T-balance_changed',
      'T-coupon_received',
      'T-points_expiring',
      'T-coupon_expiring',
      'T-tier_changed',
      'T-birthday',
    ])
  })

  it('leaves out kinds turned off, without a template, or reaching the member through the official account', () => {
    const kinds = [
      kind('points_changed', { enabled: false }),
      kind('balance_changed', { subscribeTemplateId: null }),
      kind('coupon_received', { channel: 'official_account' }),
      kind('birthday'),
    ]
    expect(subscribeCandidates(kinds)).toEqual(['T-birthday'])
  })

  it('asks for a template two kinds share once', () => {
    const kinds = [kind('points_changed', { subscribeTemplateId: 'SHARED' }), kind('points_expiring', { subscribeTemplateId: 'SHARED' }), kind('tier_changed')]
    expect(subscribeCandidates(kinds)).toEqual(['SHARED', 'T-tier_changed'])
  })

  it('asks first for kinds with no sends left', () => {
    const kinds = [kind('points_changed', { channel: 'subscribe', credits: 2 }), kind('balance_changed'), kind('birthday')]
    expect(subscribeCandidates(kinds)).toEqual(['T-balance_changed', 'T-birthday', 'T-points_changed'])
  })

  it('keeps to the kinds a moment is about', () => {
    expect(subscribeCandidates(ALL, ['balance_changed', 'points_changed'])).toEqual(['T-points_changed', 'T-balance_changed'])
  })
})

describe('nextSubscribeBatch', () => {
  const ids = subscribeCandidates(ALL)

  it('asks for at most three, then the rest, one batch per tap', () => {
    const first = nextSubscribeBatch(ids, new Set(), 3)
    expect(first).toEqual({ templateIds: ['T-points_changed', 'T-balance_changed', 'T-coupon_received'], remaining: 4 })
    const second = nextSubscribeBatch(ids, new Set(first.templateIds), 3)
    expect(second).toEqual({ templateIds: ['T-points_expiring', 'T-coupon_expiring', 'T-tier_changed'], remaining: 1 })
    const third = nextSubscribeBatch(ids, new Set([...first.templateIds, ...second.templateIds]), 3)
    expect(third).toEqual({ templateIds: ['T-birthday'], remaining: 0 })
  })

  it('never asks for more than WeChat shows, whatever the server says', () => {
    expect(nextSubscribeBatch(ids, new Set(), 5).templateIds).toHaveLength(3)
    expect(nextSubscribeBatch(ids, new Set(), 2).templateIds).toHaveLength(2)
    expect(nextSubscribeBatch(ids, new Set(), 0).templateIds).toHaveLength(1)
  })

  it('starts over once every template has been asked for', () => {
    expect(nextSubscribeBatch(['A', 'B'], new Set(['A', 'B']), 3)).toEqual({ templateIds: ['A', 'B'], remaining: 0 })
  })

  it('asks for nothing when there is nothing to ask for', () => {
    expect(nextSubscribeBatch([], new Set(), 3)).toEqual({ templateIds: [], remaining: 0 })
  })
})

describe('deliveryText', () => {
  it('says how the kind reaches the member now', () => {
    expect(deliveryText({ enabled: true, channel: 'official_account', credits: 0 })).toBe('公众号通知')
    expect(deliveryText({ enabled: true, channel: 'subscribe', credits: 1 })).toBe('订阅消息 · 剩 1 次')
    expect(deliveryText({ enabled: true, channel: null, credits: 0 })).toBe('未开启提醒')
    expect(deliveryText({ enabled: false, channel: 'subscribe', credits: 3 })).toBe('已关闭')
  })
})
