import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { BrandsModule } from '../brands/brands.module';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CouponsModule } from '../coupons/coupons.module';
import { MembersModule } from '../members/members.module';
import { StoresModule } from '../stores/stores.module';
import { WechatModule } from '../wechat/wechat.module';
import { AuthController } from './auth.controller';
import { AuthTokens } from './auth-tokens.service';
import { MemberSessions } from './member-sessions.service';

/** Tokens: the shopper's session from wx.login and the phone button, and signing staff tokens. */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      // A KeyObject, not the string: jsonwebtoken otherwise first tries the secret as a PEM public
      // key on every verify and catches the failure (~0.5 ms of CPU per request, measured).
      useFactory: (config: AppConfig) => ({
        secret: createSecretKey(Buffer.from(config.secrets.jwt, 'utf8')) as unknown as string,
        signOptions: { algorithm: 'HS256' },
      }),
    }),
    BrandsModule,
    CouponsModule,
    MembersModule,
    StoresModule,
    WechatModule,
  ],
  controllers: [AuthController],
  providers: [AuthTokens, MemberSessions],
  exports: [AuthTokens],
})
export class AuthModule {}
