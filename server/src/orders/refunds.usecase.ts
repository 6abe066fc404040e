import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  addDays,
  assertTransition,
  balanceRefundShare,
  chinaDate,
  formatYuan,
  ORDER_TRANSITIONS,
  refundFigures,
  refundTender,
  type RefundFigures,
  type StoredValueBalance,
  type OrderStatus,
  type LoyaltyRules,
  type Refund as RefundView,
  type RefundQuote,
  type RefundQuoteRequest,
  type RefundRequest,
} from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { TillCoupons } from '../coupons/till-coupons';
import { DomainError } from '../common/domain-error';
import { execute, forUpdate, toInt } from '../database/sql';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { LoyaltySettingsService } from '../loyalty/loyalty-settings.service';
import { MemberGrowth } from '../loyalty/member-growth';
import { rfmRefunded } from '../loyalty/member-rfm';
import { LedgerDrift, lockMember } from '../ledger/member-lock';
import { LedgerRepository } from '../ledger/ledger.repository';
import { PointsLedger } from '../points/points-ledger';
import { Order, OrderRefund } from './order.entity';
import { requestHash } from '../common/request-hash';
import { OrdersUseCase, ruleError } from './orders.usecase';
import type { TillActor } from '../access/actors';
import { StoredValue } from '../wallet/stored-value';
import { pointsChanged } from '../notifications/notices';

/**
 * What goes back to the stored value: the purchase's balance payment pro rata (cumulative over
 * partial refunds), less what a charge-back could not take from the cash part.
 */
function balanceReturn(order: Order, refundedBeforeFen: number, amountFen: number, figures: RefundFigures): StoredValueBalance {
  const paid = { principalFen: order.balancePrincipalFen, bonusFen: order.balanceBonusFen };
  return refundTender(figures.share.payableFen, balanceRefundShare(paid, order, refundedBeforeFen, amountFen), figures.charged.fen).balance;
}

/**
 * Refunds, full or partial, each keyed by (order, refundNo). A refund gives back the paid share of
 * the goods returned and reverses what the purchase gave, pro rata and cumulatively (partial refunds
 * add up exactly to a full one): earned points are taken back — those already spent are charged
 * against the refund at the redemption rate (seed 002) — redeemed points are returned, growth is
 * reversed, and what the purchase paid from stored value goes back to it (the rest of the refund is
 * cash). The tier is not lowered here; that waits for the yearly review.
 */
