import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { chinaDate } from '@wemember/shared';
import type { Job, JobOptions, Queue } from 'bull';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { PointsMaintenance } from '../points/points-maintenance';

export const POINTS_QUEUE = 'points';
const CHINA_TZ = 'Asia/Shanghai';

export type PointsJobName = 'expire' | 'reconcile' | 'tier-review';

/** When each job runs (Asia/Shanghai): expiry just after midnight, reconciliation at night, the tier review on 1 January. */
export const POINTS_SCHEDULE: Record<PointsJobName, string> = {
  expire: '5 0 * * *',
  reconcile: '30 3 * * *',
  'tier-review': '15 0 1 1 *',
};

interface DayJob {
  /** The Shanghai date the run is for; a repeatable run takes today's. */
  date?: string;
  /** Only this brand (a re-run from the console); every brand when absent. */
  brandId?: string;
}

/**
 * Bull repeatable jobs, never in-process cron: every instance registers the same repeat keys, so
 * Redis holds one schedule and each run is one job, picked up by one instance. Effects are keyed
 * too, since Bull delivers at least once.
 */
@Injectable()
export class PointsJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('PointsJobs');

  constructor(
    @InjectQueue(POINTS_QUEUE) readonly queue: Queue<DayJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobs.schedule) return;
    for (const [name, cron] of Object.entries(POINTS_SCHEDULE)) {
      await this.queue.add(name, {}, { ...KEEP, repeat: { cron, tz: CHINA_TZ }, jobId: `points-${name}` });
    }
    this.logger.log(`scheduled ${Object.keys(POINTS_SCHEDULE).join(', ')} (${CHINA_TZ})`);
  }

  /** Queues one run for `date` now; asking twice (or from two instances) for the same day queues it once. */
  runFor(name: PointsJobName, date: string, brandId?: string): Promise<Job<DayJob>> {
    return this.queue.add(name, { date, brandId }, { ...KEEP, jobId: `points-${name}:${date}${brandId ? `:${brandId}` : ''}` });
  }
}

const KEEP: JobOptions = { removeOnComplete: 100, removeOnFail: 500, attempts: 3, backoff: { type: 'exponential', delay: 60_000 } };

@Processor(POINTS_QUEUE)
export class PointsJobsProcessor {
  constructor(
    private readonly maintenance: PointsMaintenance,
    private readonly clock: Clock,
  ) {}

  private day(job: Job<DayJob>): string {
    return job.data.date ?? chinaDate(this.clock.now());
  }

  @Process('expire')
  expire(job: Job<DayJob>) {
    return this.maintenance.expire(this.day(job), job.data.brandId);
  }

  @Process('reconcile')
  async reconcile(job: Job<DayJob>) {
    const result = await this.maintenance.reconcile(job.data.brandId);
    return { checkedMembers: result.checkedMembers, mismatches: result.mismatches.length };
  }

  @Process('tier-review')
  review(job: Job<DayJob>) {
    return this.maintenance.reviewTiers(this.day(job), job.data.brandId);
  }
}
