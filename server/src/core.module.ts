import { createSecretKey } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AuthTokens } from './auth/auth-tokens.service';
import { MemberGuard, StaffGuard, WechatUserGuard } from './auth/guards';
import { BrandsRepository } from './brands/brands.repository';
import { RateLimiter } from './common/rate-limiter.service';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { MemberCodes } from './members/member-code.service';
import { MembersRepository } from './members/members.repository';
import { PhoneVault } from './members/phone-vault.service';
import { StaffDirectory } from './staff/staff-directory.service';
import { StoresRepository } from './stores/stores.repository';

const shared = [
  AuthTokens,
  WechatUserGuard,
  MemberGuard,
  StaffGuard,
  BrandsRepository,
  StoresRepository,
  MembersRepository,
  StaffDirectory,
  RateLimiter,
  PhoneVault,
  MemberCodes,
];

/** Repositories and cross-cutting services every feature module uses. */
@Global()
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
  ],
  providers: shared,
  exports: shared,
})
export class CoreModule {}
