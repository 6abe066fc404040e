import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { couponProblem, couponSummary, formatCouponCode, isDiscountCoupon, normalizeCouponCode, type CouponStatus, type OrderCoupon } from '@wemember/shared';
import { In, type EntityManager } from 'typeorm';
import type { TillActor } from '../access/actors';
import { DomainError } from '../common/domain-error';
import { dbTime, execute, toInt } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { LedgerDrift } from '../ledger/member-lock';
import { tillCaller } from '../orders/till-scope';
import type { Store } from '../stores/store.entity';
import { CouponCodeGate } from './coupon-code-gate';
import { moveCoupon } from './coupon-issuer';
import { CouponTemplates } from './coupon-templates.service';
import { couponStateProblem } from './coupon-views';
import { Coupon } from './coupon.entity';

/** The coupons a purchase uses: all of them in the order sent, and the one that takes money off. */
export interface PurchaseCoupons {
  coupons: Coupon[];
  discount: Coupon | null;
}

/**
 * Thrown inside a unit of work when a coupon was not in the state it was read in (another request
 * took it first): the work rolls back, and the caller explains the coupon's state as it is now.
 */
export class CouponTaken extends Error {
  constructor(
    readonly couponId: string,
    readonly field: string,
  ) {
    super(`coupon ${couponId} was taken by another request`);
  }
}

/** The error each state other than issued answers a till that wants the coupon. */
const STATE_REFUSALS = {
  redeemed: 'COUPON_ALREADY_REDEEMED',
  locked: 'COUPON_IN_USE',
  revoked: 'COUPON_REVOKED',
  expired: 'COUPON_EXPIRED',
} as const satisfies Record<Exclude<CouponStatus, 'issued'>, DomainError['code']>;

/** A redemption's who/where/when, cleared when a full refund gives the coupon back. */
const NOT_REDEEMED = {
  redeemed_at: null,
  redeemed_store_id: null,
  redeemed_staff_id: null,
  redeemed_api_key_id: null,
  redeemed_external_no: null,
  redeemed_order_id: null,
  locked_by: null,
  locked_at: null,
};

/**
 * Coupons at the till: finding one by its code, saying why it cannot be used, taking it — alone or
 * in a purchase — exactly once, and giving it back when its purchase is refunded in full. Taking
 * always goes issued → locked → redeemed by `moveCoupon` inside the caller's unit of work, after
 * the member's lock, so the conditional UPDATE decides which of any number of concurrent requests
 * gets it and the others roll back whole.
 */
