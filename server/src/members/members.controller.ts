import { Body, Controller, Get, Header, Put, UseGuards } from '@nestjs/common';
import { API_ROUTES, type SetBirthdayRequest } from '@wemember/shared';
import { CurrentMember, MemberActor, MemberGuard } from '../auth/guards';
import { ZodPipe } from '../common/zod-body.pipe';
import { MemberCardService } from './member-card.service';

@Controller('member')
@UseGuards(MemberGuard)
export class MembersController {
  constructor(private readonly cards: MemberCardService) {}

  @Get('card')
  @Header('Cache-Control', 'no-store')
  card(@CurrentMember() member: MemberActor) {
    return this.cards.card(member);
  }

  @Get('code')
  @Header('Cache-Control', 'no-store')
  code(@CurrentMember() member: MemberActor) {
    return this.cards.code(member);
  }

  /** Set once by the member; the birthday month doubles points. */
  @Put('birthday')
  birthday(@CurrentMember() member: MemberActor, @Body(new ZodPipe(API_ROUTES.memberSetBirthday.body)) body: SetBirthdayRequest) {
    return this.cards.setBirthday(member, body.birthday);
  }
}