@Injectable()
export class RefundsUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrdersUseCase,
    private readonly settings: LoyaltySettingsService,
    private readonly ledger: PointsLedger,
    private readonly growth: MemberGrowth,
    private readonly balances: LedgerRepository,
    private readonly coupons: TillCoupons,
    private readonly storedValue: StoredValue,
    private readonly clock: Clock,
  ) {}

  /**
   * What refunding `amountFen` of the order would pay and move, recorded nowhere: the same figures
   * (refundFigures) the refund itself computes, from the order and the member's balance as they are
   * now. Another movement before the clerk confirms can change them; the refund answers what it did.
   */
  async quote(actor: TillActor, orderId: string, request: RefundQuoteRequest): Promise<RefundQuote> {
    const { order } = await this.orders.visibleOrder(actor, orderId);
    const rules = await this.settings.rules(actor.brandId);
    const balance = await this.balances.balance(order.memberId, 'points');
    try {
      const figures = refundFigures(rules, order, order.refundedFen, request.amountFen, balance);
      const returned = balanceReturn(order, order.refundedFen, request.amountFen, figures);
      return {
        orderId: order.id,
        amountFen: request.amountFen,
        payableShareFen: figures.share.payableFen,
        refundFen: figures.refundFen,
        pointsReversed: figures.pointsReversed,
        pointsChargedBack: figures.charged.points,
        chargebackFen: figures.charged.fen,
        balanceReturnedFen: returned.principalFen + returned.bonusFen,
        pointsWrittenOff: figures.charged.writtenOffPoints,
        pointsReturned: figures.share.pointsRedeemed,
        growthReversed: figures.share.growth,
        orderRefundedFen: order.refundedFen + request.amountFen,
        orderRefundableFen: order.amountFen - order.refundedFen - request.amountFen,
        pointsBalance: figures.pointsBalanceAfter,
      };
    } catch (error) {
      ruleError(error);
    }
  }

  async refund(actor: TillActor, orderId: string, request: RefundRequest): Promise<RefundView> {
    const { order, store } = await this.orders.visibleOrder(actor, orderId);
    const hash = requestHash({ amountFen: request.amountFen, reason: request.reason ?? null });
    const earlier = await this.replay(order.id, request.refundNo, hash);
    if (earlier) return earlier;

    const rules = await this.settings.rules(actor.brandId);
    const now = this.clock.now();
    try {
      const refund = await this.uow.transaction(async (m) => {
        // The order row first, locked: concurrent refunds of one order queue here, and together
        // they can never pass the order's amount.
        const [row] = (await m.query(`SELECT status, refunded_fen FROM orders WHERE id = ?${forUpdate(m)}`, [order.id])) as { status: OrderStatus; refunded_fen: unknown }[];
        const refundedBefore = toInt(row.refunded_fen);
        const left = order.amountFen - refundedBefore;
        if (request.amountFen > left) {
          const message = `退款金额超过可退金额：本单还可退 ${left} 分`;
          throw new DomainError('REFUND_EXCEEDS_ORDER', message, [{ field: 'amountFen', message }]);
        }
        // The order's state moves as ORDER_TRANSITIONS allows, conditional on what was read under
        // the lock; a count other than 1 means something moved it outside the lock: a bug.
        const to: OrderStatus = request.amountFen === left ? 'refunded' : 'partially_refunded';
        assertTransition(ORDER_TRANSITIONS, row.status, to);
        const moved = await execute(m, 'UPDATE orders SET status = ?, refunded_fen = refunded_fen + ? WHERE id = ? AND status = ? AND refunded_fen = ?', [
          to,
          request.amountFen,
          order.id,
          row.status,
          refundedBefore,
        ]);
        if (moved !== 1) throw new LedgerDrift(`order ${order.id} changed under its lock`);
        const member = await lockMember(m, order.memberId);
        if (!member) throw new LedgerDrift(`order ${order.id} has no member`);
        const points = await this.ledger.account(m, member);
        // The same figures the refund preview shows, from the balance under the lock.
        const figures = refundFigures(rules, order, refundedBefore, request.amountFen, points.balance);
        const share = figures.share;
        const refundId = randomUUID();
        const movement = { sourceType: 'refund', sourceId: refundId, storeId: store.id, staffId: actor.staff?.id ?? null, at: now };

        if (share.pointsRedeemed > 0) {
          await this.ledger.credit(
            m,
            points,
            share.pointsRedeemed,
            { ...movement, kind: 'refund_return', key: `refund:${refundId}:return`, reason: `${store.name} 退货，退还抵现积分` },
            await this.returnedPointsExpiry(m, order, rules, now),
          );
        }
        const reversible = figures.pointsReversed;
        if (reversible > 0) {
          await this.ledger.debit(
            m,
            points,
            reversible,
            { ...movement, kind: 'refund_reverse', key: `refund:${refundId}:reverse`, reason: `${store.name} 退货，扣回消费积分` },
            { sourceType: 'order', sourceId: order.id },
          );
        }
        const charged = figures.charged;
        const returned = balanceReturn(order, refundedBefore, request.amountFen, figures);
        if (returned.principalFen + returned.bonusFen > 0) {
          await this.storedValue.credit(m, await this.storedValue.accounts(m, member), returned, {
            ...movement,
            key: `refund:${refundId}:balance`,
            principalKind: 'pay_return',
            bonusKind: 'pay_return',
            reason: `${store.name} 退货，退回储值 ${formatYuan(returned.principalFen + returned.bonusFen)}`,
          });
        }
        if (points.balance !== figures.pointsBalanceAfter) throw new LedgerDrift(`refund of order ${order.id}: balance ${points.balance}, figures say ${figures.pointsBalanceAfter}`);

        // A full refund takes the purchase back out of the month's count (and of F); a partial one only its spend.
        await this.growth.record(m, member, order.businessDate, { purchases: to === 'refunded' ? -1 : 0, spendFen: -share.payableFen, growth: -share.growth });
        await rfmRefunded(m, member.id, order.businessDate, share.payableFen, to === 'refunded');
        await this.growth.settle(m, member, rules, now, `refund:${refundId}`);
        await pointsChanged(m, { brandId: order.brandId, memberId: member.id, key: `points:refund:${refundId}`, change: share.pointsRedeemed - reversible, balance: points.balance, reason: `${store.name} 退货`, at: now });
        // Refunded in full: the coupons it used go back to the member while still valid. A partial
        // refund keeps them (the coupon's discount is inside payable, so the money is pro rata).
        const couponsReturned = to === 'refunded' ? await this.coupons.giveBack(m, order.id, chinaDate(now), now) : 0;

        const refund: OrderRefund = Object.assign(new OrderRefund(), {
          id: refundId,
          brandId: order.brandId,
          orderId: order.id,
          storeId: store.id,
          memberId: member.id,
          staffId: actor.staff?.id ?? null,
          apiKeyId: actor.apiKey?.id ?? null,
          refundNo: request.refundNo,
          requestHash: hash,
          amountFen: request.amountFen,
          payableShareFen: share.payableFen,
          refundFen: figures.refundFen,
          pointsReversed: reversible,
          pointsChargedBack: charged.points,
          chargebackFen: charged.fen,
          pointsWrittenOff: charged.writtenOffPoints,
          pointsReturned: share.pointsRedeemed,
          growthReversed: share.growth,
          balancePrincipalReturnedFen: returned.principalFen,
          balanceBonusReturnedFen: returned.bonusFen,
          couponsReturned,
          orderRefundedFen: refundedBefore + request.amountFen,
          pointsBalance: points.balance,
          reason: request.reason ?? null,
          businessDate: chinaDate(now),
          createdAt: now,
        });
        await m.createQueryBuilder().insert().into(OrderRefund).values(refund).updateEntity(false).execute();
        return refund;
      });
      return this.view(refund, order, false);
    } catch (error) {
      if (isUniqueViolation(error)) {
        const winner = await this.replay(order.id, request.refundNo, hash);
        if (winner) return winner;
      }
      ruleError(error);
    }
  }

  /**
   * Returned points keep the expiry of the lots they were drawn from (the latest of them), but the
   * shopper always gets at least the reminder window to use them.
   */
  private async returnedPointsExpiry(m: EntityManager, order: Order, rules: LoyaltyRules, now: Date): Promise<string> {
    const [row] = (await m.query(
      `SELECT MAX(d.expires_on) AS expires_on FROM point_lot_draws d JOIN ledger_entries e ON e.id = d.ledger_id WHERE e.business_key = ?`,
      [`order:${order.id}:redeem`],
    )) as { expires_on: string | null }[];
    const floor = addDays(chinaDate(now), rules.expiry.reminderDays);
    return row?.expires_on && row.expires_on > floor ? row.expires_on : floor;
  }

  private async replay(orderId: string, refundNo: string, hash: string): Promise<RefundView | null> {
    const refund = await this.uow.reader.getRepository(OrderRefund).findOneBy({ orderId, refundNo });
    if (!refund) return null;
    if (refund.requestHash !== hash) {
      throw new DomainError('REFUND_CONFLICT', `退款单号 ${refundNo} 已用于另一笔内容不同的退款`, [{ field: 'refundNo', message: '该退款单号已被使用' }]);
    }
    const order = await this.uow.reader.getRepository(Order).findOneByOrFail({ id: orderId });
    return this.view(refund, order, true);
  }

  private view(refund: OrderRefund, order: Order, replayed: boolean): RefundView {
    return {
      id: refund.id,
      orderId: refund.orderId,
      refundNo: refund.refundNo,
      amountFen: refund.amountFen,
      payableShareFen: refund.payableShareFen,
      refundFen: refund.refundFen,
      pointsReversed: refund.pointsReversed,
      pointsChargedBack: refund.pointsChargedBack,
      chargebackFen: refund.chargebackFen,
      balanceReturnedFen: refund.balancePrincipalReturnedFen + refund.balanceBonusReturnedFen,
      pointsWrittenOff: refund.pointsWrittenOff,
      pointsReturned: refund.pointsReturned,
      growthReversed: refund.growthReversed,
      couponsReturned: refund.couponsReturned,
      orderRefundedFen: refund.orderRefundedFen,
      orderRefundableFen: order.amountFen - refund.orderRefundedFen,
      pointsBalance: refund.pointsBalance,
      createdAt: refund.createdAt.toISOString(),
      replayed,
    };
  }
}
