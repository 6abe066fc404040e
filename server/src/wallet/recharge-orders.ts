import { randomBytes, randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { chinaDate, rechargeLabel, type CreatedRechargeOrder, type MemberRechargeOrders, type RechargeOrder } from '@wemember/shared';
import type { Queue } from 'bull';
import type { EntityManager } from 'typeorm';
import type { MemberActor, WechatUserActor } from '../access/actors';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { dbTime, execute, toInt } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { LedgerRepository } from '../ledger/ledger.repository';
import { assertCanTransact, lockMember } from '../ledger/member-lock';
import { WechatPayClient, type PayTransaction } from '../wechat-pay/wechat-pay.client';
import { RechargePackages } from './recharge-packages';
import { orderByNo, ordersWhere, rechargeOrderView, type RechargeOrderRow } from './recharge-order-rows';
import { StoredValue } from './stored-value';
import { WALLET_QUEUE, type ShippingJob } from './wallet-queue';

/** What a payment report (notification or query) led to. */
export type SettleOutcome = 'credited' | 'duplicate' | 'closed';

/**
 * Recharge orders (docs/domain.md, stored value): created locally with one of the package's
 * per-member times, given a WeChat Pay prepay_id (`paying`), and credited exactly once by the one
 * conditional UPDATE paying → paid — whether the notification, a duplicate of it, the sweeper's query
 * or the member's result page gets there first. Unpaid orders are closed at WeChat Pay before they
 * are closed here, so a payment can never land on an order we gave up on.
 */
@Injectable()
export class RechargeOrders {
  private readonly logger = new Logger('RechargeOrders');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly packages: RechargePackages,
    private readonly storedValue: StoredValue,
    private readonly ledger: LedgerRepository,
    private readonly pay: WechatPayClient,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(WALLET_QUEUE) private readonly queue: Queue,
  ) {}

  async create(member: MemberActor, user: WechatUserActor, packageId: string): Promise<CreatedRechargeOrder> {
    const [identity] = (await this.uow.reader.query('SELECT openid FROM wechat_identities WHERE id = ?', [user.sub])) as { openid: string }[];
    if (!identity) throw new DomainError('TOKEN_INVALID');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.pay.orderExpireMinutes * 60_000);
    const order = await this.uow.transaction(async (m) => {
      const locked = await lockMember(m, member.memberId);
      if (!locked) throw new DomainError('TOKEN_INVALID');
      assertCanTransact(locked);
      const p = await this.packages.offered(m, member.brandId, packageId, now);
      await this.packages.claim(m, p, locked);
      const row = { id: randomUUID(), orderNo: newOrderNo(now), name: p.name, payFen: p.payFen, bonusFen: p.bonusFen, packageId: p.id };
      await m.query(
        `INSERT INTO recharge_orders (id, brand_id, member_id, order_no, package_id, package_name, pay_fen, bonus_fen, status, payer_openid, prepay_expires_at, refunded_fen, bonus_forfeited_fen, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'created', ?, ?, 0, 0, ?, ?)`,
        [row.id, member.brandId, member.memberId, row.orderNo, row.packageId, row.name, row.payFen, row.bonusFen, identity.openid, dbTime(expiresAt), dbTime(now), dbTime(now)],
      );
      return row;
    });
    let prepaid: Awaited<ReturnType<WechatPayClient['prepay']>>;
    try {
      prepaid = await this.pay.prepay({
        outTradeNo: order.orderNo,
        description: `会员储值 ${rechargeLabel(order.payFen, order.bonusFen)}`,
        totalFen: order.payFen,
        openid: identity.openid,
        expiresAt,
      });
    } catch (error) {
      // No prepay_id: the member cannot pay this order, so it closes and the package time comes back.
      await this.closeLocally(order.orderNo);
      throw error;
    }
    await this.uow.transaction((m) =>
      execute(m, "UPDATE recharge_orders SET status = 'paying', prepay_id = ?, updated_at = ? WHERE id = ? AND status = 'created'", [prepaid.prepayId, dbTime(this.clock.now()), order.id]),
    );
    return { orderNo: order.orderNo, order: await this.view(member, order.orderNo), payParams: prepaid.payParams };
  }

  /** The member's own order; while WeChat Pay has not told us, asks it (at most every few seconds per order). */
  async get(member: MemberActor, orderNo: string): Promise<RechargeOrder> {
    const order = await this.own(member, orderNo);
    if (order.status === 'paying' && (await this.mayQuery(order))) {
      await this.refresh(order.orderNo).catch((error: Error) => this.logger.warn(`query of ${orderNo} failed: ${error.message}`));
    }
    return this.view(member, orderNo);
  }

  async list(member: MemberActor): Promise<MemberRechargeOrders> {
    const rows = await ordersWhere(this.uow.reader, 'member_id = ? AND status <> ?', [member.memberId, 'created'], 'ORDER BY created_at DESC LIMIT 100');
    const balance = await this.ledger.storedValue(member.memberId);
    const held = await this.heldByOrder(member.memberId);
    return { orders: rows.map((o) => rechargeOrderView(o, balance, held.get(o.id) ?? 0)) };
  }

  /**
   * A payment WeChat Pay reports (verified notification or query): after checking it is this order's
   * (mchid, appid, amount), one unit of work under the member's lock moves paying → paid and credits
   * principal and bonus, keyed `recharge:<orderNo>`. Anything already past paying is a duplicate.
   */
  async settle(order: RechargeOrderRow, tx: PayTransaction): Promise<SettleOutcome> {
    const now = this.clock.now();
    const outcome = await this.uow.transaction(async (m) => {
      const member = await lockMember(m, order.memberId);
      if (!member) throw new Error(`recharge ${order.orderNo}: member ${order.memberId} is gone`);
      const paid = await execute(m, "UPDATE recharge_orders SET status = 'paid', transaction_id = ?, paid_at = ?, updated_at = ? WHERE id = ? AND status IN ('created', 'paying')", [
        tx.transaction_id ?? null,
        dbTime(tx.success_time ? new Date(tx.success_time) : now),
        dbTime(now),
        order.id,
      ]);
      if (paid !== 1) return (await orderByNo(m, order.orderNo))?.status === 'closed' ? 'closed' : 'duplicate';
      const accounts = await this.storedValue.accounts(m, member);
      await this.storedValue.credit(
        m,
        accounts,
        { principalFen: order.payFen, bonusFen: order.bonusFen },
        { key: `recharge:${order.orderNo}`, principalKind: 'recharge', bonusKind: 'recharge_bonus', reason: `储值充值 ${rechargeLabel(order.payFen, order.bonusFen)}`, sourceType: 'recharge_order', sourceId: order.id, at: now },
      );
      return 'credited' as const;
    });
    if (outcome === 'closed') this.logger.error(`recharge ${order.orderNo} was paid at WeChat Pay (${tx.transaction_id}) but is closed here: refund it by hand`);
    if (outcome === 'credited') await this.queueShipping(order.orderNo);
    return outcome;
  }

  /** Asks WeChat Pay about an order still open here and does what the answer says (the sweeper, the result page). */
  async refresh(orderNo: string): Promise<RechargeOrderRow['status']> {
    const order = await orderByNo(this.uow.reader, orderNo);
    if (!order || (order.status !== 'paying' && order.status !== 'created')) return order?.status ?? 'closed';
    const tx = await this.pay.query(orderNo);
    if (tx && (tx.trade_state === 'SUCCESS' || tx.trade_state === 'REFUND')) {
      if (tx.amount?.total !== order.payFen) {
        this.logger.error(`recharge ${orderNo}: WeChat Pay reports ${tx.amount?.total} fen paid, the order is ${order.payFen}: not credited`);
        return order.status;
      }
      await this.settle(order, tx);
    } else if (!tx || tx.trade_state === 'CLOSED' || tx.trade_state === 'REVOKED' || tx.trade_state === 'PAYERROR') {
      if (!tx && this.clock.nowMs() - order.createdAt.getTime() < this.config.pay.sweepAfterSeconds * 1000) return order.status;
      await this.closeLocally(orderNo);
    } else if (order.prepayExpiresAt && order.prepayExpiresAt.getTime() <= this.clock.nowMs()) {
      // Unpaid past its expiry: closed at WeChat Pay first, so a late payment cannot arrive after we gave up.
      if ((await this.pay.close(orderNo)) === 'paid') return this.refresh(orderNo);
      await this.closeLocally(orderNo);
    }
    return (await orderByNo(this.uow.reader, orderNo))?.status ?? 'closed';
  }

  /** The orders the sweeper asks about: paying (or stuck before prepay) for longer than the notification should take. */
  async stale(limit = 200): Promise<string[]> {
    const before = new Date(this.clock.nowMs() - this.config.pay.sweepAfterSeconds * 1000);
    const rows = (await this.uow.reader.query("SELECT order_no FROM recharge_orders WHERE status IN ('created', 'paying') AND created_at <= ? ORDER BY created_at LIMIT ?", [
      dbTime(before),
      limit,
    ])) as { order_no: string }[];
    return rows.map((r) => r.order_no);
  }

  /** created/paying → closed, checked, and the package's time given back in the same unit of work. */
  async closeLocally(orderNo: string): Promise<boolean> {
    const now = dbTime(this.clock.now());
    return this.uow.transaction(async (m) => {
      const order = await orderByNo(m, orderNo);
      if (!order) return false;
      const closed = await execute(m, "UPDATE recharge_orders SET status = 'closed', closed_at = ?, updated_at = ? WHERE id = ? AND status IN ('created', 'paying')", [now, now, order.id]);
      if (closed !== 1) return false;
      await this.packages.release(m, order.packageId, order.memberId);
      return true;
    });
  }

  async view(member: MemberActor, orderNo: string): Promise<RechargeOrder> {
    const order = await this.own(member, orderNo);
    const held = await this.heldByOrder(member.memberId);
    return rechargeOrderView(order, await this.ledger.storedValue(member.memberId), held.get(order.id) ?? 0);
  }

  /** Principal held by refunds still processing, per order of the member. */
  async heldByOrder(memberId: string, m: EntityManager = this.uow.reader): Promise<Map<string, number>> {
    const rows = (await m.query("SELECT order_id, principal_fen FROM recharge_refunds WHERE member_id = ? AND status = 'processing'", [memberId])) as { order_id: string; principal_fen: unknown }[];
    return new Map(rows.map((r) => [r.order_id, toInt(r.principal_fen)]));
  }

  async own(member: MemberActor, orderNo: string): Promise<RechargeOrderRow> {
    const order = await orderByNo(this.uow.reader, orderNo);
    if (!order || order.memberId !== member.memberId) throw new DomainError('RECHARGE_ORDER_NOT_FOUND');
    return order;
  }

  /** One query per order per WECHAT_PAY_QUERY_EVERY_MS across every instance: a conditional UPDATE of queried_at. */
  private async mayQuery(order: RechargeOrderRow): Promise<boolean> {
    const now = this.clock.nowMs();
    return this.uow.transaction(
      async (m) =>
        (await execute(m, 'UPDATE recharge_orders SET queried_at = ? WHERE id = ? AND (queried_at IS NULL OR queried_at <= ?)', [
          dbTime(new Date(now)),
          order.id,
          dbTime(new Date(now - this.config.pay.queryEveryMs)),
        ])) === 1,
    );
  }

  /** The shipping upload WeChat wants before it settles the payment: a keyed Bull job, retried with backoff. */
  private async queueShipping(orderNo: string): Promise<void> {
    const job: ShippingJob = { orderNo };
    await this.queue
      .add('shipping', job, { jobId: `shipping:${orderNo}`, attempts: 8, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: 1000, removeOnFail: 1000 })
      .catch((error: Error) => this.logger.warn(`shipping upload of ${orderNo} not queued (the sweeper retries): ${error.message}`));
  }

  /** Paid orders whose shipping upload has not been made (the sweeper queues them again). */
  async unshipped(limit = 200): Promise<string[]> {
    const rows = (await this.uow.reader.query(
      "SELECT order_no FROM recharge_orders WHERE shipping_uploaded_at IS NULL AND status IN ('paid', 'partially_refunded', 'refunded') ORDER BY paid_at LIMIT ?",
      [limit],
    )) as { order_no: string }[];
    return rows.map((r) => r.order_no);
  }

  requeueShipping(orderNo: string): Promise<void> {
    return this.queueShipping(orderNo);
  }
}

/** `R` + the China date + 16 random hex: 25 characters, within WeChat Pay's 6–32, not guessable. */
export function newOrderNo(at: Date): string {
  return `R${chinaDate(at).replaceAll('-', '')}${randomBytes(8).toString('hex').toUpperCase()}`;
}
