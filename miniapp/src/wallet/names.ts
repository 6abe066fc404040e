import type { RechargeOrderRefund } from '@wemember/shared'
import { formatYuan } from '@wemember/shared/money'
import type { RechargeStatus } from '@wemember/shared/state-machines'

/** A recharge's status as the shopper reads it in 充值记录. */
export const RECHARGE_STATUS_NAMES: Record<RechargeStatus, string> = {
  created: '未支付',
  paying: '未支付',
  paid: '已到账',
  partially_refunded: '部分退款',
  closed: '已关闭',
  refunded: '已退款',
}

/** Where the latest refund of a recharge stands, as the shopper reads it. */
export function refundStatusText(refund: RechargeOrderRefund): string {
  const principal = formatYuan(refund.principalFen)
  switch (refund.status) {
    case 'requested':
      return `退款申请已提交（本金 ${principal}），等待门店审核`
    case 'processing':
      return `退款处理中：本金 ${principal} 将原路退回微信`
    case 'rejected':
      return `退款申请未通过：${refund.rejectReason ?? '请咨询门店'}`
    case 'succeeded':
      return `已退款：本金 ${principal} 已原路退回微信`
    case 'failed':
      return '退款未成功，金额已回到余额，可重新申请'
  }
}

/** A refund still being decided or paid out: no second one may be asked for meanwhile. */
export function refundOpen(refund: RechargeOrderRefund | null): boolean {
  return refund?.status === 'requested' || refund?.status === 'processing'
}
