import { Injectable } from '@nestjs/common';
import { RedisService } from './redis.service';
import { DomainError } from '../common/domain-error';

/** Fixed one-minute windows in Redis, shared by every server instance. */
@Injectable()
export class RateLimiter {
  constructor(private readonly redis: RedisService) {}

  /** Counts one attempt for `bucket`/`subject`; over `perMinute` it throws RATE_LIMITED with Retry-After. */
  async hit(bucket: string, subject: string, perMinute: number): Promise<void> {
    const now = Date.now();
    const window = Math.floor(now / 60_000);
    const key = this.redis.key('rate', bucket, subject, String(window));
    const [[, count]] = (await this.redis.client.multi().incr(key).pexpire(key, 61_000).exec()) as [[null, number]];
    if (count > perMinute) {
      const retryAfter = Math.ceil(((window + 1) * 60_000 - now) / 1000);
      throw new DomainError('RATE_LIMITED', undefined, undefined, { 'Retry-After': String(retryAfter) });
    }
  }
}
