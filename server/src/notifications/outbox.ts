import { randomUUID } from 'node:crypto';
import type { CampaignMessagePayload, CampaignSmsPayload, NotificationPayload } from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import { dbTime, execute, insertOnce, isMysql } from '../database/sql';
import { afterCommit, type UnitOfWork } from '../database/unit-of-work';

export interface NotificationInput {
  brandId: string;
  memberId: string;
  /**
   * What makes it one notification, whatever retries: the event's own key, e.g.
   * `points:<orderId>`, `coupon:<grantKey>`, `birthday:<memberId>:<year>`. Unique per brand.
   */
  dedupeKey: string;
  payload: NotificationPayload | CampaignMessagePayload | CampaignSmsPayload;
  /** Known up front only for a campaign's SMS; a WeChat notification's channel is the one it went out on. */
  channel?: 'sms';
  at: Date;
}

export type RecordedListener = (notification: { id: string; notBefore: Date }) => void;

/** Per database (its UnitOfWork): who queues a notification once recorded. */
const listeners = new Map<UnitOfWork, RecordedListener>();

/**
 * `listener` hears of every notification recorded through `uow`, after its unit of work committed:
 * the sender queues it at once instead of waiting for the sweeper. Answers the unsubscribe.
 */
export function onNotificationRecorded(uow: UnitOfWork, listener: RecordedListener): () => void {
  listeners.set(uow, listener);
  return () => {
    if (listeners.get(uow) === listener) listeners.delete(uow);
  };
}

/**
 * Records that the member is to be told of an event, inside the unit of work of the event itself
 * (the outbox): the notification exists exactly when the event committed, and a replayed event
 * records nothing new. The sender (NotificationSender) takes it from there. True when recorded now.
 */
export async function enqueueNotification(manager: EntityManager, input: NotificationInput): Promise<boolean> {
  const at = dbTime(input.at);
  const id = randomUUID();
  const recorded = await insertOnce(manager, 'notifications', {
    id,
    brand_id: input.brandId,
    member_id: input.memberId,
    kind: input.payload.kind,
    dedupe_key: input.dedupeKey.slice(0, 160),
    payload: JSON.stringify(input.payload),
    status: 'pending',
    ...(input.channel && { channel: input.channel }),
    attempts: 0,
    not_before: at,
    created_at: at,
    updated_at: at,
  });
  if (recorded) afterCommit((uow) => listeners.get(uow)?.({ id, notBefore: input.at }));
  return recorded;
}

/**
 * Several notifications at once, in one multi-row INSERT that skips rows whose (brand, dedupe key)
 * is already there — what `enqueueNotification` does row by row, with the same outbox rule: each
 * exists exactly when the caller's unit of work commits, a replayed event records nothing new, and
 * the listener hears of each row recorded now (found by the ids this call gave them, since the
 * count alone does not say which rows were skipped). Answers how many were recorded now.
 */
export async function enqueueNotifications(manager: EntityManager, inputs: readonly NotificationInput[]): Promise<number> {
  if (inputs.length === 0) return 0;
  const rows = inputs.map((input) => ({ id: randomUUID(), input, at: dbTime(input.at) }));
  const columns = ['id', 'brand_id', 'member_id', 'kind', 'dedupe_key', 'payload', 'status', 'channel', 'attempts', 'not_before', 'created_at', 'updated_at'];
  const values = rows.flatMap(({ id, input, at }) => [
    id,
    input.brandId,
    input.memberId,
    input.payload.kind,
    input.dedupeKey.slice(0, 160),
    JSON.stringify(input.payload),
    'pending',
    input.channel ?? null,
    0,
    at,
    at,
    at,
  ]);
  const tuples = rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
  const sql = isMysql(manager)
    ? `INSERT IGNORE INTO notifications (${columns.join(', ')}) VALUES ${tuples}`
    : `INSERT INTO notifications (${columns.join(', ')}) VALUES ${tuples} ON CONFLICT DO NOTHING`;
  const recorded = await execute(manager, sql, values);
  if (recorded === 0) return 0;
  let kept = rows;
  if (recorded < rows.length) {
    const mine = (await manager.query(`SELECT id FROM notifications WHERE id IN (${rows.map(() => '?').join(', ')})`, rows.map((r) => r.id))) as { id: string }[];
    const ids = new Set(mine.map((r) => r.id));
    kept = rows.filter((r) => ids.has(r.id));
  }
  afterCommit((uow) => {
    const listener = listeners.get(uow);
    for (const { id, input } of kept) listener?.({ id, notBefore: input.at });
  });
  return recorded;
}
