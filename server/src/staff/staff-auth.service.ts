import { Inject, Injectable } from '@nestjs/common';
import type { StaffLoginRequest, StaffLoginResponse } from '@wemember/shared';
import { AuthTokens } from '../auth/auth-tokens.service';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RateLimiter } from '../redis/rate-limiter.service';
import { DECOY_PASSWORD_HASH, verifyPassword } from './password-hasher';
import { StaffDirectory, toActor } from './staff-directory.service';

/**
 * The text a bucket is keyed by when no account matches: case and accents folded the way MariaDB's
 * collation folds them, so `CLERK`, `clérk` and `çlerk` are one bucket, not three.
 */
export function foldUsername(username: string): string {
  return username.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** One hour: the per-account ceiling is counted slowly, so it stops a patient guesser, not a clerk. */
const HOUR = 3600;

@Injectable()
export class StaffAuthService {
  constructor(
    private readonly directory: StaffDirectory,
    private readonly tokens: AuthTokens,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Guessing is limited three ways, each keyed on what cannot be varied: the account found (not the
   * text typed), per address (only trusted proxy hops name it, see TRUST_PROXY):
   * - per account and address: a few tries a minute, so one place cannot guess fast;
   * - per account, from everywhere: a higher ceiling per hour, so many places cannot either —
   *   while someone guessing from elsewhere does not lock the clerk out at their own till first;
   * - per address, over all accounts: so one place cannot sweep every account.
   * The username must match exactly: the database's collation would otherwise let `CLERK` or
   * `clérk` sign in as `clerk`.
   */
  async login(request: StaffLoginRequest, ip: string): Promise<StaffLoginResponse> {
    const perMinute = this.config.rateLimits.staffLoginPerMinute;
    const found = await this.directory.byUsername(request.username);
    const account = found ? `id:${found.id}` : `name:${foldUsername(request.username)}`;
    const wait = (seconds: number) => `登录尝试太频繁，请 ${seconds} 秒后再试`;
    await this.limiter.hit('staff-login-address', ip, perMinute * 5, wait);
    await this.limiter.hit('staff-login-account-address', `${account}:${ip}`, perMinute, wait);
    await this.limiter.hit('staff-login-account', account, { max: perMinute * 10, windowSeconds: HOUR }, wait);
    const staff = found && found.username === request.username ? found : null;
    const passwordOk = await verifyPassword(request.password, staff?.passwordHash ?? DECOY_PASSWORD_HASH);
    if (!staff || !passwordOk) throw new DomainError('STAFF_LOGIN_FAILED');
    if (!staff.active) throw new DomainError('STAFF_DISABLED');
    const actor = toActor(staff);
    return { ...this.tokens.issueStaff({ sub: staff.id, brandId: staff.brandId }), staff: await this.directory.profile(actor) };
  }
}
