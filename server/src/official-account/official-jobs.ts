import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { Clock } from '../common/clock';
import { dbTime, execute } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { OfficialAccountClient } from '../wechat/official-account.client';
import { recordFinish } from './follower-events';
import { OFFICIAL_QUEUE, type FinishJob, type UnionidJob } from './official-queue';

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
}
