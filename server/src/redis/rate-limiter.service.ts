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
    const [hit] = await this.count([{ bucket, subject, limit, add: 1 }]);
    if (hit.count > hit.max) throw limited(hit.retryAfter, message);
  }

  /** Counts one event (a failure, say) for each of `counters` without refusing anything: one round trip. */
  async record(...counters: Counter[]): Promise<void> {
    await this.count(counters.map((c) => ({ ...c, add: 1 as const })));
  }

  /**
   * `hit` on one counter and `over` on others, in one round trip to Redis (the till checks three
   * limits per purchase). Throws RATE_LIMITED when the hit is over; returns the others' retry-after
   * (or null), in order.
   */
  async hitAndCheck(hit: Counter, others: Counter[], message?: (retryAfter: number) => string): Promise<(number | null)[]> {
    const [counted, ...reads] = await this.count([{ ...hit, add: 1 }, ...others.map((c) => ({ ...c, add: 0 as const }))]);
    if (counted.count > counted.max) throw limited(counted.retryAfter, message);
    return reads.map((r) => (r.count >= r.max ? r.retryAfter : null));
  }

  /**
   * One event of a per-second quota (a send to WeChat or the SMS provider), counted in this second's
   * window over every instance: 0 when it may go now, else the milliseconds until the next window —
   * the caller waits instead of being refused. Redis unreachable → BUSY_RETRY, as for `hit`.
   */
  async takePerSecond(bucket: string, subject: string, perSecond: number): Promise<number> {
    const now = Date.now();
    const window = Math.floor(now / 1000);
    const key = this.redis.key('rate', bucket, subject, '1s', String(window));
    let results: [Error | null, unknown][];
    try {
      results = (await this.redis.client.multi().incr(key).pexpire(key, 2000).exec()) as [Error | null, unknown][];
    } catch {
      throw new DomainError('BUSY_RETRY');
    }
    const [error, count] = results[0];
    if (error) throw new DomainError('BUSY_RETRY');
    return Number(count) <= perSecond ? 0 : (window + 1) * 1000 - now;
  }

  private async count(counters: (Counter & { add: 0 | 1 })[]): Promise<{ count: number; max: number; retryAfter: number }[]> {
    const now = Date.now();
    const plan = counters.map(({ bucket, subject, limit, add }) => {
      const { max, windowSeconds = 60 } = typeof limit === 'number' ? { max: limit } : limit;
      const windowMs = windowSeconds * 1000;
      const window = Math.floor(now / windowMs);
      const key = this.redis.key('rate', bucket, subject, `${windowSeconds}s`, String(window));
      return { key, add, max, windowMs, retryAfter: Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000)) };
    });
    const multi = this.redis.client.multi();
    for (const p of plan) {
      if (p.add) multi.incr(p.key).pexpire(p.key, p.windowMs + 1000);
      else multi.get(p.key);
    }
    let results: [Error | null, unknown][];
    try {
      results = (await multi.exec()) as [Error | null, unknown][];
    } catch {
      throw new DomainError('BUSY_RETRY');
    }
    let i = 0;
    return plan.map((p) => {
      const [error, value] = results[i];
      i += p.add ? 2 : 1;
      if (error) throw new DomainError('BUSY_RETRY');
      return { count: Number(value ?? 0), max: p.max, retryAfter: p.retryAfter };
    });
  }
}

/** One limit on one subject. */
export interface Counter {
  bucket: string;
  subject: string;
  limit: number | Limit;
}

function limited(retryAfter: number, message?: (retryAfter: number) => string): DomainError {
  return new DomainError('RATE_LIMITED', message?.(retryAfter) ?? `操作太频繁，请 ${retryAfter} 秒后再试`, undefined, { 'Retry-After': String(retryAfter) });
}
