import { useState } from 'react'
import { useDidShow, useReachBottom } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import type { PointEntry, PointsOverview } from '@wemember/shared'
import { chinaDateLabel, chinaDateTime } from '@wemember/shared/china-time'
import { formatCount } from '@wemember/shared/money'
import { getMemberPoints } from '../../services/api'
import { errorMessage } from '../../services/error-message'
import { signedCount } from '../../services/format'
import { useLedgerPages } from '../../services/ledger-pages'
import { leaveIfSignedOut, openCouponPage, requireMember } from '../../services/navigation'
import './index.scss'

const PAGE_SIZE = 20

/** +1,280 for points in, −500 (a true minus sign) for points out. */
function signedPoints(delta: number): string {
  return signedCount(delta, formatCount)
}

function LedgerRow({ entry }: { entry: PointEntry }) {
  return (
    <View className='points-entry'>
      <View className='points-entry__main'>
        <Text className='points-entry__kind'>{entry.kindName}</Text>
        <Text className='points-entry__reason'>{entry.reason}</Text>
        <Text className='points-entry__time'>{chinaDateTime(new Date(entry.createdAt))}</Text>
      </View>
      <View className='points-entry__side'>
        <Text className={`points-entry-delta points-entry-delta--${entry.delta < 0 ? 'out' : 'in'}`}>{signedPoints(entry.delta)}</Text>
        <Text className='points-entry__balance'>结余 {formatCount(entry.balanceAfter)}</Text>
      </View>
    </View>
  )
}

export default function PointsPage() {
  const [overview, setOverview] = useState<PointsOverview | null>(null)
  const [error, setError] = useState('')

  function fail(failure: unknown) {
    if (!leaveIfSignedOut(failure)) setError(errorMessage(failure))
  }

  const { entries, nextBefore, loadingMore, load: loadPages, loadMore } = useLedgerPages<PointsOverview>((before) => getMemberPoints({ before, limit: PAGE_SIZE }), fail)

  async function load() {
    const first = await loadPages()
    if (!first) return
    setOverview(first)
    setError('')
  }

  // Reloaded whenever the page comes back into view: a purchase may have just added points.
  useDidShow(() => {
    if (requireMember()) load()
  })
  useReachBottom(loadMore)

  const expiring = overview?.expiring

  return (
    <View className='points-page'>
      <View className='points-summary'>
        <Text className='points-summary__label'>可用积分</Text>
        {overview ? <Text className='points-balance'>{formatCount(overview.balance)}</Text> : <View className='skeleton skeleton--light points-skeleton' />}
        {expiring && (
          <Text className={`points-expiring${overview.expiringSoon ? ' points-expiring--soon' : ''}`}>
            {formatCount(expiring.points)} 积分将于 {chinaDateLabel(expiring.date)} 过期
          </Text>
        )}
        {overview && <Text className='points-rule'>积分抵现：{overview.redeemRule}</Text>}
      </View>

      <View className='points-links'>
        <View className='points-link points-link-mall' onClick={() => openCouponPage('mall')}>
          <Text className='points-link__title'>积分商城</Text>
          <Text className='points-link__hint'>积分兑好券、换礼品 ›</Text>
        </View>
        <View className='points-link points-link-exchanges' onClick={() => openCouponPage('exchanges')}>
          <Text className='points-link__title'>兑换记录</Text>
          <Text className='points-link__hint'>查看兑换的券 ›</Text>
        </View>
      </View>

      {error && <View className='points-error'>{error}</View>}

      <View className='points-ledger'>
        <Text className='points-ledger__title'>积分明细</Text>
        {overview && entries.length === 0 && (
          <View className='points-empty'>
            <Text className='points-empty__title'>还没有积分记录</Text>
            <Text className='points-empty__hint'>结账时出示会员卡上的会员码，消费即可累积积分</Text>
          </View>
        )}
        {entries.map((entry) => (
          <LedgerRow key={entry.id} entry={entry} />
        ))}
        {nextBefore !== null && (
          <Button className='points-more' loading={loadingMore} disabled={loadingMore} onClick={loadMore}>
            加载更多
          </Button>
        )}
        {overview && entries.length > 0 && nextBefore === null && <Text className='points-end'>没有更多记录了</Text>}
      </View>
    </View>
  )
}
