import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CAMPAIGNS_QUEUE, CampaignRunner, type BatchOutcome, type CampaignJob } from './campaign-runner';

/**
 * The campaigns' repeatable schedule check on Bull, every CAMPAIGN_CHECK_SECONDS (a minute; one
 * schedule in Redis however many instances register it): starts due runs — a run missed while the server was down starts at the next check,
 * once — and re-queues the next batch of a running run that stopped moving, so a batch job lost
 * with Redis (or a worker) is found again.
 */
@Injectable()
export class CampaignJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('CampaignJobs');

  constructor(
    @InjectQueue(CAMPAIGNS_QUEUE) private readonly queue: Queue<CampaignJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobs.schedule) return;
    await this.ensureSchedule();
    this.queue.client.on('ready', () => void this.ensureSchedule().catch((error: Error) => this.logger.error(`re-registering the campaign check failed: ${error.message}`)));
  }

  async ensureSchedule(): Promise<void> {
    const held = new Set((await this.queue.getRepeatableJobs()).map((j) => j.name));
    if (!held.has('check')) await this.queue.add('check', {}, { removeOnComplete: 100, removeOnFail: 500, repeat: { every: this.config.campaigns.checkSeconds * 1000 }, jobId: 'campaigns-check' });
  }
}

@Processor(CAMPAIGNS_QUEUE)
export class CampaignJobsProcessor {
  constructor(private readonly runner: CampaignRunner) {}

  @Process('due')
  due(): Promise<number> {
    return this.runner.runDue();
  }

  @Process('check')
  async check(): Promise<{ started: number; requeued: number }> {
    return { started: await this.runner.runDue(), requeued: await this.runner.requeueRunning() };
  }

  @Process('batch')
  batch(job: Job<CampaignJob>): Promise<BatchOutcome> {
    return this.runner.runBatch(job.data.campaignId ?? '', job.data.runNo ?? 0);
  }
}
