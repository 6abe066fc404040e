import { createHash } from 'node:crypto';
import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { isValidScene } from '@wemember/shared';
import type { Queue } from 'bull';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { dbTime, execute, insertOnce } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { OfficialAccountClient } from '../wechat/official-account.client';
import { invalid, type PushFields } from './push-body';
import { finishJobOptions, OFFICIAL_QUEUE, unionidJobOptions, type FinishJob, type UnionidJob } from './official-queue';

/** A parametric QR code's follow carries `qrscene_<scene>`; a follower's scan the bare scene (§G.2). */
const QR_SCENE_PREFIX = 'qrscene_';
/** oa_followers.scene, oa_push_events.dedupe_key, notifications.finish_status. */
const SCENE_MAX = 64;
const DEDUPE_KEY_MAX = 191;
const STATUS_MAX = 32;

type FollowerEvent = 'subscribe' | 'unsubscribe' | 'SCAN' | 'TEMPLATESENDJOBFINISH';
const HANDLED: Record<string, FollowerEvent> = {
  subscribe: 'subscribe',
  unsubscribe: 'unsubscribe',
  scan: 'SCAN',
  templatesendjobfinish: 'TEMPLATESENDJOBFINISH',
};

/**
 * What each official-account event does to the database (docs/official-account.md). A push is
 * handled once: its key (FromUserName + CreateTime + Event, + MsgID) goes into oa_push_events in
 * the same transaction as its effect, so WeChat's retries — and a push replayed by hand — change
 * nothing more. Nothing here calls WeChat: WeChat waits at most 5 s for `success`, so the follower's
 * unionid is asked for in a job after the answer.
 *
 * Pushes can arrive out of order (a retried subscribe after the unsubscribe that followed it), so
 * following/unfollowing only applies over an older state, by the events' own CreateTime.
 */
