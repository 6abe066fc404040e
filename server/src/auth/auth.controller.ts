import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { memberLoginRequestSchema, memberPhoneRequestSchema, type MemberLoginRequest, type MemberPhoneRequest } from '@wemember/shared';
import { ZodPipe } from '../common/zod-body.pipe';
import { MemberJoin } from '../members/member-join.usecase';
import { MemberLogin } from '../members/member-login.usecase';
import type { WechatUserClaims } from './auth-tokens.service';
import { ClientIp, CurrentWechatUser, WechatUserGuard } from './guards';

@Controller('auth')
export class AuthController {
  constructor(
    private readonly login: MemberLogin,
    private readonly join: MemberJoin,
  ) {}

  @Post('login')
  @HttpCode(200)
  wechatLogin(@Body(new ZodPipe(memberLoginRequestSchema)) body: MemberLoginRequest, @ClientIp() ip: string) {
    return this.login.execute(body, ip);
  }

  @Post('phone')
  @HttpCode(200)
  @UseGuards(WechatUserGuard)
  phoneJoin(@CurrentWechatUser() user: WechatUserClaims, @Body(new ZodPipe(memberPhoneRequestSchema)) body: MemberPhoneRequest, @ClientIp() ip: string) {
    return this.join.execute(user, body, ip);
  }
}
