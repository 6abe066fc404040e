import { rechargeLabel, rechargeRefundable, type RechargeOrder, type RechargeStatus, type StoredValueBalance } from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import { forUpdate, fromDbTime, toInt } from '../database/sql';

/** A recharge order as raw SQL reads it (both databases). */
export interface RechargeOrderRow {
  id: string;
  brandId: string;
  memberId: string;
  orderNo: string;
  packageId: string;
  packageName: string;
  payFen: number;
  bonusFen: number;
  status: RechargeStatus;
  payerOpenid: string;
  prepayId: string | null;
  prepayExpiresAt: Date | null;
  transactionId: string | null;
  paidAt: Date | null;
  refundedFen: number;
  bonusForfeitedFen: number;
  shippingUploadedAt: Date | null;
  createdAt: Date;
}

const COLUMNS =
  'id, brand_id, member_id, order_no, package_id, package_name, pay_fen, bonus_fen, status, payer_openid, prepay_id, prepay_expires_at, transaction_id, paid_at, refunded_fen, bonus_forfeited_fen, shipping_uploaded_at, created_at';

const time = (v: unknown) => (v === null || v === undefined ? null : fromDbTime(v as Date | string));

function toRow(r: Record<string, unknown>): RechargeOrderRow {
  return {
    id: String(r.id),
    brandId: String(r.brand_id),
    memberId: String(r.member_id),
    orderNo: String(r.order_no),
    packageId: String(r.package_id),
    packageName: String(r.package_name),
    payFen: toInt(r.pay_fen),
    bonusFen: toInt(r.bonus_fen),
    status: r.status as RechargeStatus,
    payerOpenid: String(r.payer_openid),
    prepayId: (r.prepay_id as string | null) ?? null,
    prepayExpiresAt: time(r.prepay_expires_at),
    transactionId: (r.transaction_id as string | null) ?? null,
    paidAt: time(r.paid_at),
    refundedFen: toInt(r.refunded_fen),
    bonusForfeitedFen: toInt(r.bonus_forfeited_fen),
    shippingUploadedAt: time(r.shipping_uploaded_at),
    createdAt: time(r.created_at) as Date,
  };
}

/** One order by its number (WeChat Pay's out_trade_no); `lock` takes its row lock (MySQL). */
export async function orderByNo(m: EntityManager, orderNo: string, lock = false): Promise<RechargeOrderRow | null> {
  const [row] = (await m.query(`SELECT ${COLUMNS} FROM recharge_orders WHERE order_no = ?${lock ? forUpdate(m) : ''}`, [orderNo])) as Record<string, unknown>[];
  return row ? toRow(row) : null;
}

export async function orderById(m: EntityManager, id: string): Promise<RechargeOrderRow | null> {
  const [row] = (await m.query(`SELECT ${COLUMNS} FROM recharge_orders WHERE id = ?`, [id])) as Record<string, unknown>[];
  return row ? toRow(row) : null;
}

export async function ordersWhere(m: EntityManager, where: string, params: unknown[], tail = ''): Promise<RechargeOrderRow[]> {
  return ((await m.query(`SELECT ${COLUMNS} FROM recharge_orders WHERE ${where} ${tail}`, params)) as Record<string, unknown>[]).map(toRow);
}

/**
 * The order as the member reads it. `heldFen` is principal held by a refund still processing: not
 * refundable again, and not refunded yet.
 */
export function rechargeOrderView(o: RechargeOrderRow, balance: StoredValueBalance, heldFen = 0): RechargeOrder {
  const refundable = o.status === 'paid' || o.status === 'partially_refunded'
    ? rechargeRefundable({ principalFen: o.payFen, bonusFen: o.bonusFen, refundedPrincipalFen: o.refundedFen + heldFen }, balance).principalFen
    : 0;
  return {
    orderNo: o.orderNo,
    packageId: o.packageId,
    packageName: o.packageName,
    label: rechargeLabel(o.payFen, o.bonusFen),
    payFen: o.payFen,
    bonusFen: o.bonusFen,
    status: o.status,
    transactionId: o.transactionId,
    paidAt: o.paidAt?.toISOString() ?? null,
    refundedFen: o.refundedFen,
    bonusForfeitedFen: o.bonusForfeitedFen,
    refundableFen: refundable,
    balanceFen: balance.principalFen + balance.bonusFen,
    createdAt: o.createdAt.toISOString(),
  };
}