@Injectable()
export class FollowerEvents {
  private readonly logger = new Logger('FollowerEvents');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly official: OfficialAccountClient,
    @InjectQueue(OFFICIAL_QUEUE) private readonly queue: Queue<UnionidJob | FinishJob>,
  ) {}

  async handle(message: PushFields): Promise<void> {
    // Text, image and menu messages, location reports…: nothing to do but answer.
    if (message.MsgType !== 'event') return;
    const event = HANDLED[(message.Event ?? '').toLowerCase()];
    if (!event) return;
    const openid = message.FromUserName;
    if (!openid || openid.length > 64) throw invalid('FromUserName 缺失或过长');
    const createTime = message.CreateTime;
    // Ten digits reach the year 2286: more would not be a DATETIME.
    if (!createTime || !/^\d{1,10}$/.test(createTime)) throw invalid('CreateTime 应为秒级时间戳');
    const msgid = message.MsgID ?? message.MsgId;
    if (event === 'TEMPLATESENDJOBFINISH' && (!msgid || !/^\d{1,32}$/.test(msgid))) throw invalid('MsgID 应为数字');
    const eventAt = new Date(Number(createTime) * 1000);
    const key = dedupeKey([openid, createTime, event, ...(msgid ? [msgid] : [])]);

    if (event === 'TEMPLATESENDJOBFINISH') return this.finished(key, msgid ?? '', message.Status);
    const follower = await this.uow.transaction(async (m) => {
      const now = dbTime(this.clock.now());
      if (!(await insertOnce(m, 'oa_push_events', { dedupe_key: key, event, received_at: now }))) return this.followerRow(m, openid);
      switch (event) {
        case 'subscribe':
          await this.subscribe(m, openid, eventAt, sceneOf(message.EventKey, true), now);
          break;
        case 'SCAN':
          await this.scan(m, openid, eventAt, sceneOf(message.EventKey, false), now);
          break;
        case 'unsubscribe':
          await this.unsubscribe(m, openid, eventAt, now);
          break;
      }
      return this.followerRow(m, openid);
    });
    // Also on a duplicate: a retried push re-queues a lookup that could not be queued the first time.
    if (follower?.following && !follower.unionid && (event === 'subscribe' || event === 'SCAN')) await this.queueUnionid(openid);
  }

  private get appid(): string {
    return this.official.appid ?? '';
  }

  private async followerRow(m: EntityManager, openid: string): Promise<{ following: boolean; unionid: string | null } | null> {
    const [row] = (await m.query('SELECT following, unionid FROM oa_followers WHERE appid = ? AND openid = ?', [this.appid, openid])) as { following: unknown; unionid: string | null }[];
    return row ? { following: Number(row.following) === 1, unionid: row.unionid } : null;
  }

  /** Follows from now on; the first store whose code brought them is kept for good. */
  private async subscribe(m: EntityManager, openid: string, eventAt: Date, scene: string | null, now: string): Promise<void> {
    const at = dbTime(eventAt);
    const storeId = scene ? await this.storeOfScene(m, scene) : null;
    if (await this.firstSeenFollowing(m, openid, { storeId, scene, subscribedAt: at, now })) return;
    await execute(
      m,
      `UPDATE oa_followers SET following = 1, subscribed_at = ?, updated_at = ?
        WHERE appid = ? AND openid = ? AND (unsubscribed_at IS NULL OR unsubscribed_at <= ?) AND (subscribed_at IS NULL OR subscribed_at <= ?)`,
      [at, now, this.appid, openid, at, at],
    );
    await this.attribute(m, openid, scene, storeId, now);
  }

  /**
   * A follower scanned a parametric QR code. A scan proves they follow, so one whose subscribe
   * never reached us (they followed before the server was set) is recorded now.
   */
  private async scan(m: EntityManager, openid: string, eventAt: Date, scene: string | null, now: string): Promise<void> {
    const storeId = scene ? await this.storeOfScene(m, scene) : null;
    if (await this.firstSeenFollowing(m, openid, { storeId, scene, subscribedAt: null, now })) return;
    await execute(m, 'UPDATE oa_followers SET following = 1, updated_at = ? WHERE appid = ? AND openid = ? AND following = 0 AND (unsubscribed_at IS NULL OR unsubscribed_at < ?)', [
      now,
      this.appid,
      openid,
      dbTime(eventAt),
    ]);
    await this.attribute(m, openid, scene, storeId, now);
  }

  /** Records a follower never seen before, following; false when the openid is known already (nothing written). */
  private firstSeenFollowing(
    m: EntityManager,
    openid: string,
    seen: { storeId: string | null; scene: string | null; subscribedAt: string | null; now: string },
  ): Promise<boolean> {
    return insertOnce(m, 'oa_followers', {
      appid: this.appid,
      openid,
      unionid: null,
      following: 1,
      store_id: seen.storeId,
      scene: seen.scene,
      subscribed_at: seen.subscribedAt,
      unsubscribed_at: null,
      updated_at: seen.now,
    });
  }

  private async unsubscribe(m: EntityManager, openid: string, eventAt: Date, now: string): Promise<void> {
    const at = dbTime(eventAt);
    // Kept even for someone never seen following: a subscribe retried after this one stays older.
    const inserted = await insertOnce(m, 'oa_followers', { appid: this.appid, openid, unionid: null, following: 0, unsubscribed_at: at, updated_at: now });
    if (inserted) return;
    await execute(
      m,
      `UPDATE oa_followers SET following = 0, unsubscribed_at = ?, updated_at = ?
        WHERE appid = ? AND openid = ? AND (subscribed_at IS NULL OR subscribed_at <= ?) AND (unsubscribed_at IS NULL OR unsubscribed_at <= ?)`,
      [at, now, this.appid, openid, at, at],
    );
  }

  /** The first QR scene and the first store stay (like wechat_identities.first_scene); later ones change nothing. */
  private async attribute(m: EntityManager, openid: string, scene: string | null, storeId: string | null, now: string): Promise<void> {
    if (!scene) return;
    await execute(m, 'UPDATE oa_followers SET scene = COALESCE(scene, ?), store_id = COALESCE(store_id, ?), updated_at = ? WHERE appid = ? AND openid = ?', [
      scene,
      storeId,
      now,
      this.appid,
      openid,
    ]);
  }

  /** The same scenes as the stores' mini-program codes: a store's active scene attributes the follower to it. */
  private async storeOfScene(m: EntityManager, scene: string): Promise<string | null> {
    if (!isValidScene(scene)) return null;
    const [row] = (await m.query('SELECT store_id FROM store_scenes WHERE scene = ? AND active = 1', [scene])) as { store_id: string }[];
    return row?.store_id ?? null;
  }

  /**
   * §D.1: how a template message ended, on the notification the sender stored the msgid on. A msgid
   * not (yet) on any notification is tried again in a job (see finishJobOptions), then ignored.
   * Never sends anything.
   */
  private async finished(key: string, msgid: string, status: string | undefined): Promise<void> {
    if (!status) throw invalid('缺少 Status');
    const finish: FinishJob = { msgid, status: status.slice(0, STATUS_MAX) };
    const recorded = await this.uow.transaction(async (m) => {
      const now = dbTime(this.clock.now());
      if (!(await insertOnce(m, 'oa_push_events', { dedupe_key: key, event: 'TEMPLATESENDJOBFINISH', received_at: now }))) return true;
      return (await recordFinish(m, finish, now)) > 0;
    });
    if (recorded) return;
    try {
      await this.queue.add('finish', finish, finishJobOptions(msgid));
    } catch (error) {
      this.logger.warn(`queueing a template outcome for later failed: ${(error as Error).message}`);
    }
  }

  private async queueUnionid(openid: string): Promise<void> {
    try {
      await this.queue.add('unionid', { openid }, unionidJobOptions(openid));
    } catch (error) {
      // The follow is recorded; the unionid waits for the follower's next event (or a retry of this one).
      this.logger.warn(`queueing the unionid lookup of a follower failed: ${(error as Error).message}`);
    }
  }
}

/** The outcome on the notification with that msgid: the number of notifications it matched (0 or 1). */
export function recordFinish(m: EntityManager, finish: FinishJob, now: string): Promise<number> {
  return execute(m, 'UPDATE notifications SET finish_status = ?, updated_at = ? WHERE wechat_msgid = ?', [finish.status, now, finish.msgid]);
}

function sceneOf(eventKey: string | undefined, subscribe: boolean): string | null {
  if (!eventKey) return null;
  const scene = subscribe ? (eventKey.startsWith(QR_SCENE_PREFIX) ? eventKey.slice(QR_SCENE_PREFIX.length) : null) : eventKey;
  return scene && scene.length <= SCENE_MAX ? scene : null;
}

function dedupeKey(parts: string[]): string {
  const key = parts.join(':');
  return key.length <= DEDUPE_KEY_MAX ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}
