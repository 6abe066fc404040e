import { Controller, Param, Res } from '@nestjs/common';
import type { BirthdayCorrection, CorrectBirthdayRequest, MemberDayClaim, MemberDayStatus } from '@wemember/shared';
import type { FastifyReply } from 'fastify';
import { CurrentMember, CurrentStaff } from '../access/actor.decorators';
import type { MemberActor, StaffActor } from '../access/actors';
import { Route, ValidBody } from '../access/route.decorator';
import { BirthdayCorrections } from './birthday-corrections';
import { MemberDays } from './member-days.service';

@Controller()
export class BirthdaysController {
  constructor(
    private readonly memberDays: MemberDays,
    private readonly corrections: BirthdayCorrections,
  ) {}

  @Route('memberDay')
  status(@CurrentMember() member: MemberActor): Promise<MemberDayStatus> {
    return this.memberDays.status(member);
  }

  /** 201 when today's coupons are taken now, 200 with the same coupons on a repeat. */
  @Route('memberDayClaim')
  async claim(@CurrentMember() member: MemberActor, @Res({ passthrough: true }) reply: FastifyReply): Promise<MemberDayClaim> {
    const result = await this.memberDays.claim(member);
    reply.status(result.alreadyClaimed ? 200 : 201);
    return result;
  }

  @Route('staffCorrectBirthday')
  correct(@CurrentStaff() staff: StaffActor, @Param('memberId') memberId: string, @ValidBody() body: CorrectBirthdayRequest): Promise<BirthdayCorrection> {
    return this.corrections.correct(staff, memberId, body);
  }
}
