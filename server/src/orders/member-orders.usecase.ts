import { Injectable } from '@nestjs/common';
import type { MemberOrders, MemberOrdersQuery, MemberReceipt, OrderCoupon } from '@wemember/shared';
import { In } from 'typeorm';
import type { MemberActor } from '../access/actors';
import { DomainError } from '../common/domain-error';
import { TillCoupons } from '../coupons/till-coupons';
import { dbTime } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { StoresRepository } from '../stores/stores.repository';
import { Order, OrderRefund } from './order.entity';

/** Where a page of purchases ends: the last order's time and id (orders sort by both, newest first). */
interface Cursor {
  at: Date;
  id: string;
}

const CURSOR = /^(\d{1,15})\.([0-9A-Za-z-]{1,36})$/;

/** Opaque to the mini-program: base64url of "<epoch ms>.<order id>". */
export function encodeCursor(order: Pick<Order, 'createdAt' | 'id'>): string {
  return Buffer.from(`${order.createdAt.getTime()}.${order.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  const match = /^[A-Za-z0-9_-]+$/.test(cursor) ? CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  const at = match ? new Date(Number(match[1])) : null;
  // Up to 9999-12-31: a DATETIME both databases compare.
  if (!match || !at || Number.isNaN(at.getTime()) || at.getTime() > 253_402_300_799_999) {
    throw new DomainError('VALIDATION_FAILED', '翻页参数无效，请从第一页重新加载', [{ field: 'cursor', message: '翻页参数无效，请从第一页重新加载' }]);
  }
  return { at, id: match[2] };
}

/**
 * The member's purchase history, their e-receipts: their own orders only, newest first, a page at a
 * time by keyset (created_at, id) on the (member_id, created_at) index; the page's refunds and
 * stores in one query each.
 */
@Injectable()
export class MemberOrdersUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly stores: StoresRepository,
    private readonly coupons: TillCoupons,
  ) {}

  async page(actor: MemberActor, query: MemberOrdersQuery): Promise<MemberOrders> {
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const qb = this.uow.reader
      .getRepository(Order)
      .createQueryBuilder('o')
      .where('o.memberId = :memberId', { memberId: actor.memberId })
      .andWhere('o.brandId = :brandId', { brandId: actor.brandId });
    if (after) qb.andWhere('(o.createdAt < :at OR (o.createdAt = :at AND o.id < :id))', { at: dbTime(after.at), id: after.id });
    const rows = await qb
      .orderBy('o.createdAt', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .limit(query.limit + 1)
      .getMany();
    const orders = rows.slice(0, query.limit);
    const ids = orders.map((o) => o.id);
    const [refunds, stores, coupons] = await Promise.all([
      ids.length ? this.uow.reader.getRepository(OrderRefund).find({ where: { orderId: In(ids) }, order: { createdAt: 'ASC', id: 'ASC' } }) : Promise.resolve([]),
      this.stores.stores([...new Set(orders.map((o) => o.storeId))]),
      this.coupons.ofOrders(ids),
    ]);
    const storeName = new Map(stores.map((s) => [s.id, s.name]));
    return {
      orders: orders.map((o) => receipt(o, storeName.get(o.storeId) ?? '', refunds.filter((r) => r.orderId === o.id), coupons.get(o.id) ?? [])),
      nextCursor: rows.length > query.limit ? encodeCursor(orders[orders.length - 1]) : null,
    };
  }
}

function receipt(order: Order, storeName: string, refunds: OrderRefund[], coupons: OrderCoupon[]): MemberReceipt {
  return {
    id: order.id,
    receiptNo: order.receiptNo ?? order.externalNo,
    storeName,
    createdAt: order.createdAt.toISOString(),
    items: order.items,
    amountFen: order.amountFen,
    discountFen: order.discountFen,
    couponDiscountFen: order.couponDiscountFen,
    coupons,
    pointsRedeemed: order.pointsRedeemed,
    pointsDeductFen: order.pointsDeductFen,
    payableFen: order.payableFen,
    balancePaidFen: order.balancePaidFen,
    pointsEarned: order.pointsEarned,
    refundedFen: order.refundedFen,
    refundedMoneyFen: refunds.reduce((sum, r) => sum + r.refundFen, 0),
    refunds: refunds.map((r) => ({
      refundNo: r.refundNo,
      amountFen: r.amountFen,
      refundFen: r.refundFen,
      pointsReversed: r.pointsReversed,
      pointsChargedBack: r.pointsChargedBack,
      chargebackFen: r.chargebackFen,
      pointsReturned: r.pointsReturned,
      createdAt: r.createdAt.toISOString(),
    })),
    status: order.status,
  };
}
