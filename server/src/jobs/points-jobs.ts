import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { chinaDate } from '@wemember/shared';
import type { Job, JobOptions, Queue } from 'bull';
import { parseExpression } from 'cron-parser';
import { Clock } from '../common/clock';
import { BirthdayGifts } from '../birthdays/birthday-gifts';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CouponMaintenance } from '../coupons/coupon-maintenance';
import { RfmScoring } from '../loyalty/rfm-scoring';
import { PointsMaintenance } from '../points/points-maintenance';
import { RedisService, watchOutages } from '../redis/redis.service';

export const POINTS_QUEUE = 'points';
const CHINA_TZ = 'Asia/Shanghai';

export type PointsJobName = 'expire' | 'reconcile' | 'tier-review' | 'coupon-expire' | 'tier-packs' | 'birthday' | 'rfm';

/**
 * When each job runs (Asia/Shanghai): points and coupon expiry just after midnight, reconciliation
 * at night, the tier review on 1 January, and the tiers' monthly coupon packs on the 1st of every
 * month after it (so January's packs follow the new tiers), and the birthday gifts every day after
 * the expiry (a gift due on the 1st follows that month's tier review), and the RFM scoring at 02:30,
 * after the day's purchases and before the morning's campaigns read the stages.
 */
export const POINTS_SCHEDULE: Record<PointsJobName, string> = {
  expire: '5 0 * * *',
  reconcile: '30 3 * * *',
  'tier-review': '15 0 1 1 *',
  'coupon-expire': '10 0 * * *',
  'tier-packs': '30 0 1 * *',
  birthday: '20 0 * * *',
  rfm: '30 2 * * *',
};

interface DayJob {
  /** The Shanghai date the run is for; a repeatable run takes today's. */
  date?: string;
  /** Only this brand (a re-run from the console); every brand when absent. */
  brandId?: string;
}

/** How late a scheduled run may be before it is reported as missed. */
const GRACE_MS = 15 * 60_000;

export interface MissedRun {
  name: PointsJobName;
  /** When it should have run. */
  due: string;
  /** When it last ran, as far as Redis remembers. */
  lastRun: string | null;
}

/**
 * Bull repeatable jobs, never in-process cron: every instance registers the same repeat keys, so
 * Redis holds one schedule and each run is one job, picked up by one instance. Effects are keyed
 * too, since Bull delivers at least once.
 *
 * The schedule lives in Redis, so a Redis that restarts empty has none: every instance registers it
 * again when its connection comes back, and checks it every few minutes anyway (registering is
 * idempotent). The same check reports a run that is overdue — a schedule that silently stopped is
 * the failure nobody would otherwise see until points failed to expire.
 */
