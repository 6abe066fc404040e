import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/**
 * Logs a Redis outage once when it starts and once when it ends, however many errors and
 * reconnection attempts lie between (an unhandled 'error' event would print every one).
 */
export function watchOutages(client: { on(event: string, listener: (...args: unknown[]) => void): unknown }, logger: Logger, what: string): void {
  let down = false;
  client.on('error', (error) => {
    if (down) return;
    down = true;
    logger.error(`${what}: Redis unreachable (${(error as Error)?.message ?? error}); answering 503 where Redis is needed until it is back`);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log(`${what}: Redis is back`);
  });
}

/** One ioredis connection for the app; every key goes through `key()` so deployments and test runs never collide. */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;
  private readonly logger = new Logger('Redis');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    // A command fails after one reconnection attempt instead of waiting out the outage: a login
    // answers 503 at once rather than hanging.
    this.client = new Redis(config.redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false });
    watchOutages(this.client, this.logger, 'app connection');
  }

  key(...parts: string[]): string {
    return this.config.redis.prefix + parts.join(':');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
