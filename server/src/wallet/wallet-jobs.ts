import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { chinaDate, rechargeLabel } from '@wemember/shared';
import type { Job, Queue } from 'bull';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { dbTime, execute } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { MiniProgramClient } from '../wechat/mini-program.client';
import { rfc3339China, WechatPayClient } from '../wechat-pay/wechat-pay.client';
import { orderByNo } from './recharge-order-rows';
import { RechargeOrders } from './recharge-orders';
import { RechargeRefunds } from './recharge-refunds';
import { WalletReconciliationService } from './wallet-reconciliation';
import { WALLET_QUEUE, type ShippingJob } from './wallet-queue';

/** The daily reconciliation with WeChat Pay, for the day before (Asia/Shanghai). */
export const WALLET_RECONCILE_CRON = '0 4 * * *';
const KEEP = { removeOnComplete: 100, removeOnFail: 500 };

/**
 * The stored-value schedule, as Bull repeatable jobs (Redis holds one schedule however many
 * instances register it): the sweeper every WECHAT_PAY_SWEEP_SECONDS and the reconciliation at 04:00.
 */
@Injectable()
export class WalletJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('WalletJobs');

  constructor(
    @InjectQueue(WALLET_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobs.schedule) return;
    await this.ensureSchedule();
    this.queue.client.on('ready', () => void this.ensureSchedule().catch((error: Error) => this.logger.error(`re-registering the wallet schedule failed: ${error.message}`)));
  }

  async ensureSchedule(): Promise<void> {
    const held = new Set((await this.queue.getRepeatableJobs()).map((j) => j.name));
    if (!held.has('sweep')) await this.queue.add('sweep', {}, { ...KEEP, repeat: { every: this.config.pay.sweepSeconds * 1000 }, jobId: 'wallet-sweep' });
    if (!held.has('reconcile')) await this.queue.add('reconcile', {}, { ...KEEP, repeat: { cron: WALLET_RECONCILE_CRON, tz: 'Asia/Shanghai' }, jobId: 'wallet-reconcile' });
  }
}

@Processor(WALLET_QUEUE)
export class WalletJobsProcessor {
  private readonly logger = new Logger('WalletJobs');

  constructor(
    private readonly orders: RechargeOrders,
    private readonly refunds: RechargeRefunds,
    private readonly reconciliation: WalletReconciliationService,
    private readonly miniProgram: MiniProgramClient,
    private readonly pay: WechatPayClient,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /**
   * Orders still paying after WECHAT_PAY_SWEEP_AFTER_SECONDS are asked about (credited, or closed
   * once expired), refunds still processing are asked about (or sent again), and paid orders whose
   * shipping upload is missing are queued again. One order's failure does not stop the others.
   */
  @Process('sweep')
  async sweep(): Promise<{ orders: number; refunds: number }> {
    const orders = await this.orders.stale();
    for (const no of orders) await this.orders.refresh(no).catch((error: Error) => this.logger.warn(`sweep of ${no}: ${error.message}`));
    const refunds = await this.refunds.processing();
    for (const id of refunds) await this.refunds.refresh(id).catch((error: Error) => this.logger.warn(`sweep of refund ${id}: ${error.message}`));
    for (const no of await this.orders.unshipped()) await this.orders.requeueShipping(no);
    return { orders: orders.length, refunds: refunds.length };
  }

  /** Virtual goods (logistics_type 3), uploaded once: shipping_uploaded_at is set by a conditional UPDATE after WeChat's ok. */
  @Process('shipping')
  async shipping(job: Job<ShippingJob>): Promise<'uploaded' | 'already'> {
    const order = await orderByNo(this.uow.reader, job.data.orderNo);
    if (!order || order.shippingUploadedAt || !order.transactionId) return 'already';
    const merchant = await this.pay.settings();
    await this.miniProgram.uploadShippingInfo({
      order_key: { order_number_type: 1, mchid: merchant.mchid, out_trade_no: order.orderNo },
      logistics_type: 3,
      delivery_mode: 1,
      shipping_list: [{ item_desc: `储值充值 ${rechargeLabel(order.payFen, order.bonusFen)}` }],
      upload_time: rfc3339China(this.clock.now()),
      payer: { openid: order.payerOpenid },
    });
    await this.uow.transaction((m) => execute(m, 'UPDATE recharge_orders SET shipping_uploaded_at = ? WHERE id = ? AND shipping_uploaded_at IS NULL', [dbTime(this.clock.now()), order.id]));
    return 'uploaded';
  }

  @Process('reconcile')
  async reconcile(): Promise<{ brands: number; mismatches: number }> {
    const day = chinaDate(new Date(this.clock.nowMs() - 24 * 3600_000));
    const brands = (await this.uow.reader.query('SELECT DISTINCT brand_id FROM recharge_orders')) as { brand_id: string }[];
    let mismatches = 0;
    for (const { brand_id } of brands) mismatches += (await this.reconciliation.run(brand_id, day)).mismatches.length;
    if (mismatches) this.logger.error(`wallet reconciliation ${day}: ${mismatches} mismatch(es) with WeChat Pay`);
    return { brands: brands.length, mismatches };
  }
}
