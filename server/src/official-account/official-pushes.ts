import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig, type OfficialAccountConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { FollowerEvents } from './follower-events';
import { invalid, readPushBody, type PushFields } from './push-body';
import { decryptPush, msgSignature, pushSignature, PushDecryptError, sameSignature } from './push-crypto';
import { PushFormatError } from './push-xml';

/** The query WeChat puts on every call to the server URL (§G.1, §G.4); anything else may arrive too. */
export type PushQuery = Record<string, unknown>;

/**
 * The official account's server URL (§G): the MP console's verification GET and the pushes.
 * Every call is checked against the Token before anything is read; a forgery is 403 and changes
 * nothing. In safe and compatible modes the message is the decrypted `Encrypt` (its own signature,
 * `msg_signature`, covers the ciphertext), never the plain copy compatible mode sends beside it.
 */
@Injectable()
export class OfficialPushes {
  private readonly logger = new Logger('OfficialPushes');
  private readonly config: OfficialAccountConfig | null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly events: FollowerEvents,
  ) {
    this.config = config.officialAccount;
  }

  /** The URL check (§G.1): the echostr back, decrypted in safe mode (`encrypt_type=aes`). */
  verify(query: PushQuery): string {
    const config = this.requireConfig();
    const { timestamp, nonce } = this.checkSignature(config, query);
    const echostr = text(query.echostr);
    if (!echostr) throw invalid('缺少 echostr');
    if (text(query.encrypt_type) !== 'aes') return echostr;
    return this.decrypt(config, timestamp, nonce, query.msg_signature, echostr);
  }

  /** A push (§G.2): handled once whatever WeChat retries, answered `success`. */
  async receive(query: PushQuery, body: string): Promise<'success'> {
    const config = this.requireConfig();
    const { timestamp, nonce } = this.checkSignature(config, query);
    const outer = readBody(body);
    const message = text(query.encrypt_type) === 'aes' ? this.decryptedMessage(config, timestamp, nonce, query.msg_signature, outer) : outer;
    await this.events.handle(message);
    return 'success';
  }

  private requireConfig(): OfficialAccountConfig {
    if (!this.config) throw new DomainError('OFFICIAL_ACCOUNT_DISABLED');
    return this.config;
  }

  /** §G.1 on every call; a missing part is the same 403 as a wrong one. */
  private checkSignature(config: OfficialAccountConfig, query: PushQuery): { timestamp: string; nonce: string } {
    const timestamp = text(query.timestamp);
    const nonce = text(query.nonce);
    if (!timestamp || !nonce || !sameSignature(query.signature, pushSignature(config.token, timestamp, nonce))) {
      throw new DomainError('OFFICIAL_SIGNATURE_INVALID');
    }
    return { timestamp, nonce };
  }

  private decryptedMessage(config: OfficialAccountConfig, timestamp: string, nonce: string, signature: unknown, outer: PushFields): PushFields {
    const encrypt = outer.Encrypt;
    if (!encrypt) throw invalid('缺少 Encrypt');
    if (!config.encodingAESKey) {
      // Compatible mode still carries the plain message, which the Token signature covers as much
      // as plain mode's; safe mode cannot be read without the key.
      this.logger.warn('an encrypted push arrived but WECHAT_OA_ENCODING_AES_KEY is not set');
      if (outer.MsgType) return outer;
      throw invalid('未配置 EncodingAESKey，无法解密');
    }
    return readBody(this.decrypt(config, timestamp, nonce, signature, encrypt));
  }

  /** §G.4: msg_signature over the ciphertext, then AES; the message must end with our appid. */
  private decrypt(config: OfficialAccountConfig, timestamp: string, nonce: string, signature: unknown, encrypt: string): string {
    if (!sameSignature(signature, msgSignature(config.token, timestamp, nonce, encrypt))) throw new DomainError('OFFICIAL_SIGNATURE_INVALID');
    if (!config.encodingAESKey) throw invalid('未配置 EncodingAESKey，无法解密');
    let decrypted: { message: string; appid: string };
    try {
      decrypted = decryptPush(config.encodingAESKey, encrypt);
    } catch (error) {
      if (error instanceof PushDecryptError) throw invalid('Encrypt 无法解密');
      throw error;
    }
    // Signed with our Token but encrypted for another account: not ours to act on.
    if (decrypted.appid !== config.appid) throw new DomainError('OFFICIAL_SIGNATURE_INVALID');
    return decrypted.message;
  }
}

function readBody(body: string): PushFields {
  try {
    return readPushBody(body);
  } catch (error) {
    if (error instanceof PushFormatError) throw invalid('不是公众号推送的 XML 或 JSON');
    throw error;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
