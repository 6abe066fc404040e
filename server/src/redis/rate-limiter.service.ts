import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { RedisService } from './redis.service';

export interface Limit {
  /** Attempts allowed per window. */
  max: number;
  /** Window length; one minute unless said. */
  windowSeconds?: number;
}

/** Fixed windows in Redis, shared by every server instance. */
@Injectable()
export class RateLimiter {
  constructor(private readonly redis: RedisService) {}

  /**
   * Counts one attempt for `bucket`/`subject`; over the limit it throws RATE_LIMITED with
   * Retry-After and a message that says when to try again. Redis unreachable → BUSY_RETRY (503):
   * a limit that cannot be counted is not waved through.
   */
  async hit(bucket: string, subject: string, limit: number | Limit, message?: (retryAfter: number) => string): Promise<void> {
    const { count, max, retryAfter } = await this.count(bucket, subject, limit, 1);
    if (count > max) {
      throw new DomainError('RATE_LIMITED', message?.(retryAfter) ?? `操作太频繁，请 ${retryAfter} 秒后再试`, undefined, { 'Retry-After': String(retryAfter) });
    }
  }

  /** Counts one event (a failure, say) without refusing anything. */
  async record(bucket: string, subject: string, limit: number | Limit): Promise<void> {
    await this.count(bucket, subject, limit, 1);
  }

  /** Seconds until the window ends when `subject` has used up its limit, else null. */
  async over(bucket: string, subject: string, limit: number | Limit): Promise<number | null> {
    const { count, max, retryAfter } = await this.count(bucket, subject, limit, 0);
    return count >= max ? retryAfter : null;
  }

  private async count(bucket: string, subject: string, limit: number | Limit, add: 0 | 1): Promise<{ count: number; max: number; retryAfter: number }> {
    const { max, windowSeconds = 60 } = typeof limit === 'number' ? { max: limit } : limit;
    const windowMs = windowSeconds * 1000;
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const key = this.redis.key('rate', bucket, subject, `${windowSeconds}s`, String(window));
    let count: number;
    try {
      if (add) {
        const [[, counted]] = (await this.redis.client.multi().incr(key).pexpire(key, windowMs + 1000).exec()) as [[null, number]];
        count = counted;
      } else {
        count = Number((await this.redis.client.get(key)) ?? 0);
      }
    } catch {
      throw new DomainError('BUSY_RETRY');
    }
    return { count, max, retryAfter: Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000)) };
  }
}
