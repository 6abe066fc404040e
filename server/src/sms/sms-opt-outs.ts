import { Inject, Injectable, Logger } from '@nestjs/common';
import { smsReplyCallbackSchema, toFieldIssues } from '@wemember/shared';
import { timingSafeEqual, createHash } from 'node:crypto';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { dbTime, insertOnce } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { PhoneVault } from '../members/phone-vault.service';

/**
 * Replies that unsubscribe (回复TD退订; Tencent's marketing templates end in 拒收请回复R). Compared
 * trimmed and case-insensitively, the whole reply only: "TD" opts out, "TD是什么" does not.
 */
export const OPT_OUT_REPLIES = ['TD', 'T', 'R', 'N', '退订', '拒收', '取消', '0000'];

export function isOptOutReply(text: string): boolean {
  return OPT_OUT_REPLIES.includes(text.trim().toUpperCase());
}

/** What the provider expects back: result 0 acknowledges, anything else makes it try again. */
export const SMS_CALLBACK_OK = { result: 0, errmsg: 'OK' } as const;

function sameSecret(given: string, expected: string): boolean {
  // Hash both: timingSafeEqual needs equal lengths, and the length itself should not leak.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** A mainland number as members store it (11 digits), from the callback's mobile + nationcode. */
function mainlandPhone(mobile: string, nationcode: string): string | null {
  if (nationcode !== '86') return null;
  const match = /^(?:86)?(1[3-9]\d{9})$/.exec(mobile);
  return match ? match[1] : null;
}

/**
 * The numbers that asked for no more offers by SMS reply (sms_opt_outs), filled by the provider's
 * 短信回复 callback. Keyed by the phone's keyed hash, so the same as members.phone_hash of every
 * brand's member with that number.
 */
@Injectable()
export class SmsOptOuts {
  private readonly logger = new Logger('SmsOptOuts');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    private readonly vault: PhoneVault,
    private readonly clock: Clock,
  ) {}

  /**
   * `POST /api/sms/replies?token=…`: the callback URL's secret first (Tencent signs nothing), then
   * the body. An opt-out word records the number once (a repeated callback changes nothing); any
   * other reply is acknowledged and left alone.
   */
  async receiveReply(token: unknown, body: unknown): Promise<typeof SMS_CALLBACK_OK> {
    const sms = this.config.sms;
    if (!sms) throw new DomainError('SMS_DISABLED');
    if (typeof token !== 'string' || !sameSecret(token, sms.replyToken)) throw new DomainError('SMS_CALLBACK_TOKEN_INVALID');
    const parsed = smsReplyCallbackSchema.safeParse(body ?? {});
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error);
      throw new DomainError('VALIDATION_FAILED', [...new Set(issues.map((i) => i.message))].join('；'), issues);
    }
    const reply = parsed.data;
    const phone = mainlandPhone(reply.mobile, reply.nationcode);
    if (!phone || !isOptOutReply(reply.text)) return SMS_CALLBACK_OK;
    const now = this.clock.now();
    const repliedAt = new Date(reply.time * 1000);
    const recorded = await this.uow.transaction((m) =>
      insertOnce(m, 'sms_opt_outs', {
        phone_hash: this.vault.hash(phone),
        reply_text: reply.text.trim().slice(0, 100),
        sign_name: reply.sign?.slice(0, 40) ?? null,
        replied_at: dbTime(Number.isNaN(repliedAt.getTime()) ? now : repliedAt),
        created_at: dbTime(now),
      }),
    );
    if (recorded) this.logger.log(`an SMS reply opted ${this.vault.mask(phone)} out of marketing`);
    return SMS_CALLBACK_OK;
  }

  /** Whether this phone (by its hash, as members.phone_hash) replied an opt-out word. */
  async isOptedOut(phoneHash: string): Promise<boolean> {
    const rows = (await this.uow.reader.query('SELECT 1 AS hit FROM sms_opt_outs WHERE phone_hash = ?', [phoneHash])) as unknown[];
    return rows.length > 0;
  }
}
