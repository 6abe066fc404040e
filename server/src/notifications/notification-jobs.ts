import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MESSAGES_QUEUE, type SendJob } from './messages-queue';
import { NotificationSender, type SendOutcome } from './notification-sender';

const KEEP = { removeOnComplete: 100, removeOnFail: 500 };
/**
 * Send jobs a worker runs at once. A send spends most of its time waiting on WeChat and the
 * database, and each claims its row with a checked UPDATE (pending → sending), so several at once
 * never send one row twice — as two instances would not. One at a time a campaign's messages went
 * out at ~225 a second on two cores, slower than the runner made them (docs/campaigns.md "At scale").
 */
export const SEND_CONCURRENCY = 8;

/**
 * The sweeper, a Bull repeatable job every MESSAGES_SWEEP_SECONDS (Redis holds one schedule however
 * many instances register it): it sends whatever is due, so a notification whose job was never
 * queued (a crash between the event's commit and the queue add) still goes out.
 */
@Injectable()
export class NotificationJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('NotificationJobs');

  constructor(
    @InjectQueue(MESSAGES_QUEUE) private readonly queue: Queue<SendJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobs.schedule) return;
    await this.ensureSchedule();
    this.queue.client.on('ready', () => void this.ensureSchedule().catch((error: Error) => this.logger.error(`re-registering the message sweeper failed: ${error.message}`)));
  }

  async ensureSchedule(): Promise<void> {
    const held = new Set((await this.queue.getRepeatableJobs()).map((j) => j.name));
    if (!held.has('sweep')) await this.queue.add('sweep', { id: '' }, { ...KEEP, repeat: { every: this.config.messages.sweepSeconds * 1000 }, jobId: 'messages-sweep' });
  }
}

@Processor(MESSAGES_QUEUE)
export class NotificationJobsProcessor {
  constructor(private readonly sender: NotificationSender) {}

  @Process({ name: 'send', concurrency: SEND_CONCURRENCY })
  send(job: Job<SendJob>): Promise<SendOutcome> {
    return this.sender.process(job.data.id);
  }

  @Process('sweep')
  sweep(): Promise<Record<SendOutcome, number>> {
    return this.sender.runDue();
  }
}
