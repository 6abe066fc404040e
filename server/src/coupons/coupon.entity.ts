import {
  COUPON_SOURCES,
  COUPON_STATUSES,
  COUPON_TEMPLATE_STATUSES,
  COUPON_TYPES,
  type CouponSource,
  type CouponStatus,
  type CouponTemplateStatus,
  type CouponType,
  type TierCode,
} from '@wemember/shared';
import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';
import { DATETIME, safeInteger } from '../database/columns';

const money = (name: string) => ({ name, type: 'bigint', default: 0, transformer: safeInteger }) as const;
const nullableMoney = (name: string) => ({ name, type: 'bigint', nullable: true, transformer: safeInteger }) as const;

/** A JSON list stored as text; null and "[]" both read as an empty list. */
const jsonList: ValueTransformer = {
  to: (value: unknown) => (Array.isArray(value) && value.length > 0 ? JSON.stringify(value) : null),
  from: (value: unknown) => (typeof value === 'string' && value.length > 0 ? (JSON.parse(value) as unknown[]) : []),
};
const list = (name: string) => ({ name, type: 'text', nullable: true, transformer: jsonList }) as const;

/** The terms a template gives its coupons (see CouponTerms in shared). */
abstract class CouponTermsColumns {
  @Column({ type: 'varchar', length: 40 })
  name: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  description: string | null;

  @Column({ type: 'simple-enum', enum: COUPON_TYPES })
  type: CouponType;

  @Column(nullableMoney('value_fen'))
  valueFen: number | null;

  @Column({ name: 'percent_off', type: 'int', nullable: true })
  percentOff: number | null;

  @Column(nullableMoney('cap_fen'))
  capFen: number | null;

  @Column(money('threshold_fen'))
  thresholdFen: number;

  @Column({ name: 'gift_name', type: 'varchar', length: 40, nullable: true })
  giftName: string | null;

  @Column(list('store_ids'))
  storeIds: string[];

  @Column(list('region_ids'))
  regionIds: string[];
}

/** A coupon design with its stock; editing it changes only coupons issued afterwards. */
@Entity('coupon_templates')
export class CouponTemplate extends CouponTermsColumns {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'brand_id', type: 'varchar', length: 36 })
  brandId: string;

  @Column(money('stock'))
  stock: number;

  /** Issued so far; only `issued = issued + 1 WHERE issued < stock` raises it. */
  @Column(money('issued'))
  issued: number;

  @Column({ name: 'per_member_limit', type: 'int' })
  perMemberLimit: number;

  @Column({ name: 'validity_kind', type: 'varchar', length: 16 })
  validityKind: 'fixed' | 'relative';

  @Column({ name: 'valid_from', type: 'varchar', length: 10, nullable: true })
  validFrom: string | null;

  @Column({ name: 'valid_to', type: 'varchar', length: 10, nullable: true })
  validTo: string | null;

  @Column({ name: 'valid_days', type: 'int', nullable: true })
  validDays: number | null;

  @Column({ type: 'boolean', default: false })
  claimable: boolean;

  @Column(nullableMoney('points_price'))
  pointsPrice: number | null;

  @Column(list('tiers'))
  tiers: TierCode[];

  @Column({ type: 'simple-enum', enum: COUPON_TEMPLATE_STATUSES })
  status: CouponTemplateStatus;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', ...DATETIME })
  createdAt: Date;

  @Column({ name: 'updated_at', ...DATETIME })
  updatedAt: Date;
}

/** One coupon in a member's hands, with the terms it was issued with and where it went. */
@Entity('coupons')
export class Coupon extends CouponTermsColumns {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'brand_id', type: 'varchar', length: 36 })
  brandId: string;

  @Column({ name: 'template_id', type: 'varchar', length: 36 })
  templateId: string;

  @Column({ name: 'member_id', type: 'varchar', length: 36 })
  memberId: string;

  @Column({ type: 'varchar', length: 17 })
  code: string;

  @Column({ type: 'simple-enum', enum: COUPON_STATUSES })
  status: CouponStatus;

  @Column({ type: 'simple-enum', enum: COUPON_SOURCES })
  source: CouponSource;

  @Column({ name: 'grant_key', type: 'varchar', length: 160, nullable: true })
  grantKey: string | null;

  @Column({ name: 'valid_from', type: 'varchar', length: 10 })
  validFrom: string;

  @Column({ name: 'valid_to', type: 'varchar', length: 10 })
  validTo: string;

  @Column({ name: 'issued_at', ...DATETIME })
  issuedAt: Date;

  @Column({ name: 'locked_by', type: 'varchar', length: 36, nullable: true })
  lockedBy: string | null;

  @Column({ name: 'locked_at', ...DATETIME, nullable: true })
  lockedAt: Date | null;

  @Column({ name: 'redeemed_at', ...DATETIME, nullable: true })
  redeemedAt: Date | null;

  @Column({ name: 'redeemed_store_id', type: 'varchar', length: 36, nullable: true })
  redeemedStoreId: string | null;

  @Column({ name: 'redeemed_staff_id', type: 'varchar', length: 36, nullable: true })
  redeemedStaffId: string | null;

  @Column({ name: 'redeemed_api_key_id', type: 'varchar', length: 36, nullable: true })
  redeemedApiKeyId: string | null;

  @Column({ name: 'redeemed_external_no', type: 'varchar', length: 64, nullable: true })
  redeemedExternalNo: string | null;

  @Column({ name: 'redeemed_order_id', type: 'varchar', length: 36, nullable: true })
  redeemedOrderId: string | null;

  @Column({ name: 'ended_at', ...DATETIME, nullable: true })
  endedAt: Date | null;

  @Column({ name: 'revoke_reason', type: 'varchar', length: 200, nullable: true })
  revokeReason: string | null;
}

export const COUPON_ENTITIES = [CouponTemplate, Coupon];
