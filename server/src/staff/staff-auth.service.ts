import { Inject, Injectable } from '@nestjs/common';
import type { StaffLoginRequest, StaffLoginResponse } from '@wemember/shared';
import { AuthTokens } from '../auth/auth-tokens.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { RateLimiter } from '../redis/rate-limiter.service';
import { DECOY_PASSWORD_HASH, verifyPassword } from './password-hasher';
import { StaffDirectory, toActor } from './staff-directory.service';

@Injectable()
export class StaffAuthService {
  constructor(
    private readonly directory: StaffDirectory,
    private readonly tokens: AuthTokens,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Limited per username and per address, so guessing one account's password is slow from anywhere. */
  async login(request: StaffLoginRequest, ip: string): Promise<StaffLoginResponse> {
    const perMinute = this.config.rateLimits.staffLoginPerMinute;
    await this.limiter.hit('staff-login-user', request.username.toLowerCase(), perMinute);
    await this.limiter.hit('staff-login-ip', ip, perMinute * 5);
    const staff = await this.directory.byUsername(request.username);
    const passwordOk = await verifyPassword(request.password, staff?.passwordHash ?? DECOY_PASSWORD_HASH);
    if (!staff || !passwordOk) throw new DomainError('STAFF_LOGIN_FAILED');
    if (!staff.active) throw new DomainError('STAFF_DISABLED');
    const actor = toActor(staff);
    return { ...this.tokens.issueStaff({ sub: staff.id, brandId: staff.brandId }), staff: await this.directory.profile(actor) };
  }
}
