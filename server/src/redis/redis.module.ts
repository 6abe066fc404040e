import { Global, Module } from '@nestjs/common';
import { RateLimiter } from './rate-limiter.service';
import { RedisService } from './redis.service';

/** Redis for every instance: the shared connection and the rate limits kept in it. */
@Global()
@Module({ providers: [RedisService, RateLimiter], exports: [RedisService, RateLimiter] })
export class RedisModule {}
export { RedisService } from './redis.service';
