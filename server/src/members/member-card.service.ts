import { Injectable } from '@nestjs/common';
import { chinaDate, type MemberCard, type MemberCode } from '@wemember/shared';
import type { MemberActor } from '../access/actors';
import { BrandsRepository } from '../brands/brands.repository';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { UnitOfWork } from '../database/unit-of-work';
import { LedgerRepository } from '../ledger/ledger.repository';
import { LoyaltySettingsService } from '../loyalty/loyalty-settings.service';
import { MemberGrowth } from '../loyalty/member-growth';
import { Member } from './member.entity';
import { MemberCodes } from './member-code.service';
import { toMemberCard } from './member-views';
import { MembersRepository } from './members.repository';

/** What a member sees of their own card; never anyone else's. */
@Injectable()
export class MemberCardService {
  constructor(
    private readonly members: MembersRepository,
    private readonly brands: BrandsRepository,
    private readonly codes: MemberCodes,
    private readonly settings: LoyaltySettingsService,
    private readonly growth: MemberGrowth,
    private readonly ledger: LedgerRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async card(actor: MemberActor): Promise<MemberCard> {
    const member = await this.ownMember(actor);
    const brand = await this.brands.byId(actor.brandId);
    return this.view(member, brand?.name ?? '');
  }

  /** The card of a member: tier progress uses today's rolling-12-month growth. */
  async view(member: Member, brandName: string): Promise<MemberCard> {
    const [rules, growth, points, storedValue] = await Promise.all([
      this.settings.rules(member.brandId),
      this.growth.rolling(this.uow.reader, member.id, chinaDate(this.clock.now())),
      this.ledger.balance(member.id, 'points'),
      this.ledger.storedValue(member.id),
    ]);
    return toMemberCard(member, brandName, rules, growth, points, storedValue.principalFen + storedValue.bonusFen);
  }

  /** Once only (the birthday month doubles points); staff correct it later, audited. */
  async setBirthday(actor: MemberActor, birthday: string): Promise<MemberCard> {
    await this.ownMember(actor);
    if (birthday > chinaDate(this.clock.now())) {
      throw new DomainError('BIRTHDAY_IN_FUTURE', undefined, [{ field: 'birthday', message: '生日不能晚于今天' }]);
    }
    if (!(await this.members.setBirthday(actor.brandId, actor.memberId, birthday))) throw new DomainError('BIRTHDAY_ALREADY_SET');
    return this.card(actor);
  }

  async code(actor: MemberActor): Promise<MemberCode> {
    const member = await this.ownMember(actor);
    return this.codes.issue(member.brandId, member.memberNo);
  }

  private async ownMember(actor: MemberActor): Promise<Member> {
    const member = await this.members.byId(actor.brandId, actor.memberId);
    if (!member) throw new DomainError('TOKEN_INVALID');
    if (member.status === 'closed') throw new DomainError('MEMBER_CLOSED');
    return member;
  }
}
