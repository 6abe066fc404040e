import { Injectable } from '@nestjs/common';
import {
  birthdayBonusApplies,
  birthdayBonusText,
  chinaDate,
  isMemberDay,
  memberDaySchedule,
  nextMemberDay,
  type MemberDayClaim,
  type MemberDayStatus,
} from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import type { MemberActor } from '../access/actors';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { Coupon } from '../coupons/coupon.entity';
import { CouponGrants } from '../coupons/coupon-grants';
import { CouponTemplates } from '../coupons/coupon-templates.service';
import { memberCouponView } from '../coupons/coupon-views';
import { giftTemplates, GiftSettingsService, grantableLines } from '../coupons/gift-settings.service';
import { UnitOfWork } from '../database/unit-of-work';
import { assertCanTransact, lockMember } from '../ledger/member-lock';
import { LoyaltySettingsService } from '../loyalty/loyalty-settings.service';
import { MembersRepository } from '../members/members.repository';
import { birthdayBonusClaimed } from './birthday-bonus-claims';

/** The grant keys of a member's member-day coupons of one day: `memberday:<member>:<date>:<template>:<n>`. */
const dayKey = (memberId: string, date: string) => `memberday:${memberId}:${date}`;

/**
 * 会员日: what the card announces (today or the next member day, the multiplier, the extra
 * discount, the coupons on offer, the birthday bonus when it applies to this member now) and the
 * member-day coupons, taken once per member per member day. The day's grant keys are the record of
 * the claim: under the member's lock a second claim finds them and answers with the same coupons.
 */
@Injectable()
export class MemberDays {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly members: MembersRepository,
    private readonly loyalty: LoyaltySettingsService,
    private readonly gifts: GiftSettingsService,
    private readonly grants: CouponGrants,
    private readonly templates: CouponTemplates,
    private readonly clock: Clock,
  ) {}

  async status(actor: MemberActor): Promise<MemberDayStatus> {
    const now = this.clock.now();
    const today = chinaDate(now);
    const [member, rules, gifts] = await Promise.all([this.members.byId(actor.brandId, actor.memberId), this.loyalty.rules(actor.brandId), this.gifts.settings(actor.brandId)]);
    if (!member) throw new DomainError('TOKEN_INVALID');
    const reader = this.uow.reader;
    const [coupons, claimed, bonusClaimed] = await Promise.all([
      grantableLines(reader, actor.brandId, gifts.memberDay.coupons, today),
      this.dayCoupons(reader, member.id, today),
      rules.earning.birthdayBonusMode === 'once_in_month' ? birthdayBonusClaimed(reader, member.id, Number(today.slice(0, 4))) : Promise.resolve(false),
    ]);
    const bonus = birthdayBonusApplies(rules, member.birthday, now, bonusClaimed);
    return {
      today,
      isMemberDay: isMemberDay(rules, now),
      nextDate: nextMemberDay(rules, today),
      schedule: memberDaySchedule(rules),
      multiplierPercent: rules.earning.memberDay.multiplierPercent,
      discountOffPercent: rules.earning.memberDay.discountOffPercent,
      coupons,
      claimedToday: claimed.length > 0,
      birthday: bonus ? { text: birthdayBonusText(rules), multiplierPercent: rules.earning.birthdayMonthMultiplierPercent } : null,
    };
  }

  /**
   * Today's member-day coupons: 409 NOT_MEMBER_DAY on other days; a repeat answers with the coupons
   * taken (alreadyClaimed); a frozen card takes nothing; 409 MEMBER_DAY_NO_COUPONS when none is
   * configured or none can still be given (the issuer refuses before writing, so nothing is left behind).
   */
  async claim(actor: MemberActor): Promise<MemberDayClaim> {
    const now = this.clock.now();
    const today = chinaDate(now);
    const [rules, gifts] = await Promise.all([this.loyalty.rules(actor.brandId), this.gifts.settings(actor.brandId)]);
    if (!isMemberDay(rules, now)) throw new DomainError('NOT_MEMBER_DAY');
    const lines = gifts.memberDay.coupons;
    const templates = await giftTemplates(this.uow.reader, actor.brandId, lines);
    const result = await this.uow.transaction(async (m) => {
      const member = await lockMember(m, actor.memberId);
      if (!member || member.brandId !== actor.brandId) throw new DomainError('MEMBER_NOT_FOUND');
      const earlier = await this.dayCoupons(m, member.id, today);
      if (earlier.length > 0) return { coupons: earlier, alreadyClaimed: true };
      assertCanTransact(member);
      const given = await this.grants.grantPack(m, {
        lines: lines.map((line) => ({ ...line, template: templates.get(line.templateId) })),
        member,
        key: (templateId, n) => `${dayKey(member.id, today)}:${templateId}:${n}`,
        source: 'member_day',
        at: now,
      });
      if (given.length === 0) throw new DomainError('MEMBER_DAY_NO_COUPONS');
      return { coupons: given, alreadyClaimed: false };
    });
    const names = await this.templates.scopeNames(actor.brandId);
    return { date: today, coupons: result.coupons.map((c) => memberCouponView(c, today, names)), alreadyClaimed: result.alreadyClaimed };
  }

  /** The member's member-day coupons of `date`, in the order they were given. */
  private dayCoupons(m: EntityManager, memberId: string, date: string): Promise<Coupon[]> {
    return m
      .getRepository(Coupon)
      .createQueryBuilder('c')
      .where('c.memberId = :memberId', { memberId })
      // Member ids and dates hold no LIKE wildcards; the prefix uses grant_key's unique index.
      .andWhere('c.grantKey LIKE :prefix', { prefix: `${dayKey(memberId, date)}:%` })
      .orderBy('c.issuedAt', 'ASC')
      .addOrderBy('c.grantKey', 'ASC')
      .getMany();
  }
}
