import { rechargeLabel, rechargeRefundable, type RechargeOrder, type RechargeOrderRefund, type RechargeRefundStatus, type RechargeStatus, type StoredValueBalance } from '@wemember/shared';
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

/** The latest refund of each of a member's recharges, by order id (the member reads where a request stands). */
export async function latestRefunds(m: EntityManager, memberId: string): Promise<Map<string, RechargeOrderRefund>> {
  const rows = (await m.query(
    'SELECT order_id, status, principal_fen, bonus_forfeit_fen, reject_reason, requested_at, finished_at FROM recharge_refunds WHERE member_id = ? ORDER BY requested_at, id',
    [memberId],
  )) as Record<string, unknown>[];
  // Ascending: the last one written for an order is its latest.
  return new Map(
    rows.map((r) => [
      String(r.order_id),
      {
        status: r.status as RechargeRefundStatus,
        principalFen: toInt(r.principal_fen),
        bonusForfeitFen: toInt(r.bonus_forfeit_fen),
        rejectReason: (r.reject_reason as string | null) ?? null,
        requestedAt: (time(r.requested_at) as Date).toISOString(),
        finishedAt: time(r.finished_at)?.toISOString() ?? null,
      },
    ]),
  );
}

/**
 * The order as the member reads it. `heldFen` is principal held by a refund still processing: not
 * refundable again, and not refunded yet.
 */
export function rechargeOrderView(o: RechargeOrderRow, balance: StoredValueBalance, heldFen = 0, latestRefund: RechargeOrderRefund | null = null): RechargeOrder {
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
    latestRefund,
    createdAt: o.createdAt.toISOString(),
  };
}
