import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { RateLimiter } from '../redis/rate-limiter.service';
import { Coupon } from './coupon.entity';

/** Misses (codes that match no coupon) allowed per staff account or POS key in this window. */
const MISS_WINDOW_SECONDS = 600;

/**
 * Every till route that takes a coupon code (look-up, redemption, coupons in a purchase) finds the
 * coupon here. A code is 80 random bits, so guessing is hopeless anyway; what the limits add is
 * that nobody walks the code space from a till: per staff account or POS key, a code that matches
 * no coupon counts as a miss (20 per 10 minutes by default, then every look-up waits for the
 * window: 429 COUPON_LOOKUP_LOCKED with Retry-After), and all look-ups together are capped per
 * minute (a throughput ceiling high enough for a busy POS). A typo never reaches this gate: the
 * check character refuses it first (the request schema).
 */
@Injectable()
export class CouponCodeGate {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The brand's coupon with this canonical code, counted against `caller` (`staff:<id>` or
   * `pos:<id>`); `field` names the request field a refusal blames. Another brand's coupon is "not
   * found" like no coupon at all, and counts as a miss.
   */
  async find(caller: string, brandId: string, code: string, field: string): Promise<Coupon> {
    const rates = this.config.rateLimits;
    const misses = { bucket: 'coupon-code-misses', subject: caller, limit: { max: rates.couponMissesPerCaller, windowSeconds: MISS_WINDOW_SECONDS } };
    const [locked] = await this.limiter.hitAndCheck({ bucket: 'coupon-code', subject: caller, limit: rates.couponLookupsPerMinute }, [misses]);
    if (locked !== null) {
      const message = `查券错误次数过多，请 ${locked} 秒后再试`;
      throw new DomainError('COUPON_LOOKUP_LOCKED', message, [{ field, message }], { 'Retry-After': String(locked) });
    }
    const coupon = await this.uow.reader.getRepository(Coupon).findOneBy({ code });
    if (!coupon || coupon.brandId !== brandId) {
      await this.limiter.record(misses);
      const message = '券码不存在，请核对后重新输入';
      throw new DomainError('COUPON_NOT_FOUND', message, [{ field, message }]);
    }
    return coupon;
  }
}
