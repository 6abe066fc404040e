import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { CurrentMember, MemberActor, MemberGuard } from '../auth/guards';
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
}
