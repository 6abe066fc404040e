import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  assertTransition,
  chinaDate,
  COUPON_TRANSITIONS,
  couponCodeFromBytes,
  couponValidDates,
  type CouponSource,
  type CouponStatus,
  type CouponValidity,
} from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { dbTime, execute, forUpdate, toInt, upsertAdd } from '../database/sql';
import { Coupon, CouponTemplate } from './coupon.entity';

/** How a coupon is being issued. */
export interface IssueHow {
  source: CouponSource;
  /**
   * The grant's idempotency key (`welcome:<member>:<template>:<n>`…): a second issue under it fails
   * the unique key, so the caller's unit of work rolls back whole and it answers with the first
   * coupon (see `byGrantKey`). Null for claims and exchanges, which the per-member limit bounds.
   */
  grantKey: string | null;
  /** Claims and exchanges count against the template's per-member limit; grants do not. */
  countsTowardLimit: boolean;
  at: Date;
}

/** The validity of a template, as the shared rules read it. */
export function templateValidity(t: Pick<CouponTemplate, 'validityKind' | 'validFrom' | 'validTo' | 'validDays'>): CouponValidity {
  return t.validityKind === 'fixed' ? { kind: 'fixed', from: t.validFrom!, to: t.validTo! } : { kind: 'relative', days: t.validDays! };
}

/**
 * The one way a coupon comes into being, inside the caller's unit of work: the per-member limit,
 * then the stock, each taken by a conditional UPDATE whose count is checked, then the coupon row
 * with the template's terms copied onto it and a fresh 80-bit code. Every lock is taken in that
 * order (the member's holding row, then the template's row), so concurrent issues cannot deadlock;
 * if anything later in the unit of work fails, the limit and the stock come back with the rollback.
 */
@Injectable()
export class CouponIssuer {
  async issue(m: EntityManager, template: CouponTemplate, member: { id: string; brandId: string }, how: IssueHow): Promise<Coupon> {
    if (template.brandId !== member.brandId) throw new DomainError('COUPON_TEMPLATE_NOT_FOUND');
    const today = chinaDate(how.at);
    const valid = couponValidDates(templateValidity(template), today);
    if (valid.to < today) throw new DomainError('COUPON_TEMPLATE_ENDED', `该券的有效期已于 ${valid.to} 结束`);

    if (how.countsTowardLimit) {
      await upsertAdd(m, 'coupon_holdings', { template_id: template.id, member_id: member.id }, { brand_id: member.brandId, taken: 0 }, ['taken']);
      const taken = await execute(m, 'UPDATE coupon_holdings SET taken = taken + 1 WHERE template_id = ? AND member_id = ? AND taken < ?', [
        template.id,
        member.id,
        template.perMemberLimit,
      ]);
      if (taken !== 1) throw new DomainError('COUPON_LIMIT_REACHED', `每人限领 ${template.perMemberLimit} 张，您已领满`);
    }

    const stocked = await execute(m, "UPDATE coupon_templates SET issued = issued + 1 WHERE id = ? AND status = 'active' AND issued < stock", [template.id]);
    if (stocked !== 1) {
      const [row] = (await m.query('SELECT status FROM coupon_templates WHERE id = ?', [template.id])) as { status: string }[];
      if (row?.status !== 'active') throw new DomainError('COUPON_NOT_CLAIMABLE', '该券已暂停发放');
      throw new DomainError('COUPON_SOLD_OUT');
    }

    const coupon = newCoupon(template, member, how.source, how.grantKey, valid, how.at);
    await m.createQueryBuilder().insert().into(Coupon).values(coupon).updateEntity(false).execute();
    return coupon;
  }

