import { Controller, Res } from '@nestjs/common';
import type { CheckinCalendar, CheckinMonthQuery, CheckinResult, CheckinSettings, MakeUpRequest, MakeUpResult, UpdateCheckinSettingsRequest } from '@wemember/shared';
import type { FastifyReply } from 'fastify';
import { CurrentMember, CurrentStaff } from '../access/actor.decorators';
import type { MemberActor, StaffActor } from '../access/actors';
import { Route, ValidBody, ValidQuery } from '../access/route.decorator';
import { CheckinSettingsService } from './checkin-settings.service';
import { Checkins } from './checkins.service';

@Controller()
export class CheckinController {
  constructor(
    private readonly checkins: Checkins,
    private readonly settings: CheckinSettingsService,
  ) {}

  /** 201 for today's check-in, 200 with the same result when the member had already checked in today. */
  @Route('memberCheckIn')
  async checkIn(@CurrentMember() member: MemberActor, @Res({ passthrough: true }) reply: FastifyReply): Promise<CheckinResult> {
    const result = await this.checkins.checkIn(member);
    reply.status(result.alreadyCheckedIn ? 200 : 201);
    return result;
  }

  /** 201 for a day made up now, 200 with the same result for a repeat (charged once). */
  @Route('memberCheckinMakeUp')
  async makeUp(@CurrentMember() member: MemberActor, @ValidBody() body: MakeUpRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<MakeUpResult> {
    const result = await this.checkins.makeUp(member, body.date);
    reply.status(result.alreadyMadeUp ? 200 : 201);
    return result;
  }

  @Route('memberCheckins')
  calendar(@CurrentMember() member: MemberActor, @ValidQuery() query: CheckinMonthQuery): Promise<CheckinCalendar> {
    return this.checkins.calendar(member, query);
  }

  @Route('staffCheckinSettings')
  rules(@CurrentStaff() staff: StaffActor): Promise<CheckinSettings> {
    return this.settings.settings(staff.brandId);
  }

  @Route('staffUpdateCheckinSettings')
  update(@CurrentStaff() staff: StaffActor, @ValidBody() body: UpdateCheckinSettingsRequest): Promise<CheckinSettings> {
    return this.settings.update(staff, body);
  }
}
