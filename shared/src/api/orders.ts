import { z } from 'zod';
import { normalizeCouponCode } from '../coupon-code';
import { ORDER_STATUSES } from '../domain/state-machines';
import { TIER_CODES } from '../domain/tiers';
import { MEMBER_CODE } from '../member-code';
import { MAX_FEN } from '../money';
import { couponCodeFieldSchema, orderCouponSchema } from './coupons';
import { amountFenSchema } from './fields';

export { amountFenSchema } from './fields';

/** A till's or POS system's own number for a purchase or refund: the idempotency key. */
const idempotencyKey = (what: string) =>
  z
    .string({ error: `请提供${what}` })
    .trim()
    .min(1, `请提供${what}`)
    .max(64, `${what}不能超过 64 个字符`)
    .regex(/^[A-Za-z0-9_.:-]+$/, `${what}只能包含字母、数字和 _ . : -`);

export const orderItemSchema = z
  .object({
    sku: z.string().trim().max(64).optional(),
    name: z.string().trim().max(64).optional(),
    /** Categories listed in the brand's rules (tobacco, lottery…) earn no points and get no discount. */
    category: z.string().trim().min(1).max(32).optional(),
    quantity: z.number().int().min(1).max(100_000).optional(),
    amountFen: amountFenSchema('商品金额', 0),
  })
  .strict();
export type OrderItem = z.infer<typeof orderItemSchema>;

const memberCodeField = z
  .string({ error: '请扫描顾客的会员码' })
  .trim()
  .regex(MEMBER_CODE, '会员码应为 20 位数字');

const purchaseFields = {
  memberCode: memberCodeField,
  amountFen: amountFenSchema('订单金额'),
  items: z.array(orderItemSchema).min(1, '商品明细不能为空').max(200, '商品明细最多 200 行').optional(),
  pointsToRedeem: z
    .number({ error: '抵扣积分应为整数' })
    .int('抵扣积分应为整数')
    .min(0, '抵扣积分不能为负数')
    .max(MAX_FEN, '抵扣积分过大')
    .optional(),
  /**
   * Paid from the member's stored value (principal first, then bonus), in fen: at most what is left
   * to pay after the discounts and points. Needs a member code that has not paid before.
   */
  balanceFen: amountFenSchema('储值支付金额', 0).optional(),
  /** Staff who manage several stores say which till they record for; clerks and POS keys have one. */
  storeId: z.string().trim().min(1).max(36).optional(),
  /**
   * The member's coupons to use (scanned or typed): at most one that takes money off (满减 or 折扣)
   * and any gift coupons. Locked while the purchase is recorded, redeemed with it, released if it fails.
   */
  couponCodes: z
    .array(couponCodeFieldSchema)
    .max(5, '每单最多使用 5 张券')
    .refine((codes) => new Set(codes.map((c) => normalizeCouponCode(c) ?? c)).size === codes.length, '同一张券不能重复使用')
    .optional(),
};

export const orderQuoteRequestSchema = z.object(purchaseFields).strict();
export type OrderQuoteRequest = z.infer<typeof orderQuoteRequestSchema>;

export const createOrderRequestSchema = z
  .object({
    ...purchaseFields,
    externalNo: idempotencyKey('小票号（externalNo）'),
    /** The POS's printed receipt number, when it differs from externalNo; searchable at the till and shown on the e-receipt. */
    receiptNo: z.string().trim().min(1, '小票号不能为空').max(32, '小票号不能超过 32 个字符').optional(),
  })
  .strict();
export type CreateOrderRequest = z.infer<typeof createOrderRequestSchema>;

export const orderQuoteSchema = z.object({
  memberNo: z.string(),
  tier: z.enum(TIER_CODES),
  tierName: z.string(),
  pointsBalance: z.number().int(),
  amountFen: z.number().int(),
  discountFen: z.number().int(),
  /** What the coupons take off (after the member discount). */
  couponDiscountFen: z.number().int(),
  coupons: z.array(orderCouponSchema),
  pointsRedeemed: z.number().int(),
  pointsDeductFen: z.number().int(),
  maxRedeemPoints: z.number().int(),
  /** The member's stored value (principal + bonus) before this purchase. */
  balanceFen: z.number().int(),
  /** Paid from stored value: part of payableFen. */
  balancePaidFen: z.number().int(),
  payableFen: z.number().int(),
  pointsEarned: z.number().int(),
  growthEarned: z.number().int(),
  /** Why the points are what they are, e.g. ["金卡 1.5 倍", "会员日 2 倍"]. */
  earningNotes: z.array(z.string()),
});
export type OrderQuote = z.infer<typeof orderQuoteSchema>;

/** One earlier refund of an order, as the till lists them. */
export const orderRefundLineSchema = z.object({
  id: z.string(),
  refundNo: z.string(),
  amountFen: z.number().int(),
  refundFen: z.number().int(),
  pointsReversed: z.number().int(),
  pointsReturned: z.number().int(),
  pointsChargedBack: z.number().int(),
  chargebackFen: z.number().int(),
  reason: z.string().nullable(),
  createdAt: z.string(),
});
export type OrderRefundLine = z.infer<typeof orderRefundLineSchema>;

