import API from 'co-wechat-api';
import type Redis from 'ioredis';
import { wechatErrcode } from './wechat-api-error';

interface StoredToken {
  accessToken: string;
  expireTime: number;
}

const LOCK_TTL_MS = 10_000;
const WAIT_STEP_MS = 50;

/** The errcodes that mean "token invalid or expired" (§C.3); co-wechat-api refreshes and retries on them. */
const TOKEN_INVALID_ERRCODES = new Set([40001, 42001]);
/** stable_token errcodes that are WeChat being busy or over quota, not a refusal of our credentials. */
const OUTAGE_ERRCODES = new Set([-1, 45009, 45011]);

/**
 * stable_token answered an errcode instead of a token. `refused` tells a refusal of our credentials
 * (40001 twice, 40125 wrong secret, 40013 unknown appid, 40164 IP not whitelisted, …), which no retry
 * fixes, from WeChat being busy or over quota. Not a WeChatAPIError on purpose: callers must not
 * read this errcode as the answer of the API they called.
 */
export class WechatTokenError extends Error {
  override readonly name = 'WechatTokenError';

  constructor(readonly errcode: number) {
    super(`stable_token answered errcode ${errcode}`);
  }

  get refused(): boolean {
    return !OUTAGE_ERRCODES.has(this.errcode);
  }
}

/**
 * co-wechat-api with its access token in Redis, shared by every server instance, and fetched
 * single-flight: one in-flight refresh per process, and a Redis lock so only one process asks
 * WeChat. It asks `stable_token` in normal mode, which hands back the same token while valid, so
 * even a refresh that races another cannot invalidate the token the other instances hold.
 *
 * The refresh never goes back through `getAccessToken`: co-wechat-api's `request()` answers a
 * 40001/42001 by calling `getAccessToken()`, which here returns the refresh in flight, so a
 * stable_token request made with its default retries would wait on itself forever, holding the
 * Redis lock. stable_token is therefore asked with retries off, and a 40001/42001 from it is
 * retried once here, then fails fast with a WechatTokenError (and the lock released).
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

  /**
   * One token from stable_token. A 40001/42001 is asked once more: a glitch during WeChat's token
   * hand-over would pass, while a wrong AppSecret (WeChat answers 40001 for that too) fails within
   * two round trips. Never force_refresh: it would kill the token every other instance holds, and
   * WeChat allows only 20 a day.
   */
  private async fetchStableToken(): Promise<StoredToken> {
    let data: { access_token?: unknown; expires_in?: unknown };
    try {
      data = await this.askStableToken();
    } catch (error) {
      if (!TOKEN_INVALID_ERRCODES.has(wechatErrcode(error) ?? 0)) throw asTokenError(error);
      try {
        data = await this.askStableToken();
      } catch (again) {
        throw asTokenError(again);
      }
    }
    const token = { accessToken: String(data.access_token), expireTime: Date.now() + (Number(data.expires_in) - 10) * 1000 };
    await this.redis.set(this.tokenKey, JSON.stringify(token), 'PX', Math.max(1, token.expireTime - Date.now()));
    return token;
  }

  /** retry 0: co-wechat-api must not answer a 40001 here by calling getAccessToken, i.e. this very refresh. */
  private askStableToken(): Promise<{ access_token?: unknown; expires_in?: unknown }> {
    return this.request(
      this.prefix + 'stable_token',
      {
        method: 'POST',
        data: JSON.stringify({ grant_type: 'client_credential', appid: this.appid, secret: this.appsecret, force_refresh: false }),
        headers: { 'Content-Type': 'application/json' },
      },
      0,
    );
  }
}

/** An errcode answer becomes a WechatTokenError; transport failures stay as they are (WeChat unreachable). */
function asTokenError(error: unknown): unknown {
  const errcode = wechatErrcode(error);
  return errcode === undefined ? error : new WechatTokenError(errcode);
}
