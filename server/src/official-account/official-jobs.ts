import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { Clock } from '../common/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { dbTime, execute } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { OfficialAccountClient } from '../wechat/official-account.client';
import { recordFinish } from './follower-events';
import { OFFICIAL_QUEUE, type FinishJob, type UnionidJob } from './official-queue';

/** Daily at 04:45 (Asia/Shanghai): pushes handled more than PUSH_EVENTS_KEEP_DAYS ago are forgotten. */
export const OFFICIAL_PURGE_CRON = '45 4 * * *';
/**
 * WeChat retries a push within seconds (§G.3), so a month of keys is ample. A push replayed after
 * that changes nothing anyway: follows and unfollows apply only over older states (by CreateTime),
 * scenes and stores only fill what is empty, and an outcome is written again as it was.
 */
export const PUSH_EVENTS_KEEP_DAYS = 30;

/** Registers the purge as a Bull repeatable job (Redis holds one schedule however many instances register it). */
@Injectable()
export class OfficialJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('OfficialJobs');

  constructor(
    @InjectQueue(OFFICIAL_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobs.schedule || !this.config.officialAccount) return;
    await this.ensureSchedule();
    this.queue.client.on('ready', () => void this.ensureSchedule().catch((error: Error) => this.logger.error(`re-registering the purge failed: ${error.message}`)));
  }

  async ensureSchedule(): Promise<void> {
    const held = new Set((await this.queue.getRepeatableJobs()).map((j) => j.name));
    if (!held.has('purge')) {
      await this.queue.add('purge', {}, { removeOnComplete: 100, removeOnFail: 500, repeat: { cron: OFFICIAL_PURGE_CRON, tz: 'Asia/Shanghai' }, jobId: 'official-purge' });
    }
  }
}

/**
 * The official account's jobs. `unionid`: a new follower's unionid, from `user/info` (§D.2) — what
 * links the official-account openid to the member whose mini-program identity has the same unionid.
 * Asked after WeChat had its `success`; a failure (WeChat busy, -1) throws and Bull tries again.
 * Storing it is idempotent.
 */
@Processor(OFFICIAL_QUEUE)
export class OfficialJobsProcessor {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly official: OfficialAccountClient,
  ) {}

  @Process('unionid')
  async resolve(job: Job<UnionidJob>): Promise<'stored' | 'known' | 'not-following' | 'no-unionid'> {
    const appid = this.official.appid;
    const { openid } = job.data;
    const [row] = (await this.uow.reader.query('SELECT following, unionid FROM oa_followers WHERE appid = ? AND openid = ?', [appid, openid])) as {
      following: unknown;
      unionid: string | null;
    }[];
    if (!row || Number(row.following) !== 1) return 'not-following';
    if (row.unionid) return 'known';
    const info = await this.official.userInfo(openid);
    // Unfollowed meanwhile, or an account not bound to the Open Platform account of the mini-program.
    if (!info.subscribed) return 'not-following';
    if (!info.unionid) return 'no-unionid';
    const unionid = info.unionid;
    await this.uow.transaction((m) =>
      execute(m, 'UPDATE oa_followers SET unionid = ?, updated_at = ? WHERE appid = ? AND openid = ? AND unionid IS NULL', [unionid, dbTime(this.clock.now()), appid, openid]),
    );
    return 'stored';
  }

  /** A template outcome whose msgid was on no notification yet: throws (and Bull retries) until it is. */
  @Process('finish')
  async finish(job: Job<FinishJob>): Promise<'recorded'> {
    const matched = await this.uow.transaction((m) => recordFinish(m, job.data, dbTime(this.clock.now())));
    if (!matched) throw new Error(`no notification has template msgid ${job.data.msgid} yet`);
    return 'recorded';
  }

  /** Forgets the keys of pushes handled long ago; answers how many. */
  @Process('purge')
  async purge(): Promise<number> {
    const cutoff = new Date(this.clock.nowMs() - PUSH_EVENTS_KEEP_DAYS * 24 * 3600 * 1000);
    return this.uow.transaction((m) => execute(m, 'DELETE FROM oa_push_events WHERE received_at < ?', [dbTime(cutoff)]));
  }
}
