import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  rechargeRefundable,
  type DecideRechargeRefund,
  type HqRechargeRefund,
  type ListRechargeRefundsQuery,
  type RechargeRefund,
  type RechargeRefundStatus,
} from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import type { MemberActor, StaffActor } from '../access/actors';
import { recordAudit } from '../audit/audit-log';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { dbTime, execute, fromDbTime, toInt } from '../database/sql';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { LedgerRepository } from '../ledger/ledger.repository';
import { lockMember } from '../ledger/member-lock';
import { WechatPayClient, type PayRefund } from '../wechat-pay/wechat-pay.client';
import { orderById, orderByNo, type RechargeOrderRow } from './recharge-order-rows';
import { RechargeOrders } from './recharge-orders';
import { StoredValue } from './stored-value';

interface RefundRow {
  id: string;
  brand_id: string;
  member_id: string;
  order_id: string;
  refund_no: string;
  request_id: string | null;
  principal_fen: unknown;
  bonus_forfeit_fen: unknown;
  status: RechargeRefundStatus;
  reason: string;
  reject_reason: string | null;
  decided_by: string | null;
  requested_at: Date | string;
  finished_at: Date | string | null;
  order_no: string;
  member_no: string;
  phone_masked: string;
  decider: string | null;
}

const SELECT = `SELECT r.*, o.order_no, mb.member_no, mb.phone_masked, st.display_name AS decider
  FROM recharge_refunds r JOIN recharge_orders o ON o.id = r.order_id JOIN members mb ON mb.id = r.member_id LEFT JOIN staff st ON st.id = r.decided_by`;

/** What a refund report (notification or query) led to. */
export type RefundOutcome = 'succeeded' | 'failed' | 'processing' | 'duplicate' | 'unknown';

/**
 * Refunds of unused recharge principal (docs/domain.md). A member asks (one open refund per order,
 * open_key unique) and a manager of the member's home store, region or HQ decides; HQ may refund
 * directly (requestId idempotent). Approving holds the principal and the bonus forfeited with it out
 * of the balance in one unit of work under the member's lock (`rrefund:<id>`), then asks WeChat Pay
 * with out_refund_no = refund_no, stable, so asking again never refunds twice. WeChat Pay's refund
 * notification or a query ends it: succeeded (the order's refunded figures go up) or failed (the hold
 * comes back, `rrefund:<id>:restore`).
 */
