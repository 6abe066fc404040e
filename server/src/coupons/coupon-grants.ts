import { Injectable, Logger } from '@nestjs/common';
import { COUPON_SOURCE_NAMES, type CouponSource } from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { lockMember, type LockedMember } from '../ledger/member-lock';
import { enqueueNotification } from '../notifications/outbox';
import type { Coupon, CouponTemplate } from './coupon.entity';
import { CouponIssuer } from './coupon-issuer';

/**
 * The coupons a member is told of: those the brand gave while they were elsewhere (a marketer's
 * grant, the monthly tier pack). The rest arrive on the screen the member is looking at (a claim,
 * an exchange, the welcome gift, a check-in or member-day reward), and the birthday gift has its
 * own greeting that names it: a second message for those would only be noise.
 */
const TOLD_SOURCES: ReadonlySet<CouponSource> = new Set<CouponSource>(['grant', 'tier_pack']);

/** Tells the member of coupons the brand gave them, once per grant (its key). */
function couponsReceived(m: EntityManager, coupons: Coupon[], key: string, source: CouponSource, at: Date): Promise<boolean> {
  if (!TOLD_SOURCES.has(source)) return Promise.resolve(false);
  const [first] = coupons;
  const names = new Set(coupons.map((c) => c.name));
  return enqueueNotification(m, {
    brandId: first.brandId,
    memberId: first.memberId,
    dedupeKey: `coupon:${key}`,
    payload: {
      kind: 'coupon_received',
      couponName: names.size > 1 ? `${first.name}等` : first.name,
      count: coupons.length,
      source: COUPON_SOURCE_NAMES[source],
      validTo: coupons.map((c) => c.validTo).sort()[0] ?? null,
    },
    at,
  });
}

/** One keyed grant: this template to this member, once per key. */
export interface Grant {
  template: CouponTemplate;
  member: { id: string; brandId: string };
  /** `welcome:<member>:<template>:<n>`, `tier:<member>:<template>:<YYYY-MM>:<n>`, `staff:<brand>:<requestId>`… */
  key: string;
  source: CouponSource;
  at: Date;
}

/** A gift's coupons: `quantity` of each template, the n-th keyed by `key(template, n)`. */
export interface Pack {
  lines: { template: CouponTemplate | undefined; templateId: string; quantity: number }[];
  member: { id: string; brandId: string };
  key: (templateId: string, n: number) => string;
  source: CouponSource;
  at: Date;
}

export interface Granted {
  coupon: Coupon;
  /** True when the key had already issued this coupon: nothing new was given. */
  replayed: boolean;
}

/** The coupon a key issued must be the one asked for again; the same key for something else is refused. */
function sameGrant(coupon: Coupon, grant: Grant): Granted {
  if (coupon.memberId !== grant.member.id || coupon.templateId !== grant.template.id) throw new DomainError('GRANT_CONFLICT');
  return { coupon, replayed: true };
}

/**
 * The one grantCoupon use case: the brand gives a member a coupon under an idempotency key (the
 * welcome gift, tier packs, a marketer's grant, later birthdays and campaigns). Grants do not count
 * toward the per-member limit; the stock does. Every path holds the member's lock, so grants of one
 * member run one at a time and the key is read before issuing; grant_key's unique index is the
 * backstop for two members' grants under one key (a staff requestId reused).
 */
@Injectable()
export class CouponGrants {
  private readonly logger = new Logger('CouponGrants');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly issuer: CouponIssuer,
  ) {}

  /** Inside the caller's unit of work, which holds `grant.member`'s lock (lockMember). The member is told of a new coupon. */
  async grantIn(m: EntityManager, grant: Grant): Promise<Granted> {
    const granted = await this.issueOnce(m, grant);
    if (!granted.replayed) await couponsReceived(m, [granted.coupon], grant.key, grant.source, grant.at);
    return granted;
  }

  /**
   * One template to many members, each under its own key, at once (a campaign's chunk): inside the
   * caller's unit of work, which holds every member's lock and has read under those locks that none
   * of the keys issued yet (grant_key's unique index is the backstop: a duplicate fails the unit of
   * work whole). The stock is taken once (CouponIssuer.issueGrants); when it covers only some, the
   * first ones get theirs. Refused like grantIn (ended, paused, sold out), before anything is
   * written. The members are told of their new coupons as grantIn tells them.
   */
  async grantManyIn(m: EntityManager, template: CouponTemplate, grants: { member: { id: string; brandId: string }; key: string }[], source: CouponSource, at: Date): Promise<Coupon[]> {
    const coupons = await this.issuer.issueGrants(
      m,
      template,
      grants.map((g) => ({ member: g.member, grantKey: g.key })),
      { source, at },
    );
    for (const [i, coupon] of coupons.entries()) await couponsReceived(m, [coupon], grants[i].key, source, at);
    return coupons;
  }

  private async issueOnce(m: EntityManager, grant: Grant): Promise<Granted> {
    const existing = await this.issuer.byGrantKey(m, grant.key);
    if (existing) return sameGrant(existing, grant);
    const coupon = await this.issuer.issue(m, grant.template, grant.member, { source: grant.source, grantKey: grant.key, countsTowardLimit: false, at: grant.at });
    return { coupon, replayed: false };
  }

  /**
   * Every coupon of a gift the member does not hold yet, inside the caller's unit of work (which
   * holds the member's lock); the new ones are returned. A template that is gone, paused, out of
   * stock or past its window is skipped and logged — a gift never fails what it comes with (a join,
   * the monthly run). The issuer refuses those before it writes anything, so skipping leaves the
   * unit of work clean.
   */
  async grantPack(m: EntityManager, pack: Pack): Promise<Coupon[]> {
    const given: Coupon[] = [];
    for (const line of pack.lines) {
      if (!line.template) {
        this.logger.warn(`${pack.source} for member ${pack.member.id}: template ${line.templateId} no longer exists, skipped`);
        continue;
      }
      for (let n = 1; n <= line.quantity; n++) {
        try {
          const granted = await this.issueOnce(m, { template: line.template, member: pack.member, key: pack.key(line.templateId, n), source: pack.source, at: pack.at });
          if (!granted.replayed) given.push(granted.coupon);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          this.logger.warn(`${pack.source} for member ${pack.member.id}: ${line.template.name} (${line.templateId}) skipped: ${error.code} ${error.message}`);
          break;
        }
      }
    }
    // One message for the whole gift, keyed by its first line: a replayed pack gives nothing new and tells nothing.
    if (given.length > 0) await couponsReceived(m, given, pack.key(pack.lines[0].templateId, 1), pack.source, pack.at);
    return given;
  }

  /**
   * In a unit of work of its own under the member's lock. `check` looks at the locked member first
   * (a closed card gets nothing); `done` runs with a new coupon in the same transaction (the audit).
   */
  async grant(grant: Grant, hooks: { check?: (member: LockedMember) => void; done?: (m: EntityManager, coupon: Coupon) => Promise<void> } = {}): Promise<Granted> {
    try {
      return await this.uow.transaction(async (m) => {
        const member = await lockMember(m, grant.member.id);
        if (!member || member.brandId !== grant.member.brandId) throw new DomainError('MEMBER_NOT_FOUND');
        hooks.check?.(member);
        const granted = await this.grantIn(m, grant);
        if (!granted.replayed) await hooks.done?.(m, granted.coupon);
        return granted;
      });
    } catch (error) {
      // The same key for another member at the same moment: the other grant committed first.
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.issuer.byGrantKey(this.uow.reader, grant.key);
      if (!winner) throw error;
      return sameGrant(winner, grant);
    }
  }
}
