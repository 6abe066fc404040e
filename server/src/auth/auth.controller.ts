import { Controller } from '@nestjs/common';
import type { MemberAuthResponse, MemberJoinResponse, MemberLoginRequest, MemberPhoneRequest } from '@wemember/shared';
import { ClientIp, CurrentWechatUser } from '../access/actor.decorators';
import type { WechatUserActor } from '../access/actors';
import { Route, ValidBody } from '../access/route.decorator';
import { MemberSessions } from './member-sessions.service';

/** The mini-program signs in with wx.login and joins with the phone-number button. */
@Controller()
export class AuthController {
  constructor(private readonly sessions: MemberSessions) {}

  @Route('memberLogin')
  login(@ValidBody() body: MemberLoginRequest, @ClientIp() ip: string): Promise<MemberAuthResponse> {
    return this.sessions.login(body, ip);
  }

  @Route('memberJoin')
  join(@CurrentWechatUser() user: WechatUserActor, @ValidBody() body: MemberPhoneRequest, @ClientIp() ip: string): Promise<MemberJoinResponse> {
    return this.sessions.join(user, body, ip);
  }
}
