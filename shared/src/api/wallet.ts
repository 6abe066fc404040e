import { z } from 'zod';
import { RECHARGE_REFUND_STATUSES, RECHARGE_STATUSES } from '../domain/state-machines';
import { requestIdSchema } from './coupons';
import { amountFenSchema } from './fields';

/*
 * Stored value (储值): recharge packages (HQ), recharging with WeChat Pay (members), the balance
 * and its ledger, refunds of unused principal, and the daily reconciliation with WeChat Pay.
 */

const businessDate = (what: string) => z.string({ error: `请填写${what}` }).regex(/^\d{4}-\d{2}-\d{2}$/, `${what}格式应为 YYYY-MM-DD`);

export const RECHARGE_PACKAGE_STATUSES = ['active', 'paused'] as const;
export type RechargePackageStatus = (typeof RECHARGE_PACKAGE_STATUSES)[number];

const packageFields = {
  name: z.string({ error: '请填写套餐名称' }).trim().min(1, '请填写套餐名称').max(40, '套餐名称不能超过 40 个字'),
  /** What the member pays with WeChat Pay: credited as principal. */
  payFen: amountFenSchema('充值金额'),
  /** What the brand adds on top: credited as bonus (0 for none). */
  bonusFen: amountFenSchema('赠送金额', 0),
  /** Business days (Asia/Shanghai) the package is offered, inclusive; always when left out. */
  validFrom: businessDate('开始日期').optional(),
  validTo: businessDate('结束日期').optional(),
  /** How many times one member may buy it; unlimited when left out. */
  perMemberLimit: z.number({ error: '每人限购应为整数' }).int('每人限购应为整数').min(1, '每人限购至少 1 次').max(1000, '每人限购不能超过 1000 次').optional(),
  description: z.string().trim().max(200, '说明不能超过 200 字').optional(),
};

const checkWindow = (p: { validFrom?: string; validTo?: string }, ctx: z.RefinementCtx) => {
  if (p.validFrom && p.validTo && p.validFrom > p.validTo) ctx.addIssue({ code: 'custom', path: ['validTo'], message: '结束日期不能早于开始日期' });
};

export const createRechargePackageRequestSchema = z.object(packageFields).strict().superRefine(checkWindow);
export type CreateRechargePackageRequest = z.infer<typeof createRechargePackageRequestSchema>;

export const updateRechargePackageRequestSchema = z
  .object({ ...packageFields, status: z.enum(RECHARGE_PACKAGE_STATUSES, { error: '状态应为 active 或 paused' }) })
  .strict()
  .superRefine(checkWindow);
export type UpdateRechargePackageRequest = z.infer<typeof updateRechargePackageRequestSchema>;

