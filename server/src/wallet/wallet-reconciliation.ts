import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { chinaDate, chinaDayStart, type WalletReconciliation } from '@wemember/shared';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { dbTime, isMysql } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { WechatPayClient } from '../wechat-pay/wechat-pay.client';
import { ordersWhere } from './recharge-order-rows';

/**
 * The daily check of recharges against WeChat Pay (the sandbox has no bill download, so each order
 * is queried by out_trade_no): every order paid here that day must be paid there with the same
 * amount, and every order still open or closed here that WeChat Pay reports paid is reported too.
 * The result is kept per brand and day (a re-run replaces it).
 */
@Injectable()
export class WalletReconciliationService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly pay: WechatPayClient,
    private readonly clock: Clock,
  ) {}

  /** The stored result for the day, or a run now when there is none yet (yesterday by default). */
  async forDay(brandId: string, date?: string): Promise<WalletReconciliation> {
    const day = date ?? chinaDate(new Date(this.clock.nowMs() - 24 * 3600_000));
    const start = chinaDayStart(day);
    // The schema checks the shape only: 2026-02-30 is no day, and a day to come has nothing to check yet.
    if (Number.isNaN(start.getTime()) || chinaDate(start) !== day) throw new DomainError('VALIDATION_FAILED', '对账日期不存在', [{ field: 'date', message: '对账日期不存在' }]);
    if (day > chinaDate(this.clock.now())) throw new DomainError('VALIDATION_FAILED', '对账日期不能晚于今天', [{ field: 'date', message: '对账日期不能晚于今天' }]);
    const [stored] = (await this.uow.reader.query('SELECT result FROM wallet_reconciliations WHERE brand_id = ? AND business_date = ?', [brandId, day])) as { result: string }[];
    if (stored && day < chinaDate(this.clock.now())) return JSON.parse(stored.result) as WalletReconciliation;
    return this.run(brandId, day);
  }

  async run(brandId: string, day: string): Promise<WalletReconciliation> {
    const start = chinaDayStart(day);
    const end = new Date(start.getTime() + 24 * 3600_000);
    const paidHere = await ordersWhere(this.uow.reader, 'brand_id = ? AND paid_at >= ? AND paid_at < ?', [brandId, dbTime(start), dbTime(end)], 'ORDER BY paid_at');
    const openHere = await ordersWhere(this.uow.reader, "brand_id = ? AND paid_at IS NULL AND status IN ('paying', 'closed') AND created_at >= ? AND created_at < ?", [brandId, dbTime(start), dbTime(end)]);
    const result: WalletReconciliation = { date: day, localPaidCount: 0, localPaidFen: 0, remotePaidCount: 0, remotePaidFen: 0, mismatches: [], checkedAt: this.clock.now().toISOString() };
    for (const order of [...paidHere, ...openHere]) {
      const paid = order.paidAt !== null;
      if (paid) {
        result.localPaidCount += 1;
        result.localPaidFen += order.payFen;
      }
      const remote = await this.pay.query(order.orderNo);
      const remotePaid = remote !== null && (remote.trade_state === 'SUCCESS' || remote.trade_state === 'REFUND');
      if (remotePaid) {
        result.remotePaidCount += 1;
        result.remotePaidFen += remote.amount?.total ?? 0;
      }
      const problem =
        paid && !remotePaid ? '本地已支付，微信支付未支付'
        : !paid && remotePaid ? '微信支付已支付，本地未入账'
        : remotePaid && remote.amount?.total !== order.payFen ? '金额不一致'
        : remotePaid && order.transactionId && remote.transaction_id !== order.transactionId ? '微信支付单号不一致'
        : null;
      if (problem) result.mismatches.push({ orderNo: order.orderNo, problem, localStatus: order.status, remoteState: remote?.trade_state ?? null });
    }
    await this.store(brandId, day, result);
    return result;
  }

  private async store(brandId: string, day: string, result: WalletReconciliation): Promise<void> {
    await this.uow.transaction(async (m) => {
      const values = [randomUUID(), brandId, day, JSON.stringify(result), result.mismatches.length, dbTime(this.clock.now())];
      const upsert = isMysql(m)
        ? 'ON DUPLICATE KEY UPDATE result = VALUES(result), mismatches = VALUES(mismatches), checked_at = VALUES(checked_at)'
        : 'ON CONFLICT (brand_id, business_date) DO UPDATE SET result = excluded.result, mismatches = excluded.mismatches, checked_at = excluded.checked_at';
      await m.query(`INSERT INTO wallet_reconciliations (id, brand_id, business_date, result, mismatches, checked_at) VALUES (?, ?, ?, ?, ?, ?) ${upsert}`, values);
    });
  }
}
