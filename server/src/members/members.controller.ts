import { Controller } from '@nestjs/common';
import type { MemberCard, MemberCode, MemberSummary, ResolveMemberRequest, SetBirthdayRequest } from '@wemember/shared';
import { CurrentMember, CurrentStaff } from '../access/actor.decorators';
import type { MemberActor, StaffActor } from '../access/actors';
import { Route, ValidBody } from '../access/route.decorator';
import { MemberCardService } from './member-card.service';
import { MemberLookup } from './member-lookup.service';

/** The member's own card; staff finding a member at the counter. */
@Controller()
export class MembersController {
  constructor(
    private readonly cards: MemberCardService,
    private readonly lookup: MemberLookup,
  ) {}

  @Route('memberCard')
  card(@CurrentMember() member: MemberActor): Promise<MemberCard> {
    return this.cards.card(member);
  }

  @Route('memberCode')
  code(@CurrentMember() member: MemberActor): Promise<MemberCode> {
    return this.cards.code(member);
  }

  /** Set once by the member; the birthday month doubles points. */
  @Route('memberSetBirthday')
  birthday(@CurrentMember() member: MemberActor, @ValidBody() body: SetBirthdayRequest): Promise<MemberCard> {
    return this.cards.setBirthday(member, body.birthday);
  }

  @Route('staffResolveMember')
  resolve(@CurrentStaff() staff: StaffActor, @ValidBody() body: ResolveMemberRequest): Promise<MemberSummary> {
    return this.lookup.resolve(staff, body);
  }
}