@Injectable()
export class TillCoupons {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly templates: CouponTemplates,
    private readonly gate: CouponCodeGate,
  ) {}

  /** The brand's coupon behind what the clerk scanned (the schema has checked its form and check character). */
  find(actor: TillActor, code: string, field: string): Promise<Coupon> {
    return this.gate.find(tillCaller(actor), actor.brandId, normalizeCouponCode(code) ?? code, field);
  }

  /**
   * Why the coupon cannot be taken in its present state — redeemed (saying who, where and when),
   * held by a purchase being recorded, revoked or expired — or null when it is issued.
   */
  async stateRefusal(coupon: Coupon, field: string): Promise<DomainError | null> {
    if (coupon.status === 'issued') return null;
    const message = couponStateProblem(coupon, await this.templates.couponNames(coupon))!;
    return new DomainError(STATE_REFUSALS[coupon.status], message, [{ field, message }]);
  }

  /** The coupon as it is now (committed), after another request took it first. */
  reload(couponId: string): Promise<Coupon> {
    return this.uow.reader.getRepository(Coupon).findOneByOrFail({ id: couponId });
  }

  /** The refusal for a coupon another request took first, from its state now (held a moment ago: in use). */
  async takenRefusal(taken: CouponTaken, current: Coupon): Promise<DomainError> {
    const message = '该券正在另一笔收银中使用，请稍后再试';
    return (await this.stateRefusal(current, taken.field)) ?? new DomainError('COUPON_IN_USE', message, [{ field: taken.field, message }]);
  }

  /**
   * Why the coupon cannot be used at `store` on `today` (and, in a purchase, for eligible goods of
   * `eligibleFen` at shelf price), as the error to answer; null when it can.
   */
  async refusal(coupon: Coupon, field: string, at: { store: Store; today: string; eligibleFen?: number }): Promise<DomainError | null> {
    const byState = await this.stateRefusal(coupon, field);
    if (byState) return byState;
    const problem = couponProblem(coupon, at);
    return problem ? new DomainError(problem.code, problem.message, [{ field, message: problem.message }]) : null;
  }

  /**
   * The member's coupons a purchase names, checked in the order sent (`couponCodes.N` names the one
   * refused): each is this member's, usable here today, reaches its threshold; at most one takes
   * money off, gifts ride along.
   */
  async forPurchase(actor: TillActor, codes: string[] | undefined, at: { store: Store; memberId: string; today: string; eligibleFen: number }): Promise<PurchaseCoupons> {
    const chosen: PurchaseCoupons = { coupons: [], discount: null };
    for (const [i, code] of (codes ?? []).entries()) {
      const field = `couponCodes.${i}`;
      const coupon = await this.find(actor, code, field);
      if (coupon.memberId !== at.memberId) {
        const message = '该券不属于本单会员，请让顾客出示自己的券';
        throw new DomainError('COUPON_NOT_MEMBERS', message, [{ field, message }]);
      }
      const refused = await this.refusal(coupon, field, at);
      if (refused) throw refused;
      if (isDiscountCoupon(coupon.type)) {
        if (chosen.discount) {
          const message = `每单只能使用一张满减或折扣券，已选「${chosen.discount.name}」`;
          throw new DomainError('COUPON_NOT_STACKABLE', message, [{ field, message }]);
        }
        chosen.discount = coupon;
      }
      chosen.coupons.push(coupon);
    }
    return chosen;
  }

  /** A coupon of a purchase as the quote, the order and the receipt list it. */
  orderCouponView(coupon: Coupon, discountFen: number): OrderCoupon {
    return {
      couponId: coupon.id,
      codeDisplay: formatCouponCode(coupon.code),
      name: coupon.name,
      summary: couponSummary(coupon),
      type: coupon.type,
      giftName: coupon.giftName,
      discountFen,
    };
  }

  /** What each coupon of the purchase takes off: the discount coupon all of it, gifts nothing. */
  discounts(purchase: PurchaseCoupons, couponDiscountFen: number): OrderCoupon[] {
    return purchase.coupons.map((c) => this.orderCouponView(c, c === purchase.discount ? couponDiscountFen : 0));
  }

  /** Holds the purchase's coupons for order `orderId` (issued → locked), inside its unit of work; CouponTaken if one is gone. */
  async lock(m: EntityManager, purchase: PurchaseCoupons, orderId: string, now: Date): Promise<void> {
    for (const [i, coupon] of purchase.coupons.entries()) {
      if (!(await moveCoupon(m, coupon.id, 'issued', 'locked', { locked_by: orderId, locked_at: now }))) throw new CouponTaken(coupon.id, `couponCodes.${i}`);
    }
  }

  /**
   * Redeems the locked coupons with the order (locked → redeemed) and records them in
   * order_coupons with what each took off. A coupon not locked by now is a bug: the unit of work
   * holds it.
   */
  async redeemWithOrder(
    m: EntityManager,
    purchase: PurchaseCoupons,
    order: { id: string; brandId: string; storeId: string; staffId: string | null; apiKeyId: string | null; externalNo: string; createdAt: Date },
    couponDiscountFen: number,
  ): Promise<void> {
    for (const line of this.discounts(purchase, couponDiscountFen)) {
      const coupon = purchase.coupons.find((c) => c.id === line.couponId)!;
      const redeemed = await moveCoupon(m, coupon.id, 'locked', 'redeemed', {
        redeemed_at: order.createdAt,
        redeemed_store_id: order.storeId,
        redeemed_staff_id: order.staffId,
        redeemed_api_key_id: order.apiKeyId,
        redeemed_external_no: order.externalNo,
        redeemed_order_id: order.id,
      });
      if (!redeemed) throw new LedgerDrift(`coupon ${coupon.id} left its lock inside order ${order.id}`);
      await m.query(
        'INSERT INTO order_coupons (id, brand_id, order_id, coupon_id, template_id, store_id, discount_fen, returned_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)',
        [randomUUID(), order.brandId, order.id, coupon.id, coupon.templateId, order.storeId, line.discountFen, dbTime(order.createdAt)],
      );
    }
  }

  /** The coupons of each order, as the till's order view and the member's e-receipt list them. */
  async ofOrders(orderIds: string[]): Promise<Map<string, OrderCoupon[]>> {
    const byOrder = new Map<string, OrderCoupon[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return byOrder;
    const rows = (await this.uow.reader.query(
      `SELECT order_id, coupon_id, discount_fen FROM order_coupons WHERE order_id IN (${orderIds.map(() => '?').join(', ')}) ORDER BY created_at, discount_fen DESC, coupon_id`,
      orderIds,
    )) as { order_id: string; coupon_id: string; discount_fen: unknown }[];
    if (rows.length === 0) return byOrder;
    const coupons = await this.uow.reader.getRepository(Coupon).findBy({ id: In(rows.map((r) => r.coupon_id)) });
    const byId = new Map(coupons.map((c) => [c.id, c]));
    for (const row of rows) {
      const coupon = byId.get(row.coupon_id);
      if (coupon) byOrder.get(row.order_id)?.push(this.orderCouponView(coupon, toInt(row.discount_fen)));
    }
    return byOrder;
  }

  /**
   * A refund that leaves the order fully refunded gives its coupons back to the member (redeemed →
   * issued, who/where/when cleared) when they are still valid on `today`; expired ones stay used.
   * Inside the refund's unit of work, after the member's lock. Returns how many came back.
   */
  async giveBack(m: EntityManager, orderId: string, today: string, now: Date): Promise<number> {
    const rows = (await m.query(
      'SELECT oc.id, oc.coupon_id, c.valid_to FROM order_coupons oc JOIN coupons c ON c.id = oc.coupon_id WHERE oc.order_id = ? AND oc.returned_at IS NULL',
      [orderId],
    )) as { id: string; coupon_id: string; valid_to: string }[];
    let returned = 0;
    for (const row of rows) {
      if (row.valid_to < today) continue;
      // Only a coupon this order redeemed: the order_coupons row is not returned yet, so it is.
      if (!(await moveCoupon(m, row.coupon_id, 'redeemed', 'issued', NOT_REDEEMED))) continue;
      const marked = await execute(m, 'UPDATE order_coupons SET returned_at = ? WHERE id = ? AND returned_at IS NULL', [dbTime(now), row.id]);
      if (marked !== 1) throw new LedgerDrift(`order coupon ${row.id} returned twice`);
      returned += 1;
    }
    return returned;
  }
}
