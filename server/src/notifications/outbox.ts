import { randomUUID } from 'node:crypto';
import type { NotificationPayload } from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import { dbTime, insertOnce } from '../database/sql';

export interface NotificationInput {
  brandId: string;
  memberId: string;
  /**
   * What makes it one notification, whatever retries: the event's own key, e.g.
   * `points:<orderId>`, `coupon:<grantKey>`, `birthday:<memberId>:<year>`. Unique per brand.
   */
  dedupeKey: string;
  payload: NotificationPayload;
  at: Date;
}

/**
 * Records that the member is to be told of an event, inside the unit of work of the event itself
 * (the outbox): the notification exists exactly when the event committed, and a replayed event
 * records nothing new. The sender (NotificationSender) takes it from there. True when recorded now.
 */
export function enqueueNotification(manager: EntityManager, input: NotificationInput): Promise<boolean> {
  const at = dbTime(input.at);
  return insertOnce(manager, 'notifications', {
    id: randomUUID(),
    brand_id: input.brandId,
    member_id: input.memberId,
    kind: input.payload.kind,
    dedupe_key: input.dedupeKey.slice(0, 160),
    payload: JSON.stringify(input.payload),
    status: 'pending',
    attempts: 0,
    not_before: at,
    created_at: at,
    updated_at: at,
  });
}
