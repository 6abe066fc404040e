import type { RechargeRefundStatus, RechargeStatus } from '@wemember/shared/state-machines'

/** A recharge's status as the shopper reads it in 充值记录. */
export const RECHARGE_STATUS_NAMES: Record<RechargeStatus, string> = {
  created: '待支付',
  paying: '待支付',
  paid: '已到账',
  partially_refunded: '部分退款',
  closed: '已关闭',
  refunded: '已退款',
}

/** A refund request's status as the shopper reads it. */
export const REFUND_STATUS_NAMES: Record<RechargeRefundStatus, string> = {
  requested: '退款申请已提交，等待门店审核',
  processing: '退款处理中，将原路退回微信',
  rejected: '退款申请未通过',
  succeeded: '已退款，原路退回微信',
  failed: '退款失败，金额已退回余额',
}
