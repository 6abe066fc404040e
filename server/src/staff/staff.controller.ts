import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { resolveMemberRequestSchema, staffLoginRequestSchema, type ResolveMemberRequest, type StaffLoginRequest } from '@wemember/shared';
import { ClientIp, CurrentStaff, StaffGuard } from '../auth/guards';
import { ZodPipe } from '../common/zod-body.pipe';
import { MemberLookup } from './member-lookup.service';
import type { StaffActor } from './staff-actor';
import { StaffAuthService } from './staff-auth.service';
import { StaffDirectory } from './staff-directory.service';

@Controller('staff')
export class StaffController {
  constructor(
    private readonly auth: StaffAuthService,
    private readonly directory: StaffDirectory,
    private readonly lookup: MemberLookup,
  ) {}

  @Post('auth/login')
  @HttpCode(200)
  login(@Body(new ZodPipe(staffLoginRequestSchema)) body: StaffLoginRequest, @ClientIp() ip: string) {
    return this.auth.login(body, ip);
  }

  @Get('me')
  @UseGuards(StaffGuard)
  me(@CurrentStaff() staff: StaffActor) {
    return this.directory.profile(staff);
  }

  @Post('members/resolve')
  @HttpCode(200)
  @UseGuards(StaffGuard)
  resolve(@CurrentStaff() staff: StaffActor, @Body(new ZodPipe(resolveMemberRequestSchema)) body: ResolveMemberRequest) {
    return this.lookup.resolve(staff, body);
  }
}