@Injectable()
export class PointsJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PointsJobs');
  private timer?: NodeJS.Timeout;
  private readonly watchingSince: number;
  private readonly reported = new Set<string>();

  constructor(
    @InjectQueue(POINTS_QUEUE) readonly queue: Queue<DayJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly clock: Clock,
  ) {
    this.watchingSince = clock.nowMs();
  }

  async onApplicationBootstrap(): Promise<void> {
    watchOutages(this.queue, this.logger, 'job queue');
    if (!this.config.jobs.schedule) return;
    await this.ensureSchedule();
    this.logger.log(`scheduled ${Object.keys(POINTS_SCHEDULE).join(', ')} (${CHINA_TZ})`);
    this.queue.client.on('ready', () => {
      this.ensureSchedule().catch((error: Error) => this.logger.error(`re-registering the schedule failed: ${error.message}`));
    });
    this.timer = setInterval(() => void this.check().catch(() => undefined), this.config.jobs.checkSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Registers every repeatable job that Redis does not hold; returns the names it had to add. */
  async ensureSchedule(): Promise<PointsJobName[]> {
    const held = new Set((await this.queue.getRepeatableJobs()).map((j) => j.name));
    const added: PointsJobName[] = [];
    for (const [name, cron] of Object.entries(POINTS_SCHEDULE) as [PointsJobName, string][]) {
      if (held.has(name)) continue;
      await this.queue.add(name, {}, { ...KEEP, repeat: { cron, tz: CHINA_TZ }, jobId: `points-${name}` });
      added.push(name);
    }
    if (added.length && held.size) this.logger.warn(`the schedule had lost ${added.join(', ')}: registered again`);
    return added;
  }

  /** Re-registers what is missing, then reports each scheduled run that is overdue (once per run). */
  async check(): Promise<MissedRun[]> {
    await this.ensureSchedule();
    const missed = await this.missedRuns();
    for (const run of missed) {
      const key = `${run.name}@${run.due}`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      this.logger.error(`scheduled job ${run.name} due at ${run.due} has not run (last run: ${run.lastRun ?? 'unknown'})`);
    }
    return missed;
  }

  /** Runs that were due more than GRACE_MS ago, since this instance started watching, and have not run since. */
  async missedRuns(): Promise<MissedRun[]> {
    const now = this.clock.nowMs();
    const missed: MissedRun[] = [];
    for (const [name, cron] of Object.entries(POINTS_SCHEDULE) as [PointsJobName, string][]) {
      const due = parseExpression(cron, { tz: CHINA_TZ, currentDate: new Date(now - GRACE_MS) }).prev().getTime();
      if (due < this.watchingSince) continue;
      const last = await this.redis.client.get(lastRunKey(this.redis, name));
      if (last !== null && Number(last) >= due) continue;
      missed.push({ name, due: new Date(due).toISOString(), lastRun: last === null ? null : new Date(Number(last)).toISOString() });
    }
    return missed;
  }

  /** Queues one run for `date` now; asking twice (or from two instances) for the same day queues it once. */
  runFor(name: PointsJobName, date: string, brandId?: string): Promise<Job<DayJob>> {
    return this.queue.add(name, { date, brandId }, { ...KEEP, jobId: `points-${name}:${date}${brandId ? `:${brandId}` : ''}` });
  }
}

const lastRunKey = (redis: RedisService, name: PointsJobName) => redis.key('jobs', 'last-run', name);

const KEEP: JobOptions = { removeOnComplete: 100, removeOnFail: 500, attempts: 3, backoff: { type: 'exponential', delay: 60_000 } };

@Processor(POINTS_QUEUE)
export class PointsJobsProcessor {
  constructor(
    private readonly maintenance: PointsMaintenance,
    private readonly coupons: CouponMaintenance,
    private readonly birthdays: BirthdayGifts,
    private readonly rfm: RfmScoring,
    private readonly redis: RedisService,
    private readonly clock: Clock,
  ) {}

  /** Remembers when a scheduled job last ran, for the missed-run check. */
  private async ran<T>(name: PointsJobName, work: Promise<T>): Promise<T> {
    const result = await work;
    await this.redis.client.set(lastRunKey(this.redis, name), String(this.clock.nowMs()));
    return result;
  }

  private day(job: Job<DayJob>): string {
    return job.data.date ?? chinaDate(this.clock.now());
  }

  @Process('expire')
  expire(job: Job<DayJob>) {
    return this.ran('expire', this.maintenance.expire(this.day(job), job.data.brandId));
  }

  @Process('reconcile')
  async reconcile(job: Job<DayJob>) {
    const result = await this.ran('reconcile', this.maintenance.reconcile(job.data.brandId));
    return { checkedMembers: result.checkedMembers, mismatches: result.mismatches.length };
  }

  @Process('tier-review')
  review(job: Job<DayJob>) {
    return this.ran('tier-review', this.maintenance.reviewTiers(this.day(job), job.data.brandId));
  }

  @Process('coupon-expire')
  expireCoupons(job: Job<DayJob>) {
    return this.ran('coupon-expire', this.coupons.expire(this.day(job), job.data.brandId));
  }

  /** The month of the run's date: a late or repeated run still gives that month's pack, once. */
  @Process('tier-packs')
  tierPacks(job: Job<DayJob>) {
    return this.ran('tier-packs', this.coupons.tierPacks(this.day(job).slice(0, 7), job.data.brandId));
  }

  /** The gifts due on the run's date: a late run still gives within the birthday month, a repeated one gives nothing more. */
  @Process('birthday')
  birthday(job: Job<DayJob>) {
    return this.ran('birthday', this.birthdays.run(this.day(job), job.data.brandId));
  }

  /** The night's RFM scores and stages, for the run's date: a repeated run finds it recorded and does nothing again. */
  @Process('rfm')
  rfmScores(job: Job<DayJob>) {
    return this.ran('rfm', this.rfm.run(this.day(job), job.data.brandId));
  }
}