@Injectable()
export class RechargeRefunds {
  private readonly logger = new Logger('RechargeRefunds');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: RechargeOrders,
    private readonly storedValue: StoredValue,
    private readonly ledger: LedgerRepository,
    private readonly pay: WechatPayClient,
    private readonly policy: AccessPolicy,
    private readonly clock: Clock,
  ) {}

  async request(member: MemberActor, orderNo: string, reason: string): Promise<RechargeRefund> {
    const order = await this.orders.own(member, orderNo);
    const view = await this.orders.view(member, orderNo);
    if (view.refundableFen <= 0) throw new DomainError('RECHARGE_NOT_REFUNDABLE');
    const id = randomUUID();
    await this.insert(order, id, { principalFen: view.refundableFen, reason, requestId: null, status: 'requested' });
    return this.one(id);
  }

  async list(staff: StaffActor, query: ListRechargeRefundsQuery): Promise<RechargeRefund[]> {
    const scope = this.policy.storeFilter(staff);
    const where = ['r.brand_id = ?'];
    const params: unknown[] = [staff.brandId];
    const filter = (sql: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(sql);
      params.push(value);
    };
    filter('r.status = ?', query.status);
    // The member's home store (where they joined) within the manager's store or region.
    filter('mb.join_store_id = ?', scope.storeId);
    filter('mb.join_store_id IN (SELECT id FROM stores WHERE region_id = ?)', scope.regionId);
    const rows = (await this.uow.reader.query(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY r.requested_at DESC LIMIT ?`, [...params, query.limit])) as RefundRow[];
    return rows.map(view);
  }

  async decide(staff: StaffActor, id: string, decision: DecideRechargeRefund): Promise<RechargeRefund> {
    const refund = await this.inScope(staff, id);
    if (refund.status !== 'requested') throw new DomainError('RECHARGE_REFUND_DECIDED');
    const now = this.clock.now();
    if (!decision.approve) {
      await this.uow.transaction(async (m) => {
        const rejected = await execute(m, "UPDATE recharge_refunds SET status = 'rejected', open_key = NULL, reject_reason = ?, decided_by = ?, decided_at = ?, finished_at = ? WHERE id = ? AND status = 'requested'", [
          decision.reason ?? '',
          staff.id,
          dbTime(now),
          dbTime(now),
          id,
        ]);
        if (rejected !== 1) throw new DomainError('RECHARGE_REFUND_DECIDED');
        await recordAudit(m, { brandId: staff.brandId, staffId: staff.id, action: 'recharge_refund.reject', targetType: 'recharge_refund', targetId: id, detail: { orderNo: refund.order_no, reason: decision.reason }, at: now });
      });
      return this.one(id);
    }
    await this.uow.transaction(async (m) => {
      await this.hold(m, id, staff);
      await recordAudit(m, { brandId: staff.brandId, staffId: staff.id, action: 'recharge_refund.approve', targetType: 'recharge_refund', targetId: id, detail: { orderNo: refund.order_no }, at: now });
    });
    await this.submit(id);
    return this.one(id);
  }

  /** HQ refunds what is unused of a recharge now; the same requestId answers the same refund. */
  async direct(staff: StaffActor, orderNo: string, body: HqRechargeRefund): Promise<{ refund: RechargeRefund; replayed: boolean }> {
    const replay = await this.byRequest(staff.brandId, body.requestId, orderNo);
    if (replay) return { refund: replay, replayed: true };
    const order = await orderByNo(this.uow.reader, orderNo);
    if (!order || order.brandId !== staff.brandId) throw new DomainError('RECHARGE_ORDER_NOT_FOUND');
    const id = randomUUID();
    const now = this.clock.now();
    try {
      await this.uow.transaction(async (m) => {
        await this.insert(order, id, { principalFen: 0, reason: body.reason, requestId: body.requestId, status: 'requested' }, m);
        await this.hold(m, id, staff);
        await recordAudit(m, { brandId: staff.brandId, staffId: staff.id, action: 'recharge_refund.direct', targetType: 'recharge_refund', targetId: id, detail: { orderNo, requestId: body.requestId, reason: body.reason }, at: now });
      });
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'RECHARGE_REFUND_CONFLICT') throw error;
      // The same requestId committed meanwhile (a replay), or the order already has an open refund.
      const raced = await this.byRequest(staff.brandId, body.requestId, orderNo);
      if (raced) return { refund: raced, replayed: true };
      throw new DomainError('RECHARGE_REFUND_PENDING');
    }
    await this.submit(id);
    return { refund: await this.one(id), replayed: false };
  }

  /** Sends a processing refund to WeChat Pay (again: out_refund_no makes it one refund) and applies an immediate answer. */
  async submit(id: string): Promise<void> {
    const [row] = (await this.uow.reader.query(`${SELECT} WHERE r.id = ?`, [id])) as RefundRow[];
    if (!row || row.status !== 'processing') return;
    const order = (await orderById(this.uow.reader, row.order_id)) as RechargeOrderRow;
    try {
      const answer = await this.pay.refund({ outTradeNo: order.orderNo, outRefundNo: row.refund_no, refundFen: toInt(row.principal_fen), totalFen: order.payFen, reason: row.reason });
      await this.settle(row.refund_no, answer);
    } catch (error) {
      // Still processing with its hold: the sweeper asks WeChat Pay and sends it again if it never arrived.
      this.logger.warn(`refund ${row.refund_no} not sent yet: ${(error as Error).message}`);
    }
  }

  /** Asks WeChat Pay about a refund still processing here (the sweeper). */
  async refresh(id: string): Promise<void> {
    const [row] = (await this.uow.reader.query('SELECT refund_no, status FROM recharge_refunds WHERE id = ?', [id])) as { refund_no: string; status: string }[];
    if (!row || row.status !== 'processing') return;
    const found = await this.pay.queryRefund(row.refund_no);
    if (!found) return this.submit(id);
    await this.settle(row.refund_no, found);
  }

  async processing(limit = 200): Promise<string[]> {
    const rows = (await this.uow.reader.query("SELECT id FROM recharge_refunds WHERE status = 'processing' ORDER BY requested_at LIMIT ?", [limit])) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** Ends a processing refund as WeChat Pay reports it; anything already ended is a duplicate. */
  async settle(refundNo: string, refund: PayRefund): Promise<RefundOutcome> {
    const [row] = (await this.uow.reader.query('SELECT id, member_id, order_id, principal_fen, bonus_forfeit_fen, status FROM recharge_refunds WHERE refund_no = ?', [refundNo])) as RefundRow[];
    if (!row) return 'unknown';
    const state = refund.refund_status ?? refund.status;
    if (state !== 'SUCCESS' && state !== 'CLOSED' && state !== 'ABNORMAL') return row.status === 'processing' ? 'processing' : 'duplicate';
    const principalFen = toInt(row.principal_fen);
    const bonusFen = toInt(row.bonus_forfeit_fen);
    if (state === 'SUCCESS' && refund.amount?.refund !== undefined && refund.amount.refund !== principalFen) {
      this.logger.error(`refund ${refundNo}: WeChat Pay refunded ${refund.amount.refund} fen, we asked ${principalFen}`);
    }
    const now = this.clock.now();
    return this.uow.transaction(async (m) => {
      const member = await lockMember(m, row.member_id);
      if (!member) throw new Error(`refund ${refundNo}: member ${row.member_id} is gone`);
      const status = state === 'SUCCESS' ? 'succeeded' : 'failed';
      const ended = await execute(m, "UPDATE recharge_refunds SET status = ?, open_key = NULL, wechat_refund_id = ?, finished_at = ? WHERE id = ? AND status = 'processing'", [
        status,
        refund.refund_id ?? null,
        dbTime(now),
        row.id,
      ]);
      if (ended !== 1) return 'duplicate';
      if (status === 'succeeded') {
        const moved = await execute(
          m,
          // status first: MySQL applies SET assignments left to right (SQLite reads the old row throughout).
          `UPDATE recharge_orders SET status = CASE WHEN refunded_fen + ? >= pay_fen THEN 'refunded' ELSE 'partially_refunded' END,
             refunded_fen = refunded_fen + ?, bonus_forfeited_fen = bonus_forfeited_fen + ?, updated_at = ?
           WHERE id = ? AND status IN ('paid', 'partially_refunded')`,
          [principalFen, principalFen, bonusFen, dbTime(now), row.order_id],
        );
        if (moved !== 1) throw new Error(`refund ${refundNo}: its order is not paid`);
        return 'succeeded';
      }
      const accounts = await this.storedValue.accounts(m, member);
      await this.storedValue.credit(
        m,
        accounts,
        { principalFen, bonusFen },
        { key: `rrefund:${row.id}:restore`, principalKind: 'refund_hold_return', bonusKind: 'refund_hold_return', reason: '充值退款未成功，退回余额', sourceType: 'recharge_refund', sourceId: row.id, at: now },
      );
      return 'failed';
    });
  }

  /**
   * requested → processing under the member's lock: what is unused of the recharge now is held out
   * of the balance, with the bonus that came with it.
   */
  private async hold(m: EntityManager, id: string, staff: StaffActor): Promise<void> {
    const [refund] = (await m.query('SELECT member_id, order_id FROM recharge_refunds WHERE id = ?', [id])) as RefundRow[];
    const member = await lockMember(m, refund.member_id);
    if (!member) throw new DomainError('RECHARGE_REFUND_NOT_FOUND');
    // Read again under the lock: another decision may have committed while this one waited for it.
    const [now] = (await m.query('SELECT status FROM recharge_refunds WHERE id = ?', [id])) as RefundRow[];
    if (now.status !== 'requested') throw new DomainError('RECHARGE_REFUND_DECIDED');
    const order = (await orderById(m, refund.order_id)) as RechargeOrderRow;
    const accounts = await this.storedValue.accounts(m, member);
    const share = rechargeRefundable(
      { principalFen: order.payFen, bonusFen: order.bonusFen, refundedPrincipalFen: order.refundedFen },
      { principalFen: accounts.principal.balance, bonusFen: accounts.bonus.balance },
    );
    if (order.status !== 'paid' && order.status !== 'partially_refunded') throw new DomainError('RECHARGE_NOT_REFUNDABLE');
    if (share.principalFen <= 0) throw new DomainError('RECHARGE_NOT_REFUNDABLE');
    const at = this.clock.now();
    const moved = await execute(m, "UPDATE recharge_refunds SET status = 'processing', principal_fen = ?, bonus_forfeit_fen = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'requested'", [
      share.principalFen,
      share.bonusForfeitFen,
      staff.id,
      dbTime(at),
      id,
    ]);
    if (moved !== 1) throw new DomainError('RECHARGE_REFUND_DECIDED');
    await this.storedValue.debit(
      m,
      accounts,
      { principalFen: share.principalFen, bonusFen: share.bonusForfeitFen },
      { key: `rrefund:${id}`, principalKind: 'refund', bonusKind: 'bonus_forfeit', reason: `充值退款 订单 ${order.orderNo}`, sourceType: 'recharge_refund', sourceId: id, staffId: staff.id, at },
    );
  }

  private async insert(
    order: RechargeOrderRow,
    id: string,
    r: { principalFen: number; reason: string; requestId: string | null; status: 'requested' },
    m?: EntityManager,
  ): Promise<void> {
    const run = (em: EntityManager) =>
      em.query(
        `INSERT INTO recharge_refunds (id, brand_id, member_id, order_id, refund_no, request_id, open_key, principal_fen, bonus_forfeit_fen, status, reason, requested_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
        [id, order.brandId, order.memberId, order.id, newRefundNo(), r.requestId, order.id, r.principalFen, r.status, r.reason, dbTime(this.clock.now())],
      );
    try {
      await (m ? run(m) : this.uow.transaction(run));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Which key it was is for the caller to find out, outside this unit of work (see direct()).
      throw new DomainError(r.requestId ? 'RECHARGE_REFUND_CONFLICT' : 'RECHARGE_REFUND_PENDING');
    }
  }

  /** The refund made with this requestId; RECHARGE_REFUND_CONFLICT when it was for another order. */
  private async byRequest(brandId: string, requestId: string, orderNo: string | null): Promise<RechargeRefund | null> {
    const [row] = (await this.uow.reader.query(`${SELECT} WHERE r.brand_id = ? AND r.request_id = ?`, [brandId, requestId])) as RefundRow[];
    if (!row) return null;
    if (orderNo !== null && row.order_no !== orderNo) throw new DomainError('RECHARGE_REFUND_CONFLICT');
    return view(row);
  }

  private async inScope(staff: StaffActor, id: string): Promise<RefundRow> {
    const [row] = (await this.uow.reader.query(
      `SELECT r.status, o.order_no, mb.brand_id, s.id AS store_id, s.region_id FROM recharge_refunds r JOIN recharge_orders o ON o.id = r.order_id JOIN members mb ON mb.id = r.member_id
       LEFT JOIN stores s ON s.id = mb.join_store_id WHERE r.id = ?`,
      [id],
    )) as (RefundRow & { store_id: string | null; region_id: string | null })[];
    if (!row || row.brand_id !== staff.brandId) throw new DomainError('RECHARGE_REFUND_NOT_FOUND');
    const home = row.store_id ? { id: row.store_id, brandId: row.brand_id, regionId: String(row.region_id) } : null;
    if (!this.policy.mayViewMember(staff, { brandId: row.brand_id }, home)) throw new DomainError('OTHER_STORE');
    return row;
  }

  private async one(id: string): Promise<RechargeRefund> {
    const [row] = (await this.uow.reader.query(`${SELECT} WHERE r.id = ?`, [id])) as RefundRow[];
    return view(row);
  }
}

function view(r: RefundRow): RechargeRefund {
  return {
    id: r.id,
    orderNo: r.order_no,
    refundNo: r.refund_no,
    principalFen: toInt(r.principal_fen),
    bonusForfeitFen: toInt(r.bonus_forfeit_fen),
    status: r.status,
    reason: r.reason,
    memberNo: r.member_no,
    memberPhone: r.phone_masked,
    decidedBy: r.decider ?? null,
    rejectReason: r.reject_reason ?? null,
    requestedAt: fromDbTime(r.requested_at).toISOString(),
    finishedAt: r.finished_at ? fromDbTime(r.finished_at).toISOString() : null,
  };
}

/** `RF` + 20 random hex: WeChat Pay's out_refund_no (≤ 64), fixed for the refund's life. */
function newRefundNo(): string {
  return `RF${randomBytes(10).toString('hex').toUpperCase()}`;
}
