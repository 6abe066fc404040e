import { Controller } from '@nestjs/common';
import type { StaffLoginRequest, StaffLoginResponse, StaffProfile } from '@wemember/shared';
import { ClientIp, CurrentStaff } from '../access/actor.decorators';
import type { StaffActor } from '../access/actors';
import { Route, ValidBody } from '../access/route.decorator';
import { StaffAuthService } from './staff-auth.service';
import { StaffDirectory } from './staff-directory.service';

@Controller()
export class StaffController {
  constructor(
    private readonly auth: StaffAuthService,
    private readonly directory: StaffDirectory,
  ) {}

  @Route('staffLogin')
  login(@ValidBody() body: StaffLoginRequest, @ClientIp() ip: string): Promise<StaffLoginResponse> {
    return this.auth.login(body, ip);
  }

  @Route('staffMe')
  me(@CurrentStaff() staff: StaffActor): Promise<StaffProfile> {
    return this.directory.profile(staff);
  }
}
