import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { MEMBER_CODE, MEMBER_CODE_ROTATE_SECONDS, type MemberCode } from '@wemember/shared';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';

const WINDOW_MS = MEMBER_CODE_ROTATE_SECONDS * 1000;
/** A code is accepted in its own window and the next one, so a code shown at second 59 still scans. */
const ACCEPTED_WINDOWS = 2;

/**
 * The dynamic member code: member number (10 digits) + time window mod 100 (2) + an HMAC of
 * brand, member number and window (8). Nothing is stored; a screenshot is useless two minutes later.
 * Verification at the till goes through MemberCodeGate, which limits guessing.
 */
@Injectable()
export class MemberCodes {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  issue(brandId: string, memberNo: string, now = this.clock.nowMs()): MemberCode {
    const window = Math.floor(now / WINDOW_MS);
    return {
      code: memberNo + String(window % 100).padStart(2, '0') + this.signature(brandId, memberNo, window),
      expiresAt: new Date((window + ACCEPTED_WINDOWS) * WINDOW_MS).toISOString(),
      refreshAt: new Date((window + 1) * WINDOW_MS).toISOString(),
    };
  }

  /** The member number inside a valid code; a forged code and an old one are told apart. */
  verify(brandId: string, code: string, now = this.clock.nowMs()): string {
    if (!MEMBER_CODE.test(code)) throw new DomainError('MEMBER_CODE_INVALID');
    const memberNo = code.slice(0, 10);
    const windowMod = Number(code.slice(10, 12));
    const current = Math.floor(now / WINDOW_MS);
    // The one window within the last 100 whose number ends in windowMod.
    const window = current - ((((current - windowMod) % 100) + 100) % 100);
    const expected = Buffer.from(this.signature(brandId, memberNo, window));
    const given = Buffer.from(code.slice(12));
    if (!timingSafeEqual(expected, given)) throw new DomainError('MEMBER_CODE_INVALID');
    if (current - window >= ACCEPTED_WINDOWS) throw new DomainError('MEMBER_CODE_EXPIRED');
    return memberNo;
  }

  private signature(brandId: string, memberNo: string, window: number): string {
    const mac = createHmac('sha256', this.config.secrets.memberCode).update(`${brandId}:${memberNo}:${window}`).digest();
    return String(mac.readUIntBE(0, 6) % 100_000_000).padStart(8, '0');
  }
}
