import type { EntityManager } from 'typeorm';
import { enqueueNotification } from './outbox';

/*
 * The events' one-line calls into the outbox, each in the event's own unit of work: the payload is
 * what was true when it happened, keyed by the event so a replay tells the member once.
 */

/** Points moved by one event (a purchase's earn and redeem together): `change` is the net, `balance` the balance after. */
export function pointsChanged(m: EntityManager, e: { brandId: string; memberId: string; key: string; change: number; balance: number; reason: string; at: Date }): Promise<boolean> {
  if (e.change === 0) return Promise.resolve(false);
  return enqueueNotification(m, {
    brandId: e.brandId,
    memberId: e.memberId,
    dedupeKey: e.key,
    payload: { kind: 'points_changed', change: e.change, balance: e.balance, reason: e.reason, at: e.at.toISOString() },
    at: e.at,
  });
}

/** Stored value moved: `changeFen` signed (a recharge +, a purchase −), `balanceFen` principal and bonus after it. */
export function balanceChanged(m: EntityManager, e: { brandId: string; memberId: string; key: string; changeFen: number; balanceFen: number; reason: string; at: Date }): Promise<boolean> {
  if (e.changeFen === 0) return Promise.resolve(false);
  return enqueueNotification(m, {
    brandId: e.brandId,
    memberId: e.memberId,
    dedupeKey: e.key,
    payload: { kind: 'balance_changed', changeFen: e.changeFen, balanceFen: e.balanceFen, reason: e.reason, at: e.at.toISOString() },
    at: e.at,
  });
}