  /**
   * Grants of one template to many members at once (a campaign's chunk), inside the caller's unit
   * of work, which holds every member's lock and has read that none of the keys issued yet. The
   * issuer's rules as in `issue` for grants (no per-member limit; the stock, the template active and
   * within its dates), but the stock is taken once: the template row read under its lock, then
   * `issued` moved by the count it can cover with a conditional UPDATE from the count read (checked),
   * and the coupons inserted in one statement. When the stock covers only some, the first ones get
   * theirs (as issuing one by one until sold out would). Refused — before anything is written —
   * like `issue`: ended, paused, sold out.
   */
  async issueGrants(m: EntityManager, template: CouponTemplate, grants: { member: { id: string; brandId: string }; grantKey: string }[], how: { source: CouponSource; at: Date }): Promise<Coupon[]> {
    if (grants.length === 0) return [];
    if (grants.some((g) => g.member.brandId !== template.brandId)) throw new DomainError('COUPON_TEMPLATE_NOT_FOUND');
    const today = chinaDate(how.at);
    const valid = couponValidDates(templateValidity(template), today);
    if (valid.to < today) throw new DomainError('COUPON_TEMPLATE_ENDED', `该券的有效期已于 ${valid.to} 结束`);
    const [row] = (await m.query(`SELECT status, stock, issued FROM coupon_templates WHERE id = ?${forUpdate(m)}`, [template.id])) as { status: string; stock: unknown; issued: unknown }[];
    if (row?.status !== 'active') throw new DomainError('COUPON_NOT_CLAIMABLE', '该券已暂停发放');
    const issued = toInt(row.issued);
    const count = Math.min(grants.length, toInt(row.stock) - issued);
    if (count <= 0) throw new DomainError('COUPON_SOLD_OUT');
    const stocked = await execute(m, "UPDATE coupon_templates SET issued = issued + ? WHERE id = ? AND status = 'active' AND issued = ?", [count, template.id, issued]);
    if (stocked !== 1) throw new Error(`coupon template ${template.id}: its stock moved under its lock`);
    const coupons = grants.slice(0, count).map((g) => newCoupon(template, g.member, how.source, g.grantKey, valid, how.at));
    await m.createQueryBuilder().insert().into(Coupon).values(coupons).updateEntity(false).execute();
    return coupons;
  }

  /** The coupon a grant key already issued, after its unique key refused a second one. */
  async byGrantKey(m: EntityManager, grantKey: string): Promise<Coupon | null> {
    return m.getRepository(Coupon).findOneBy({ grantKey });
  }
}

/** A new coupon of `template` for `member`: the template's terms copied onto it and a fresh 80-bit code. */
function newCoupon(template: CouponTemplate, member: { id: string; brandId: string }, source: CouponSource, grantKey: string | null, valid: { from: string; to: string }, at: Date): Coupon {
  return Object.assign(new Coupon(), {
    id: randomUUID(),
    brandId: member.brandId,
    templateId: template.id,
    memberId: member.id,
    code: couponCodeFromBytes(randomBytes(10)),
    status: 'issued' as const,
    source,
    grantKey,
    name: template.name,
    description: template.description,
    type: template.type,
    valueFen: template.valueFen,
    percentOff: template.percentOff,
    capFen: template.capFen,
    thresholdFen: template.thresholdFen,
    giftName: template.giftName,
    storeIds: template.storeIds,
    regionIds: template.regionIds,
    validFrom: valid.from,
    validTo: valid.to,
    issuedAt: at,
    lockedBy: null,
    lockedAt: null,
    redeemedAt: null,
    redeemedStoreId: null,
    redeemedStaffId: null,
    redeemedApiKeyId: null,
    redeemedExternalNo: null,
    redeemedOrderId: null,
    endedAt: null,
    revokeReason: null,
  });
}

/**
 * Moves one coupon from `from` to `to` — a move the coupon machine allows — setting `set` with it:
 * `UPDATE coupons SET status = :to, … WHERE id = ? AND status = :from`. False when the coupon was
 * not in `from` (another request moved it first); the caller says why to the person asking.
 */
export async function moveCoupon(
  m: EntityManager,
  couponId: string,
  from: CouponStatus,
  to: CouponStatus,
  set: Record<string, string | number | Date | null> = {},
): Promise<boolean> {
  assertTransition(COUPON_TRANSITIONS, from, to);
  const columns = Object.keys(set);
  const values = columns.map((c) => {
    const value = set[c];
    return value instanceof Date ? dbTime(value) : value;
  });
  const assignments = ['status = ?', ...columns.map((c) => `${c} = ?`)].join(', ');
  return (await execute(m, `UPDATE coupons SET ${assignments} WHERE id = ? AND status = ?`, [to, ...values, couponId, from])) === 1;
}