export const rechargePackageSchema = z.object({
  id: z.string(),
  name: z.string(),
  payFen: z.number().int(),
  bonusFen: z.number().int(),
  /** "充500送50". */
  label: z.string(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  perMemberLimit: z.number().int().nullable(),
  description: z.string().nullable(),
  status: z.enum(RECHARGE_PACKAGE_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RechargePackage = z.infer<typeof rechargePackageSchema>;

/** A package as offered to one member. */
export const rechargeOfferSchema = rechargePackageSchema
  .pick({ id: true, name: true, payFen: true, bonusFen: true, label: true, validTo: true, perMemberLimit: true, description: true })
  .extend({
    /** How many more times this member may buy it; null when unlimited. */
    timesLeft: z.number().int().nullable(),
    available: z.boolean(),
    unavailableReason: z.string().nullable(),
  });
export type RechargeOffer = z.infer<typeof rechargeOfferSchema>;

export const rechargeOffersSchema = z.object({
  balanceFen: z.number().int(),
  packages: z.array(rechargeOfferSchema),
});
export type RechargeOffers = z.infer<typeof rechargeOffersSchema>;

export const createRechargeOrderRequestSchema = z
  .object({
    packageId: z.string({ error: '请选择充值套餐' }).trim().min(1, '请选择充值套餐').max(36),
  })
  .strict();
export type CreateRechargeOrderRequest = z.infer<typeof createRechargeOrderRequestSchema>;

/** What wx.requestPayment takes (WeChat Pay API v3, JSAPI / mini-program), signed with the merchant key. */
export const payParamsSchema = z.object({
  timeStamp: z.string(),
  nonceStr: z.string(),
  /** "prepay_id=…" */
  package: z.string(),
  signType: z.literal('RSA'),
  paySign: z.string(),
});
export type PayParams = z.infer<typeof payParamsSchema>;

/** The latest refund of a recharge as its member reads it on the order: what was asked, and where it stands. */
export const rechargeOrderRefundSchema = z.object({
  status: z.enum(RECHARGE_REFUND_STATUSES),
  principalFen: z.number().int(),
  bonusForfeitFen: z.number().int(),
  /** Why a manager said no; null otherwise. */
  rejectReason: z.string().nullable(),
  requestedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type RechargeOrderRefund = z.infer<typeof rechargeOrderRefundSchema>;

export const rechargeOrderSchema = z.object({
  /** Our order number: WeChat Pay's out_trade_no. */
  orderNo: z.string(),
  packageId: z.string(),
  packageName: z.string(),
  label: z.string(),
  payFen: z.number().int(),
  bonusFen: z.number().int(),
  status: z.enum(RECHARGE_STATUSES),
  /** WeChat Pay's transaction id once paid. */
  transactionId: z.string().nullable(),
  paidAt: z.string().nullable(),
  /** Principal given back so far, and the bonus forfeited with it. */
  refundedFen: z.number().int(),
  bonusForfeitedFen: z.number().int(),
  /** Principal of this recharge that a refund could still give back now (0 once spent). */
  refundableFen: z.number().int(),
  /** The member's balance now (principal + bonus). */
  balanceFen: z.number().int(),
  /** The latest refund of this recharge (the member's request or HQ's), null when there is none. */
  latestRefund: rechargeOrderRefundSchema.nullable(),
  createdAt: z.string(),
});
export type RechargeOrder = z.infer<typeof rechargeOrderSchema>;

export const createdRechargeOrderSchema = z.object({
  orderNo: z.string(),
  order: rechargeOrderSchema,
  /** Hand these to wx.requestPayment (the H5 build asks the sandbox to pay instead). */
  payParams: payParamsSchema,
});
export type CreatedRechargeOrder = z.infer<typeof createdRechargeOrderSchema>;

export const WALLET_ENTRY_KINDS = ['recharge', 'recharge_bonus', 'pay', 'pay_return', 'refund', 'bonus_forfeit', 'refund_hold_return', 'adjust'] as const;
export type WalletEntryKind = (typeof WALLET_ENTRY_KINDS)[number];

export const WALLET_ENTRY_NAMES: Record<WalletEntryKind, string> = {
  recharge: '充值',
  recharge_bonus: '充值赠送',
  pay: '储值消费',
  pay_return: '退货退回',
  refund: '充值退款',
  bonus_forfeit: '赠送金扣回',
  refund_hold_return: '退款失败退回',
  adjust: '人工调整',
};

/** One movement of the balance as the member reads it: principal and bonus parts of one event together. */
export const walletEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(WALLET_ENTRY_KINDS),
  kindName: z.string(),
  /** Signed, in fen. */
  principalFen: z.number().int(),
  bonusFen: z.number().int(),
  totalFen: z.number().int(),
  /** Principal + bonus right after it. */
  balanceAfterFen: z.number().int(),
  /** "充500送50", "人民路店 消费 ¥35.00". */
  reason: z.string(),
  createdAt: z.string(),
});
export type WalletEntry = z.infer<typeof walletEntrySchema>;

export const walletQuerySchema = z
  .object({
    /** The `nextBefore` of the previous page. */
    before: z.string().trim().max(128).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type WalletQuery = z.infer<typeof walletQuerySchema>;

export const walletSchema = z.object({
  balanceFen: z.number().int(),
  principalFen: z.number().int(),
  bonusFen: z.number().int(),
  /** "储值消费先扣本金，再扣赠送金；赠送金不可退" */
  rules: z.array(z.string()),
  entries: z.array(walletEntrySchema),
  nextBefore: z.string().nullable(),
});
export type Wallet = z.infer<typeof walletSchema>;

export const memberRechargeOrdersSchema = z.object({ orders: z.array(rechargeOrderSchema) });
export type MemberRechargeOrders = z.infer<typeof memberRechargeOrdersSchema>;

export const requestRechargeRefundSchema = z
  .object({
    reason: z.string({ error: '请填写退款原因' }).trim().min(2, '请填写退款原因（至少 2 个字）').max(200, '退款原因不能超过 200 字'),
  })
  .strict();
export type RequestRechargeRefund = z.infer<typeof requestRechargeRefundSchema>;

export const rechargeRefundSchema = z.object({
  id: z.string(),
  orderNo: z.string(),
  /** WeChat Pay's out_refund_no: stable for this refund, so a retried call refunds once. */
  refundNo: z.string(),
  /** Principal asked back (fixed when approved: what was unused then). */
  principalFen: z.number().int(),
  bonusForfeitFen: z.number().int(),
  status: z.enum(RECHARGE_REFUND_STATUSES),
  reason: z.string(),
  memberNo: z.string(),
  memberPhone: z.string(),
  decidedBy: z.string().nullable(),
  rejectReason: z.string().nullable(),
  requestedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type RechargeRefund = z.infer<typeof rechargeRefundSchema>;

export const listRechargeRefundsQuerySchema = z
  .object({
    status: z.enum(RECHARGE_REFUND_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();
export type ListRechargeRefundsQuery = z.infer<typeof listRechargeRefundsQuerySchema>;

export const decideRechargeRefundSchema = z
  .object({
    approve: z.boolean({ error: '请选择同意或拒绝（approve）' }),
    /** Required when rejecting: what the member reads. */
    reason: z.string().trim().max(200, '原因不能超过 200 字').optional(),
  })
  .strict()
  .refine((d) => d.approve || (d.reason ?? '').length >= 2, { path: ['reason'], message: '拒绝时请填写原因（至少 2 个字）' });
export type DecideRechargeRefund = z.infer<typeof decideRechargeRefundSchema>;

/** HQ refunds a recharge directly (a complaint, a closed store): no member request needed. */
export const hqRechargeRefundSchema = z
  .object({
    requestId: requestIdSchema,
    reason: z.string({ error: '请填写退款原因' }).trim().min(2, '请填写退款原因（至少 2 个字）').max(200, '退款原因不能超过 200 字'),
  })
  .strict();
export type HqRechargeRefund = z.infer<typeof hqRechargeRefundSchema>;

export const reconciliationQuerySchema = z.object({ date: businessDate('对账日期').optional() }).strict();
export type WalletReconciliationQuery = z.infer<typeof reconciliationQuerySchema>;

export const walletReconciliationSchema = z.object({
  /** The business day (Asia/Shanghai) reconciled. */
  date: z.string(),
  /** Recharges paid that day in our books and at WeChat Pay. */
  localPaidCount: z.number().int(),
  localPaidFen: z.number().int(),
  remotePaidCount: z.number().int(),
  remotePaidFen: z.number().int(),
  mismatches: z.array(
    z.object({
      orderNo: z.string(),
      /** "本地已支付，微信支付未支付", "金额不一致"… */
      problem: z.string(),
      localStatus: z.string().nullable(),
      remoteState: z.string().nullable(),
    }),
  ),
  checkedAt: z.string(),
});
export type WalletReconciliation = z.infer<typeof walletReconciliationSchema>;
