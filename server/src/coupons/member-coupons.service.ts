import { Injectable } from '@nestjs/common';
import {
  chinaDate,
  MEMBER_COUPON_TABS,
  type CouponCenter,
  type MemberCoupon,
  type MemberCouponTab,
  type MemberCoupons as MemberCouponsView,
  type MemberCouponsQuery,
} from '@wemember/shared';
import type { MemberActor } from '../access/actors';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { toInt } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { assertCanTransact, lockMember } from '../ledger/member-lock';
import type { Member } from '../members/member.entity';
import { MembersRepository } from '../members/members.repository';
import { Coupon, CouponTemplate } from './coupon.entity';
import { CouponIssuer } from './coupon-issuer';
import { CouponTemplates } from './coupon-templates.service';
import { memberCouponView, offerView, tierRestrictionText } from './coupon-views';

/**
 * Each tab of "我的券" as SQL over coupons' own columns (`:today` is the Shanghai business day):
 * a coupon past its last day counts as expired even before the nightly expiry job has moved it.
 */
const TAB_WHERE: Record<MemberCouponTab, string> = {
  usable: "status IN ('issued', 'locked') AND valid_to >= :today",
  used: "status = 'redeemed'",
  expired: "(status IN ('expired', 'revoked') OR (status IN ('issued', 'locked') AND valid_to < :today))",
};

/** Soonest-ending first among usable coupons; most recent first elsewhere. */
const TAB_ORDER: Record<MemberCouponTab, [string, 'ASC' | 'DESC'][]> = {
  usable: [
    ['c.validTo', 'ASC'],
    ['c.issuedAt', 'DESC'],
  ],
  used: [['c.redeemedAt', 'DESC']],
  expired: [
    ['c.validTo', 'DESC'],
    ['c.issuedAt', 'DESC'],
  ],
};

/** The member's side of coupons: the coupon centre, claiming, and "我的券". Members see only their own coupons. */
@Injectable()
export class MemberCoupons {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly templates: CouponTemplates,
    private readonly issuer: CouponIssuer,
    private readonly members: MembersRepository,
    private readonly clock: Clock,
  ) {}

  /** Claimable, active templates whose window has not ended, with whether this member can take one. */
  async center(actor: MemberActor): Promise<CouponCenter> {
    const member = await this.member(actor);
    const today = chinaDate(this.clock.now());
    const templates = await this.uow.reader
      .getRepository(CouponTemplate)
      .createQueryBuilder('t')
      .where("t.brandId = :brandId AND t.status = 'active' AND t.claimable = 1", { brandId: actor.brandId })
      .andWhere("(t.validityKind = 'relative' OR t.validTo >= :today)", { today })
      .orderBy('t.createdAt', 'DESC')
      .addOrderBy('t.id', 'DESC')
      .getMany();
    const [taken, names] = await Promise.all([this.takenBy(member.id, templates), this.templates.scopeNames(actor.brandId)]);
    return { offers: templates.map((t) => offerView(t, names, { tier: member.tier, takenByMe: taken.get(t.id) ?? 0 })) };
  }

  /**
   * One coupon from the centre: tier, then the card's state and the per-member limit and stock
   * (CouponIssuer's conditional updates) under the member's lock, so a card being frozen or closed
   * and a double tap are decided one at a time.
   */
  async claim(actor: MemberActor, templateId: string): Promise<MemberCoupon> {
    const now = this.clock.now();
    const template = await this.templates.template(actor.brandId, templateId);
    if (!template.claimable) throw new DomainError('COUPON_NOT_CLAIMABLE', '该券不在领券中心发放');
    const coupon = await this.uow.transaction(async (m) => {
      const member = await lockMember(m, actor.memberId);
      if (!member || member.brandId !== actor.brandId) throw new DomainError('NOT_JOINED');
      assertCanTransact(member);
      if (template.tiers.length > 0 && !template.tiers.includes(member.tier)) {
        throw new DomainError('COUPON_TIER_REQUIRED', `${tierRestrictionText(template.tiers)}，您目前不能领取`);
      }
      return this.issuer.issue(m, template, member, { source: 'claim', grantKey: null, countsTowardLimit: true, at: now });
    });
    return memberCouponView(coupon, chinaDate(now), await this.templates.scopeNames(actor.brandId));
  }

  async list(actor: MemberActor, query: MemberCouponsQuery): Promise<MemberCouponsView> {
    const today = chinaDate(this.clock.now());
    const qb = this.uow.reader
      .getRepository(Coupon)
      .createQueryBuilder('c')
      .where('c.memberId = :memberId', { memberId: actor.memberId })
      .andWhere(TAB_WHERE[query.status], { today });
    for (const [i, [column, direction]] of TAB_ORDER[query.status].entries()) {
      if (i === 0) qb.orderBy(column, direction);
      else qb.addOrderBy(column, direction);
    }
    const [coupons, counts, names] = await Promise.all([qb.addOrderBy('c.id', 'DESC').limit(query.limit).getMany(), this.counts(actor.memberId, today), this.templates.scopeNames(actor.brandId)]);
    return { coupons: coupons.map((c) => memberCouponView(c, today, names)), counts };
  }

  /** One of the member's own coupons; another member's is "not found", never "forbidden". */
  async get(actor: MemberActor, couponId: string): Promise<MemberCoupon> {
    const coupon = await this.uow.reader.getRepository(Coupon).findOneBy({ id: couponId, memberId: actor.memberId });
    if (!coupon) throw new DomainError('COUPON_NOT_FOUND', '未找到该券');
    return memberCouponView(coupon, chinaDate(this.clock.now()), await this.templates.scopeNames(actor.brandId));
  }

  /** How many coupons each tab holds, in one pass over the member's coupons. */
  private async counts(memberId: string, today: string): Promise<MemberCouponsView['counts']> {
    const sums = MEMBER_COUPON_TABS.map((tab) => `SUM(CASE WHEN ${TAB_WHERE[tab].replace(/:today/g, '?')} THEN 1 ELSE 0 END) AS ${tab}`);
    const params = MEMBER_COUPON_TABS.flatMap((tab) => (TAB_WHERE[tab].includes(':today') ? [today] : []));
    const [row] = (await this.uow.reader.query(`SELECT ${sums.join(', ')} FROM coupons WHERE member_id = ?`, [...params, memberId])) as Record<MemberCouponTab, unknown>[];
    return { usable: toInt(row?.usable), used: toInt(row?.used), expired: toInt(row?.expired) };
  }

  /** How many of each template the member has claimed or exchanged (the per-member limit's count). */
  async takenBy(memberId: string, templates: Pick<CouponTemplate, 'id'>[]): Promise<Map<string, number>> {
    if (templates.length === 0) return new Map();
    const rows = (await this.uow.reader.query(`SELECT template_id, taken FROM coupon_holdings WHERE member_id = ? AND template_id IN (${templates.map(() => '?').join(', ')})`, [
      memberId,
      ...templates.map((t) => t.id),
    ])) as { template_id: string; taken: unknown }[];
    return new Map(rows.map((r) => [r.template_id, toInt(r.taken)]));
  }

  async member(actor: MemberActor): Promise<Member> {
    const member = await this.members.byId(actor.brandId, actor.memberId);
    if (!member) throw new DomainError('NOT_JOINED');
    return member;
  }
}
