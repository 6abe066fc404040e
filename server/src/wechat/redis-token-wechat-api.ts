import API from 'co-wechat-api';
import type Redis from 'ioredis';

interface StoredToken {
  accessToken: string;
  expireTime: number;
}

const LOCK_TTL_MS = 10_000;
const WAIT_STEP_MS = 50;

/**
 * co-wechat-api with its access token in Redis, shared by every server instance, and fetched
 * single-flight: one in-flight refresh per process, and a Redis lock so only one process asks
 * WeChat. It asks `stable_token` in normal mode, which hands back the same token while valid, so
 * even a refresh that races another cannot invalidate the token the other instances hold.
 */
export class RedisTokenWechatApi extends API {
  private refreshing: Promise<StoredToken> | null = null;

  constructor(
    appid: string,
    secret: string,
    private readonly redis: Redis,
    private readonly tokenKey: string,
  ) {
    super(
      appid,
      secret,
      async () => {
        const raw = await redis.get(tokenKey);
        return raw ? (JSON.parse(raw) as StoredToken) : null;
      },
      async (token) => {
        if (token) await redis.set(tokenKey, JSON.stringify(token), 'PX', Math.max(1, token.expireTime - Date.now()));
        else await redis.del(tokenKey);
      },
    );
  }

  override getAccessToken(): Promise<StoredToken> {
    if (!this.refreshing) {
      this.refreshing = this.refreshUnderLock().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async refreshUnderLock(): Promise<StoredToken> {
    const lockKey = `${this.tokenKey}:lock`;
    const deadline = Date.now() + LOCK_TTL_MS;
    for (;;) {
      const owner = `${process.pid}:${Math.random()}`;
      if (await this.redis.set(lockKey, owner, 'PX', LOCK_TTL_MS, 'NX')) {
        try {
          return (await this.freshStoredToken()) ?? (await this.fetchStableToken());
        } finally {
          // Release only our own lock.
          await this.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, lockKey, owner);
        }
      }
      const token = await this.freshStoredToken();
      if (token) return token;
      if (Date.now() > deadline) return this.fetchStableToken();
      await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
    }
  }

  /** A token another holder of the lock saved meanwhile. */
  private async freshStoredToken(): Promise<StoredToken | null> {
    const raw = await this.redis.get(this.tokenKey);
    if (!raw) return null;
    const token = JSON.parse(raw) as StoredToken;
    return token.expireTime > Date.now() ? token : null;
  }

  private async fetchStableToken(): Promise<StoredToken> {
    const data = await this.request(this.prefix + 'stable_token', {
      method: 'POST',
      data: JSON.stringify({ grant_type: 'client_credential', appid: this.appid, secret: this.appsecret, force_refresh: false }),
      headers: { 'Content-Type': 'application/json' },
    });
    const token = { accessToken: String(data.access_token), expireTime: Date.now() + (Number(data.expires_in) - 10) * 1000 };
    await this.redis.set(this.tokenKey, JSON.stringify(token), 'PX', Math.max(1, token.expireTime - Date.now()));
    return token;
  }
}
