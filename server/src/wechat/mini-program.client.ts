import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { RedisService } from '../redis/redis.module';
import { RedisTokenWechatApi, WechatTokenError } from './redis-token-wechat-api';
import { redactWechatSecrets, wechatErrcode } from './wechat-api-error';

export interface WechatSession {
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

export interface PhoneInfo {
  /** Without country code for mainland numbers. */
  purePhoneNumber: string;
  countryCode: string;
}

/**
 * The mini-program's server APIs (wechat-protocol.md §A, §B, §C, §F), through co-wechat-api with
 * its prefixes pointed at WECHAT_API_BASE: WeChat itself, or the sandbox.
 */
@Injectable()
export class MiniProgramClient {
  private readonly logger = new Logger('MiniProgramClient');
  readonly api: RedisTokenWechatApi;

  constructor(@Inject(APP_CONFIG) config: AppConfig, redis: RedisService) {
    const { appid, secret, apiBase, timeoutMs } = config.wechat;
    this.api = new RedisTokenWechatApi(appid, secret, redis.client, redis.key('wechat', 'access-token', appid));
    this.api.prefix = `${apiBase}/cgi-bin/`;
    this.api.snsPrefix = `${apiBase}/sns/`;
    this.api.wxaPrefix = `${apiBase}/wxa/`;
    this.api.setOpts({ timeout: timeoutMs });
  }

  get appid(): string {
    return this.api.appid;
  }

  async code2Session(code: string): Promise<WechatSession> {
    const data = await this.call(() => this.api.code2Session(code), { 40029: 'WECHAT_CODE_INVALID', 40163: 'WECHAT_CODE_USED', 40226: 'WECHAT_CODE_INVALID', 45011: 'WECHAT_RATE_LIMITED' });
    return { openid: String(data.openid), unionid: data.unionid ? String(data.unionid) : null, sessionKey: String(data.session_key) };
  }

  async phoneNumber(phoneCode: string): Promise<PhoneInfo> {
    const data = await this.call(
      async () => {
        const { accessToken } = await this.api.ensureAccessToken();
        return this.api.request(`${this.api.wxaPrefix}business/getuserphonenumber?access_token=${encodeURIComponent(accessToken)}`, {
          method: 'POST',
          data: JSON.stringify({ code: phoneCode }),
          headers: { 'Content-Type': 'application/json' },
        });
      },
      { 40029: 'PHONE_CODE_INVALID', 45011: 'WECHAT_RATE_LIMITED' },
    );
    const info = data.phone_info ?? {};
    return { purePhoneNumber: String(info.purePhoneNumber ?? ''), countryCode: String(info.countryCode ?? '') };
  }

  /** A mini-program code image (JPEG) that opens `page` with `scene`. */
  async unlimitedCode(scene: string, page: string, checkPath: boolean): Promise<Buffer> {
    const body = await this.call(
      async () => {
        const { accessToken } = await this.api.ensureAccessToken();
        return this.api.request(`${this.api.wxaPrefix}getwxacodeunlimit?access_token=${encodeURIComponent(accessToken)}`, {
          method: 'POST',
          data: JSON.stringify({ scene, page, check_path: checkPath, width: 430 }),
          headers: { 'Content-Type': 'application/json' },
        });
      },
      {},
    );
    if (!Buffer.isBuffer(body)) throw new DomainError('WECHAT_UNAVAILABLE');
    return body;
  }

  /**
   * Known errcodes become domain errors a user can act on; a token WeChat refuses is its own 503;
   * anything else is WeChat being unavailable. Logged messages are redacted: they hold URLs.
   */
  private async call<T>(request: () => Promise<T>, known: Record<number, DomainErrorCode>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof WechatTokenError) {
        this.logger.warn(`WeChat access token unavailable: stable_token answered errcode ${error.errcode}`);
        throw new DomainError(error.refused ? 'WECHAT_TOKEN_REFUSED' : 'WECHAT_UNAVAILABLE');
      }
      const errcode = wechatErrcode(error);
      if (errcode !== undefined && known[errcode]) throw new DomainError(known[errcode]);
      this.logger.warn(`WeChat call failed: ${errcode ?? ''} ${redactWechatSecrets((error as Error).message)}`);
      throw new DomainError('WECHAT_UNAVAILABLE');
    }
  }
}
