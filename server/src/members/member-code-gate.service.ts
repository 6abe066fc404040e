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
 * 8-digit signature of the current window, one of 10^8 values. Each staff account or POS key gets
 * one shared number of verifications per minute across all those routes, and each member number a
 * few failed ones per 10 minutes from everywhere (then even the right code waits, and the clerk can
 * find the member by phone). At 10 failures per 10 minutes a guesser gets 1,440 tries a day at one
 * member: reaching even odds takes about 95 years.
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
    await this.limiter.hit('member-code', caller, this.config.rateLimits.resolvePerMinute);
    if (!MEMBER_CODE.test(code)) throw new DomainError('MEMBER_CODE_INVALID');
    const failures = { bucket: 'member-code-failures', subject: `${brandId}:${code.slice(0, 10)}`, limit: { max: this.config.rateLimits.codeFailuresPerMember, windowSeconds: FAILURE_WINDOW_SECONDS } };
    const locked = await this.limiter.over(failures.bucket, failures.subject, failures.limit);
    if (locked !== null) throw new DomainError('MEMBER_CODE_LOCKED', undefined, undefined, { 'Retry-After': String(locked) });
    try {
      return this.codes.verify(brandId, code);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'MEMBER_CODE_INVALID') await this.limiter.record(failures.bucket, failures.subject, failures.limit);
      throw error;
    }
  }
}
