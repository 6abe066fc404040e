import { Inject, Injectable } from '@nestjs/common';
import { MEMBER_CODE } from '@wemember/shared';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RateLimiter } from '../redis/rate-limiter.service';
import { MemberCodes } from './member-code.service';

/** Failed verifications of one member number's codes allowed per window, from anywhere. */
const FAILURE_WINDOW_SECONDS = 600;

/**
 * Every route that takes a member code (the till's quote and purchase, the member look-up) verifies
 * it here. Why guessing is hopeless: the member number is visible to staff, so a guesser needs the
 * 8-digit signature of the current window, one of 10^8 values. Failed verifications are limited
 * per 10 minutes twice: per member number from everywhere (then even the right code waits, and the
 * clerk can find the member by phone) and per staff account or POS key over all members. At the
 * defaults — 10 and 20 — one account gets 2,880 wrong guesses a day: at 10^-8 each, one hit in
 * about 95 years; aimed at one member, 1,440 a day from all accounts together, about 95 years to
 * even odds. The total number of verifications per account is capped too (a throughput ceiling,
 * high enough for a busy POS).
 */
@Injectable()
export class MemberCodeGate {
  constructor(
    private readonly codes: MemberCodes,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * `verify`, counted: `caller` is who asks (`staff:<id>` or `pos:<id>`), limited across every route
   * that takes a code; a member number with too many failed codes is locked for a while.
   */
  async verifyAtTill(caller: string, brandId: string, code: string): Promise<string> {
    const rates = this.config.rateLimits;
    const window = { windowSeconds: FAILURE_WINDOW_SECONDS };
    const perMember = { bucket: 'member-code-failures', subject: `${brandId}:${code.slice(0, 10)}`, limit: { max: rates.codeFailuresPerMember, ...window } };
    const perCaller = { bucket: 'member-code-caller-failures', subject: caller, limit: { max: rates.codeFailuresPerCaller, ...window } };
    // One round trip: count this check against the caller, and read both failure counts.
    const [memberLocked, callerLocked] = await this.limiter.hitAndCheck({ bucket: 'member-code', subject: caller, limit: rates.codeChecksPerMinute }, [perMember, perCaller]);
    if (!MEMBER_CODE.test(code)) throw new DomainError('MEMBER_CODE_INVALID');
    if (memberLocked !== null) throw new DomainError('MEMBER_CODE_LOCKED', undefined, undefined, { 'Retry-After': String(memberLocked) });
    if (callerLocked !== null) throw new DomainError('RATE_LIMITED', `会员码错误次数过多，请 ${callerLocked} 秒后再试`, undefined, { 'Retry-After': String(callerLocked) });
    try {
      return this.codes.verify(brandId, code);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'MEMBER_CODE_INVALID') await this.limiter.record(perMember, perCaller);
      throw error;
    }
  }
}
