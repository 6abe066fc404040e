import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, type OfficialAccountConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.module';
import { postMessage, WechatSendError, type TemplateData } from './message-send';
import { RedisTokenWechatApi } from './redis-token-wechat-api';
import { redactWechatSecrets, wechatErrcode } from './wechat-api-error';

export interface FollowerInfo {
  subscribed: boolean;
  /** Present when the account is bound to the Open Platform account the mini-program is (§D.2). */
  unionid: string | null;
}

/**
 * The brand's official account (服务号), through co-wechat-api like the mini-program: template
 * messages (§D) and follower information (§D.2). `enabled` is false when production has none.
 */
@Injectable()
export class OfficialAccountClient {
  readonly config: OfficialAccountConfig | null;
  private readonly api: RedisTokenWechatApi | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig, redis: RedisService) {
    this.config = config.officialAccount;
    if (!this.config) {
      this.api = null;
      return;
    }
    const { appid, secret } = this.config;
    this.api = new RedisTokenWechatApi(appid, secret, redis.client, redis.key('wechat', 'access-token', appid));
    this.api.prefix = `${config.wechat.apiBase}/cgi-bin/`;
    this.api.setOpts({ timeout: config.wechat.timeoutMs });
  }

  get enabled(): boolean {
    return this.api !== null;
  }

  get appid(): string | null {
    return this.config?.appid ?? null;
  }

  /**
   * A template message to a follower (§D). Answers WeChat's msgid as a string (it exceeds 2^53;
   * TEMPLATESENDJOBFINISH carries the same one). `clientMsgId` makes a resend within 10 minutes a no-op.
   */
  async sendTemplate(message: { touser: string; templateId: string; data: TemplateData; miniprogram?: { appid: string; pagepath: string }; clientMsgId?: string }): Promise<string> {
    const answer = await postMessage(this.requireApi(), 'message/template/send', {
      touser: message.touser,
      template_id: message.templateId,
      ...(message.miniprogram && { miniprogram: message.miniprogram }),
      ...(message.clientMsgId && { client_msg_id: message.clientMsgId }),
      data: message.data,
    });
    // json-bigint hands back a BigNumber for msgids past 2^53: String() keeps every digit.
    if (answer.msgid === undefined || answer.msgid === null) throw new WechatSendError(null, 'template/send answered without a msgid');
    return String(answer.msgid);
  }

  /** `cgi-bin/user/info`: whether the openid follows the account, and its unionid. */
  async userInfo(openid: string): Promise<FollowerInfo> {
    const api = this.requireApi();
    let answer: unknown;
    try {
      answer = await api.getUser({ openid, lang: 'zh_CN' });
    } catch (error) {
      throw new WechatSendError(wechatErrcode(error) ?? null, redactWechatSecrets((error as Error).message));
    }
    const info = (answer ?? {}) as { subscribe?: unknown; unionid?: unknown };
    return { subscribed: Number(info.subscribe) === 1, unionid: typeof info.unionid === 'string' && info.unionid ? info.unionid : null };
  }

  private requireApi(): RedisTokenWechatApi {
    if (!this.api) throw new WechatSendError(null, 'no official account is configured');
    return this.api;
  }
}
