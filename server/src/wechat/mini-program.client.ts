import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { RedisService } from '../redis/redis.module';
import { RedisTokenWechatApi, WechatTokenError } from './redis-token-wechat-api';
import { postMessage, type TemplateData } from './message-send';
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
 * The mini-program's server APIs (docs/wechat.md §A, §B, §C, §F), through co-wechat-api with
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
    // A page that is not JSON (a proxy's) comes back as a Buffer: without this, its openid "undefined" is one identity for everyone.
    if (typeof data?.openid !== 'string' || !data.openid || typeof data.session_key !== 'string') throw new DomainError('WECHAT_UNAVAILABLE');
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
    // Anything but WeChat's JSON with a phone_info (a proxy's page, a changed answer) is WeChat being
    // unavailable, not a foreign number the shopper should be told about.
    const info = data && !Buffer.isBuffer(data) ? data.phone_info : undefined;
    if (!info || typeof info.purePhoneNumber !== 'string' || typeof info.countryCode !== 'string') throw new DomainError('WECHAT_UNAVAILABLE');
    return { purePhoneNumber: info.purePhoneNumber, countryCode: info.countryCode };
  }

  /**
   * A mini-program code image (JPEG) that opens `page` with `scene`. The errors a person can fix
   * (page not released, scene or arguments WeChat rejects) are told apart from WeChat being down:
   * see WXACODE_ERRORS.
   */
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
      WXACODE_ERRORS,
    );
    // An image, by its first bytes (JPEG or PNG): a proxy's HTML page is not printed as a store code.
    if (!Buffer.isBuffer(body) || !isImage(body)) throw new DomainError('WECHAT_UNAVAILABLE');
    return body;
  }

  /**
   * Tells WeChat a mini-program payment's goods were delivered (§H, 发货信息录入), which it wants
   * before it settles the money to the merchant. Any errcode is an error: the caller's job retries.
   */
  async uploadShippingInfo(body: Record<string, unknown>): Promise<void> {
    const answer = await this.call(async () => {
      const { accessToken } = await this.api.ensureAccessToken();
      return this.api.request(`${this.api.wxaPrefix}sec/order/upload_shipping_info?access_token=${encodeURIComponent(accessToken)}`, {
        method: 'POST',
        data: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' },
      });
    }, {});
    if (!answer || Buffer.isBuffer(answer) || (answer as { errcode?: number }).errcode !== 0) throw new DomainError('WECHAT_UNAVAILABLE');
  }

  /**
   * A subscribe message (§E): spends one of the member's accepts of the template at WeChat. Throws a
   * WechatSendError with WeChat's errcode (43101: no accept left) or null when no answer came.
   */
  async sendSubscribeMessage(message: { touser: string; templateId: string; page?: string; data: TemplateData; miniprogramState?: 'developer' | 'trial' | 'formal' }): Promise<void> {
    await postMessage(this.api, 'message/subscribe/send', {
      touser: message.touser,
      template_id: message.templateId,
      ...(message.page && { page: message.page }),
      miniprogram_state: message.miniprogramState ?? 'formal',
      lang: 'zh_CN',
      data: message.data,
    });
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
      const code = errcode === undefined ? undefined : known[errcode];
      if (code) {
        if (code !== 'WECHAT_RATE_LIMITED') throw new DomainError(code);
        // WeChat's quotas are per minute ("retry next minute", §1.1).
        throw new DomainError(code, undefined, undefined, { 'Retry-After': '60' });
      }
      this.logger.warn(`WeChat call failed: ${errcode ?? ''} ${redactWechatSecrets((error as Error).message)}`);
      throw new DomainError('WECHAT_UNAVAILABLE');
    }
  }
}

/**
 * getwxacodeunlimit errcodes (§F) that configuration fixes, and its rate limit. 41030 is a page the
 * released mini-program lacks, a malformed page path, or no release at all; 40169/40129 a scene
 * WeChat rejects (empty, over 32 characters, characters outside its set); 40097 width or
 * env_version. 45009 here is the 5,000-a-minute limit. -1, a network failure and any other errcode
 * stay 503 WECHAT_UNAVAILABLE.
 */
const WXACODE_ERRORS: Record<number, DomainErrorCode> = {
  41030: 'WXACODE_PAGE_NOT_RELEASED',
  40169: 'WXACODE_SCENE_INVALID',
  40129: 'WXACODE_SCENE_INVALID',
  40097: 'WXACODE_ARGS_INVALID',
  45009: 'WECHAT_RATE_LIMITED',
  45011: 'WECHAT_RATE_LIMITED',
};

const isImage = (bytes: Buffer) =>
  (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) || bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