export const orderSchema = z.object({
  id: z.string(),
  externalNo: z.string(),
  /** The POS's printed receipt number, null when the till sent none. */
  receiptNo: z.string().nullable(),
  storeId: z.string(),
  storeName: z.string(),
  memberNo: z.string(),
  memberPhone: z.string(),
  amountFen: z.number().int(),
  discountFen: z.number().int(),
  couponDiscountFen: z.number().int(),
  /** The coupons the purchase used (they go back to the member if it is refunded in full while still valid). */
  coupons: z.array(orderCouponSchema),
  pointsRedeemed: z.number().int(),
  pointsDeductFen: z.number().int(),
  payableFen: z.number().int(),
  /** Paid from stored value: part of payableFen (the rest in cash or other tender). */
  balancePaidFen: z.number().int(),
  pointsEarned: z.number().int(),
  growthEarned: z.number().int(),
  tierBefore: z.enum(TIER_CODES),
  tierAfter: z.enum(TIER_CODES),
  tierAfterName: z.string(),
  earningNotes: z.array(z.string()),
  items: z.array(orderItemSchema),
  /** Goods value refunded so far. */
  refundedFen: z.number().int(),
  /** Money given back so far (goods value less charge-backs): the sum of the refunds' refundFen. */
  refundedMoneyFen: z.number().int(),
  /** Goods value that can still be refunded. */
  refundableFen: z.number().int(),
  /** The order's refunds so far, oldest first. */
  refunds: z.array(orderRefundLineSchema),
  status: z.enum(ORDER_STATUSES),
  createdAt: z.string(),
  /** True when this answer is the replay of an earlier request with the same externalNo. */
  replayed: z.boolean(),
});
export type Order = z.infer<typeof orderSchema>;

export const listOrdersQuerySchema = z
  .object({
    externalNo: z.string().trim().max(64).optional(),
    /** Receipt number (externalNo or receiptNo), member number, or phone: the masked form 138****1234 or its last 4 digits. */
    q: z.string().trim().max(64, '搜索内容不能超过 64 个字符').optional(),
    /** Business day (Asia/Shanghai), YYYY-MM-DD; today when left out. */
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
      .optional(),
    storeId: z.string().trim().max(36).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;

export const refundRequestSchema = z
  .object({
    /** The refund's own idempotency key (e.g. the POS refund receipt number). */
    refundNo: idempotencyKey('退款单号（refundNo）'),
    /** Goods value refunded, in fen; the order's whole amount for a full refund. */
    amountFen: amountFenSchema('退款金额'),
    reason: z.string().trim().max(200, '退款原因不能超过 200 字').optional(),
  })
  .strict();
export type RefundRequest = z.infer<typeof refundRequestSchema>;

export const refundQuoteRequestSchema = z.object({ amountFen: amountFenSchema('退款金额') }).strict();
export type RefundQuoteRequest = z.infer<typeof refundQuoteRequestSchema>;

export const refundSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  refundNo: z.string(),
  /** Goods value refunded. */
  amountFen: z.number().int(),
  /** The paid share of that value, before the charge-back. */
  payableShareFen: z.number().int(),
  /** Money given back to the shopper: payable share − charge-back. */
  refundFen: z.number().int(),
  /** Earned points taken back from the balance. */
  pointsReversed: z.number().int(),
  /** Earned points already spent, paid for out of the refund. */
  pointsChargedBack: z.number().int(),
  chargebackFen: z.number().int(),
  /** Points the refund could not cover, forgiven. */
  pointsWrittenOff: z.number().int(),
  /** Redeemed points given back. */
  pointsReturned: z.number().int(),
  growthReversed: z.number().int(),
  /** Coupons the order used that went back to the member: the refund that completes a full refund returns those still valid. */
  couponsReturned: z.number().int(),
  /** The part of refundFen that goes back to the member's stored value (the purchase's balance payment, pro rata); the rest is cash. */
  balanceReturnedFen: z.number().int(),
  orderRefundedFen: z.number().int(),
  orderRefundableFen: z.number().int(),
  pointsBalance: z.number().int(),
  createdAt: z.string(),
  replayed: z.boolean(),
});
export type Refund = z.infer<typeof refundSchema>;

/** What a refund of that amount would answer, with nothing recorded: the till shows it before the clerk confirms. */
export const refundQuoteSchema = refundSchema.pick({
  orderId: true,
  amountFen: true,
  payableShareFen: true,
  refundFen: true,
  pointsReversed: true,
  pointsChargedBack: true,
  chargebackFen: true,
  pointsWrittenOff: true,
  pointsReturned: true,
  growthReversed: true,
  balanceReturnedFen: true,
  orderRefundedFen: true,
  orderRefundableFen: true,
  pointsBalance: true,
});
export type RefundQuote = z.infer<typeof refundQuoteSchema>;
