import { Injectable } from '@nestjs/common';
import type { MemberCard, MemberCode } from '@wemember/shared';
import type { MemberActor } from '../auth/guards';
import { BrandsRepository } from '../brands/brands.repository';
import { DomainError } from '../common/domain-error';
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
  ) {}

  async card(actor: MemberActor): Promise<MemberCard> {
    const member = await this.ownMember(actor);
    const brand = await this.brands.byId(actor.brandId);
    return toMemberCard(member, brand?.name ?? '');
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
