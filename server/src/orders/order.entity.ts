import type { OrderItem, OrderStatus, TierCode } from '@wemember/shared';
import { ORDER_STATUSES, TIER_CODES } from '@wemember/shared';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DATETIME, safeInteger } from '../database/columns';

const money = (name: string) => ({ name, type: 'bigint', default: 0, transformer: safeInteger }) as const;

/** One purchase at a till, keyed by (store, externalNo). Its figures never change; refunds add up in refundedFen. */
@Entity('orders')
export class Order {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'brand_id', type: 'varchar', length: 36 })
  brandId: string;

  @Column({ name: 'store_id', type: 'varchar', length: 36 })
  storeId: string;

  @Column({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ name: 'staff_id', type: 'varchar', length: 36, nullable: true })
  staffId: string | null;

  @Column({ name: 'api_key_id', type: 'varchar', length: 36, nullable: true })
  apiKeyId: string | null;

  @Column({ name: 'external_no', type: 'varchar', length: 64 })
  externalNo: string;

  /** The POS's printed receipt number, when the till sent one (searchable; the member's e-receipt shows it). */
  @Column({ name: 'receipt_no', type: 'varchar', length: 32, nullable: true })
  receiptNo: string | null;

  /** SHA-256 of what was asked, so a replay with other content is told apart. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  @Column(money('amount_fen'))
  amountFen: number;

  @Column(money('discount_fen'))
  discountFen: number;

  /** What the purchase's coupons took off; which coupons is in order_coupons. */
  @Column(money('coupon_discount_fen'))
  couponDiscountFen: number;

  @Column(money('points_redeemed'))
  pointsRedeemed: number;

  @Column(money('points_deduct_fen'))
  pointsDeductFen: number;

  @Column(money('payable_fen'))
  payableFen: number;

  /** Paid from stored value (part of payableFen), drawn principal first. */
  @Column(money('balance_paid_fen'))
  balancePaidFen: number;

  @Column(money('balance_principal_fen'))
  balancePrincipalFen: number;

  @Column(money('balance_bonus_fen'))
  balanceBonusFen: number;

  @Column(money('points_earned'))
  pointsEarned: number;

  @Column(money('growth_earned'))
  growthEarned: number;

  @Column({ name: 'tier_before', type: 'simple-enum', enum: TIER_CODES })
  tierBefore: TierCode;

  @Column({ name: 'tier_after', type: 'simple-enum', enum: TIER_CODES })
  tierAfter: TierCode;

  @Column({ name: 'earning_notes', type: 'simple-json' })
  earningNotes: string[];

  @Column({ type: 'simple-json' })
  items: OrderItem[];

  @Column(money('refunded_fen'))
  refundedFen: number;

  @Column({ type: 'simple-enum', enum: ORDER_STATUSES })
  status: OrderStatus;

  @Column({ name: 'business_date', type: 'varchar', length: 10 })
  businessDate: string;

  @Column({ name: 'created_at', ...DATETIME })
  createdAt: Date;
}

/** One refund of (part of) an order, keyed by (order, refundNo), with everything it moved. */
@Entity('order_refunds')
export class OrderRefund {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'brand_id', type: 'varchar', length: 36 })
  brandId: string;

  @Column({ name: 'order_id', type: 'varchar', length: 36 })
  orderId: string;

  @Column({ name: 'store_id', type: 'varchar', length: 36 })
  storeId: string;

  @Column({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ name: 'staff_id', type: 'varchar', length: 36, nullable: true })
  staffId: string | null;

  @Column({ name: 'api_key_id', type: 'varchar', length: 36, nullable: true })
  apiKeyId: string | null;

  @Column({ name: 'refund_no', type: 'varchar', length: 64 })
  refundNo: string;

  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  @Column(money('amount_fen'))
  amountFen: number;

  @Column(money('payable_share_fen'))
  payableShareFen: number;

  @Column(money('refund_fen'))
  refundFen: number;

  @Column(money('points_reversed'))
  pointsReversed: number;

  @Column(money('points_charged_back'))
  pointsChargedBack: number;

  @Column(money('chargeback_fen'))
  chargebackFen: number;

  @Column(money('points_written_off'))
  pointsWrittenOff: number;

  @Column(money('points_returned'))
  pointsReturned: number;

  @Column(money('growth_reversed'))
  growthReversed: number;

  /** What the refund gave back to the stored value: the purchase's balance payment, pro rata. */
  @Column(money('balance_principal_returned_fen'))
  balancePrincipalReturnedFen: number;

  @Column(money('balance_bonus_returned_fen'))
  balanceBonusReturnedFen: number;

  /** Coupons of the order this refund gave back to the member (only the refund that completes a full refund does). */
  @Column(money('coupons_returned'))
  couponsReturned: number;

  /** The order's refunded total right after this refund. */
  @Column(money('order_refunded_fen'))
  orderRefundedFen: number;

  /** The member's points balance right after this refund. */
  @Column(money('points_balance'))
  pointsBalance: number;

  @Column({ type: 'varchar', length: 200, nullable: true })
  reason: string | null;

  @Column({ name: 'business_date', type: 'varchar', length: 10 })
  businessDate: string;

  @Column({ name: 'created_at', ...DATETIME })
  createdAt: Date;
}
