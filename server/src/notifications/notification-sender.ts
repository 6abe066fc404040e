import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import {
  chinaDate,
  notificationPage,
  templateData,
  type CampaignMessagePayload,
  type CampaignSmsPayload,
  type MessageSettingsBody,
  type NotificationChannel,
  type NotificationPayload,
  type TemplateValues,
} from '@wemember/shared';
import type { Queue } from 'bull';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { dbTime, execute, fromDbTime, toInt } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { PhoneVault } from '../members/phone-vault.service';
import { OfficialFollowers } from '../official-account/official-followers';
import { RateLimiter } from '../redis/rate-limiter.service';
import { RedisService } from '../redis/redis.service';
import { marketingAllowedSql } from '../sms/marketing-guard';
import { SMS_SENDER, type SmsSender } from '../sms/sms-sender';
import { WechatSendError } from '../wechat/message-send';
import { MiniProgramClient } from '../wechat/mini-program.client';
import { OfficialAccountClient } from '../wechat/official-account.client';
import { disabledKinds } from './member-messages.service';
import { MessageSettingsService, templateOf } from './message-settings.service';
import { MESSAGES_QUEUE, type SendJob } from './messages-queue';
import { onNotificationRecorded } from './outbox';
import { nextDayAllowed, quietUntil } from './send-window';

/** WeChat answers that no retry can fix: a wrong openid (40003), template (40037), data (47003) or page (41030). */
const FINAL_ERRCODES = new Set([40003, 40037, 47003, 41030]);
/** Attempts at a send WeChat did not answer (or answered -1, busy) before it is given up as failed. */
export const MAX_SEND_ATTEMPTS = 5;
/** The first retry waits this long, each next one twice as long (30 s, 1 min, 2 min, 4 min). */
const RETRY_BASE_MS = 30_000;
/**
 * A claim older than this was left by a worker that died mid-send: the sweeper hands the row back.
 * Under WeChat's ten minutes, so an official-account resend with the same client_msg_id is dropped.
 */
const STALE_CLAIM_MS = 5 * 60_000;
const DUE_BATCH = 200;
/** Members the sweeper sends to at once: a send waits on WeChat most of its time (as the send jobs' SEND_CONCURRENCY). */
const SWEEP_LANES = 8;
/** A campaign message found while its campaign is paused waits this long before it is looked at again (resume brings it forward). */
const PAUSED_RECHECK_MS = 60 * 60_000;
/** The mini-program page a campaign message opens: the card, where the member finds what they were given. */
const CAMPAIGN_PAGE = 'pages/card/index';

/** Where a send goes: each has its own per-second quota (WeChat's endpoints, the SMS provider). */
export type SendChannel = NotificationChannel | 'sms';

interface NotificationRow {
  id: string;
  brand_id: string;
  member_id: string;
  kind: string;
  dedupe_key: string;
  payload: string;
  status: string;
  attempts: unknown;
  not_before: Date | string;
}

export type SendOutcome = 'sent' | 'unreachable' | 'disabled' | 'failed' | 'deferred' | 'retry' | 'skipped';

interface Sent {
  channel: SendChannel;
  templateId: string;
  /** The template's data (WeChat) or params (SMS) as sent. */
  data: TemplateValues | string[];
  msgid: string | null;
}

/** What went wrong with one send, to be recorded on the row. */
interface Refusal {
  errcode: number | null;
  message: string;
}

/**
 * Sends the notifications the outbox holds (docs/messages.md): one at a time per row, claimed with
 * a conditional UPDATE so two workers (Bull delivering twice, the sweeper and a job at once, two
 * instances) never both send it. Each row ends sent, unreachable, disabled or failed, or goes back
 * to pending with a later not_before (quiet hours, the daily cap, WeChat's quota, a retry).
 */
@Injectable()
export class NotificationSender implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('NotificationSender');
  private stopListening: (() => void) | null = null;
  /** Sends per second per channel over every instance (tests lower it to watch the limiter work). */
  readonly sendPerSecond: Record<SendChannel, number>;

  constructor(
    @InjectQueue(MESSAGES_QUEUE) readonly queue: Queue<SendJob>,
    private readonly uow: UnitOfWork,
    private readonly settings: MessageSettingsService,
    private readonly followers: OfficialFollowers,
    private readonly official: OfficialAccountClient,
    private readonly miniProgram: MiniProgramClient,
    private readonly redis: RedisService,
    private readonly clock: Clock,
    private readonly limiter: RateLimiter,
    private readonly vault: PhoneVault,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(SMS_SENDER) private readonly sms: SmsSender | null,
  ) {
    this.sendPerSecond = { ...config.messages.sendPerSecond };
  }

  /** Each notification an event records is queued as soon as its unit of work commits. */
  onModuleInit(): void {
    this.stopListening = onNotificationRecorded(this.uow, (n) => void this.kick(n.id, n.notBefore));
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  /**
   * Every due notification, now: claims left by a dead worker go back to pending first. The
   * sweeper's job, and what tests call to drive the sender deterministically.
   */
  async runDue(): Promise<Record<SendOutcome, number>> {
    const now = this.clock.now();
    await this.uow.transaction((m) =>
      execute(m, "UPDATE notifications SET status = 'pending', updated_at = ? WHERE status = 'sending' AND updated_at < ?", [dbTime(now), dbTime(new Date(now.getTime() - STALE_CLAIM_MS))]),
    );
    const due = (await this.uow.reader.query(`SELECT id, member_id FROM notifications WHERE status = 'pending' AND not_before <= ? ORDER BY not_before, id LIMIT ${DUE_BATCH}`, [
      dbTime(now),
    ])) as { id: string; member_id: string }[];
    const counts: Record<SendOutcome, number> = { sent: 0, unreachable: 0, disabled: 0, failed: 0, deferred: 0, retry: 0, skipped: 0 };
    // Members SWEEP_LANES at a time, each member's notifications in their order (its daily cap
    // decides which goes first); the claims keep two lanes, or two instances, off one row.
    const byMember = new Map<string, string[]>();
    for (const { id, member_id } of due) byMember.set(member_id, [...(byMember.get(member_id) ?? []), id]);
    const queues = [...byMember.values()];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(SWEEP_LANES, queues.length) }, async () => {
        while (next < queues.length) {
          for (const id of queues[next++]) {
            const outcome = await this.process(id).catch((error: Error) => {
              this.logger.error(`notification ${id}: ${error.message}`);
              return 'skipped' as const;
            });
            counts[outcome] += 1;
          }
        }
      }),
    );
    return counts;
  }

  /** Queues the notification's send for when it is due; a job lost (Redis down, a crash) is the sweeper's. */
  async kick(notificationId: string, notBefore: Date): Promise<void> {
    const delay = Math.max(0, notBefore.getTime() - this.clock.nowMs());
    await this.queue
      .add('send', { id: notificationId }, { jobId: `${notificationId}:${notBefore.getTime()}`, delay, removeOnComplete: 100, removeOnFail: 500 })
      .catch((error: Error) => this.logger.warn(`queueing notification ${notificationId}: ${error.message} (the sweeper will send it)`));
  }

  /** One notification, idempotent: anything not pending (or not yet due) is left alone. */
  async process(id: string): Promise<SendOutcome> {
    const [row] = (await this.uow.reader.query('SELECT id, brand_id, member_id, kind, dedupe_key, payload, status, attempts, not_before FROM notifications WHERE id = ?', [id])) as NotificationRow[];
    if (!row || row.status !== 'pending') return 'skipped';
    const now = this.clock.now();
    if (fromDbTime(row.not_before).getTime() > now.getTime()) return 'skipped';
    const settings = await this.settings.settings(row.brand_id);

    if (row.kind === 'campaign') {
      const held = await this.campaignHold(row, now);
      if (held) return held;
    }
    if ((await disabledKinds(this.uow.reader, row.member_id)).has(row.kind)) {
      return (await this.finishPending(id, 'disabled', now)) ? 'disabled' : 'skipped';
    }
    const quietEnd = quietUntil(now, settings.quietHours);
    if (quietEnd) return this.deferPending(id, quietEnd, now);

    // Ours from here: no other worker passes this UPDATE for the row.
    if ((await this.transition(id, 'pending', { status: 'sending' }, now)) !== 1) return 'skipped';
    const slot = await this.takeDailySlot(row.member_id, settings.dailyCapPerMember, now).catch(async (error: unknown) => {
      // Redis unreachable: hand the row back rather than leave it claimed until the stale-claim sweep.
      await this.transition(id, 'sending', { status: 'pending' }, now);
      throw error;
    });
    if (!slot) {
      const later = nextDayAllowed(now, settings.quietHours);
      await this.transition(id, 'sending', { status: 'pending', not_before: dbTime(later) }, now);
      await this.kick(id, later);
      return 'deferred';
    }
    let outcome: SendOutcome;
    try {
      outcome = await this.send(row, settings, now);
    } catch (error) {
      // Our own failure (the database, Redis): back to pending, the sweeper tries again.
      await this.transition(id, 'sending', { status: 'pending' }, now);
      await this.releaseDailySlot(row.member_id, now);
      throw error;
    }
    if (outcome !== 'sent') await this.releaseDailySlot(row.member_id, now);
    return outcome;
  }

  /**
   * A campaign message waits while its campaign is paused (until resume brings it forward) and is
   * not sent at all once the campaign is cancelled, or to a member marketing may no longer reach
   * (consent withdrawn, card closed, an SMS opt-out since the run met them): recorded as disabled.
   * Null: go on.
   */
  private async campaignHold(row: NotificationRow, now: Date): Promise<SendOutcome | null> {
    const payload = JSON.parse(row.payload) as CampaignMessagePayload | CampaignSmsPayload;
    const [campaign] = (await this.uow.reader.query('SELECT status FROM campaigns WHERE id = ?', [payload.campaignId])) as { status: string }[];
    if (!campaign || campaign.status === 'cancelled') return (await this.finishPending(row.id, 'disabled', now)) ? 'disabled' : 'skipped';
    const [allowed] = (await this.uow.reader.query(`SELECT 1 AS ok FROM members m WHERE m.id = ? AND ${marketingAllowedSql('m')}`, [row.member_id])) as unknown[];
    if (!allowed) return (await this.finishPending(row.id, 'disabled', now)) ? 'disabled' : 'skipped';
    if (campaign.status === 'paused') {
      await this.transition(row.id, 'pending', { not_before: dbTime(new Date(now.getTime() + PAUSED_RECHECK_MS)) }, now);
      return 'deferred';
    }
    return null;
  }

  /**
   * A campaign message goes out on the campaign's channel only, with its own template and the data
   * resolved when the run reached the member: no official account follow (or no subscribe credit)
   * is unreachable, not a fall-back to the other channel.
   */
  private async sendCampaign(row: NotificationRow, payload: CampaignMessagePayload, now: Date): Promise<SendOutcome> {
    const data = payload.data;
    if (payload.channel === 'official_account') {
      const openid = this.official.enabled ? await this.followers.oaOpenidOf(row.member_id) : null;
      if (!openid) return this.finish(row.id, 'unreachable', now, null);
      if (await this.throttled(row.id, 'official_account', now)) return 'deferred';
      try {
        const msgid = await this.official.sendTemplate({
          touser: openid,
          templateId: payload.templateId,
          data,
          miniprogram: { appid: this.miniProgram.appid, pagepath: CAMPAIGN_PAGE },
          clientMsgId: row.id,
        });
        return this.sent(row.id, { channel: 'official_account', templateId: payload.templateId, data, msgid }, now);
      } catch (error) {
        const refusal = asRefusal(error);
        if (refusal.errcode === 43004) {
          await this.uow.transaction((m) => execute(m, 'UPDATE oa_followers SET following = 0, updated_at = ? WHERE appid = ? AND openid = ?', [dbTime(now), this.official.appid, openid]));
          return this.finish(row.id, 'unreachable', now, refusal);
        }
        if (refusal.errcode === 45009) await this.pauseCampaign(payload.campaignId, now, WECHAT_QUOTA_PAUSE);
        return this.refused(row, refusal, now);
      }
    }
    if (await this.throttled(row.id, 'subscribe', now)) return 'deferred';
    if (!(await this.takeCredit(row.member_id, payload.templateId, now))) return this.finish(row.id, 'unreachable', now, null);
    const openid = await this.miniProgramOpenid(row.member_id);
    if (!openid) {
      await this.giveCreditBack(row.member_id, payload.templateId, now);
      return this.finish(row.id, 'unreachable', now, null);
    }
    try {
      await this.miniProgram.sendSubscribeMessage({ touser: openid, templateId: payload.templateId, page: CAMPAIGN_PAGE, data });
      return this.sent(row.id, { channel: 'subscribe', templateId: payload.templateId, data, msgid: null }, now);
    } catch (error) {
      const failure = asRefusal(error);
      if (failure.errcode === 43101) {
        await this.uow.transaction((m) =>
          execute(m, 'UPDATE subscribe_credits SET credits = 0, updated_at = ? WHERE member_id = ? AND template_id = ?', [dbTime(now), row.member_id, payload.templateId]),
        );
        return this.finish(row.id, 'unreachable', now, failure);
      }
      await this.giveCreditBack(row.member_id, payload.templateId, now);
      if (failure.errcode === 45009) await this.pauseCampaign(payload.campaignId, now, WECHAT_QUOTA_PAUSE);
      return this.refused(row, failure, now);
    }
  }

  /**
   * A campaign's SMS, through the provider with the notification's key as its sessionContext (so a
   * resend after a timeout shows as the same send in the provider's records). The phone is read now:
   * a member who changed number gets the text at the new one. No SMS channel, or no phone: unreachable.
   */
  private async sendCampaignSms(row: NotificationRow, payload: CampaignSmsPayload, now: Date): Promise<SendOutcome> {
    if (!this.sms) return this.finish(row.id, 'unreachable', now, null);
    const phone = await this.phoneOf(row.member_id);
    if (!phone) return this.finish(row.id, 'unreachable', now, null);
    if (await this.throttled(row.id, 'sms', now)) return 'deferred';
    const [outcome] = await this.sms.send({ phones: [phone], templateId: payload.templateId, params: payload.params, sessionContext: row.dedupe_key });
    if (!outcome) throw new Error('the SMS sender answered no outcome');
    if (outcome.status === 'sent') return this.sent(row.id, { channel: 'sms', templateId: payload.templateId, data: payload.params, msgid: null }, now);
    // The provider's code is what the progress counts failures by (last_errcode is WeChat's number).
    const error = { last_errcode: null, last_error: outcome.code.slice(0, 255) };
    if (outcome.status === 'rate_limited') {
      // The provider's per-number limit: not a failed attempt, just later.
      await this.transition(row.id, 'sending', { status: 'pending', not_before: dbTime(outcome.retryAt), ...error }, now);
      await this.kick(row.id, outcome.retryAt);
      return 'deferred';
    }
    if (outcome.status === 'halt') {
      this.logger.error(`campaign ${payload.campaignId}: the SMS provider refused the account (${outcome.code}: ${outcome.message}), pausing it`);
      await this.pauseCampaign(payload.campaignId, now, `短信服务商拒绝发送（${outcome.code}），活动已暂停，请检查短信账号后继续`);
      const [campaign] = (await this.uow.reader.query('SELECT status FROM campaigns WHERE id = ?', [payload.campaignId])) as { status: string }[];
      if (campaign?.status === 'paused') {
        // Held like a 45009: resume brings it forward.
        await this.transition(row.id, 'sending', { status: 'pending', not_before: dbTime(new Date(now.getTime() + PAUSED_RECHECK_MS)), ...error }, now);
        return 'deferred';
      }
      // A run already completed cannot be paused: retried like a provider failure, then given up.
    }
    if (outcome.status === 'final') {
      this.logger.warn(`notification ${row.id}: the SMS provider refused it for good (${outcome.code}: ${outcome.message})`);
      return this.finish(row.id, 'failed', now, { errcode: null, message: outcome.code });
    }
    const attempts = toInt(row.attempts) + 1;
    if (attempts >= MAX_SEND_ATTEMPTS) return this.finish(row.id, 'failed', now, { errcode: null, message: outcome.code });
    const later = new Date(now.getTime() + RETRY_BASE_MS * 2 ** (attempts - 1));
    await this.transition(row.id, 'sending', { status: 'pending', not_before: dbTime(later), ...error }, now, true);
    await this.kick(row.id, later);
    return 'retry';
  }

  /** The member's phone number in the clear, or null (a closed card keeps none). */
  private async phoneOf(memberId: string): Promise<string | null> {
    const [row] = (await this.uow.reader.query('SELECT phone_cipher FROM members WHERE id = ?', [memberId])) as { phone_cipher: string | null }[];
    if (!row?.phone_cipher) return null;
    try {
      return this.vault.decrypt(row.phone_cipher);
    } catch (error) {
      // Not sealed with this server's key (a copied database, a rotated key): the number cannot be read.
      this.logger.warn(`member ${memberId}: the phone number cannot be decrypted (${(error as Error).message})`);
      return null;
    }
  }

  /**
   * The channel's per-second quota, shared by every instance (RateLimiter in Redis): over it, the
   * row goes back to pending for the next second — not sent, no attempt counted — and true.
   */
  private async throttled(id: string, channel: SendChannel, now: Date): Promise<boolean> {
    const waitMs = await this.limiter.takePerSecond('messages-send', channel, this.sendPerSecond[channel]);
    if (waitMs === 0) return false;
    // Spread the wait over the next second, so the rows held back do not all come due at its first instant.
    const later = new Date(now.getTime() + waitMs + Math.floor(Math.random() * 1000));
    await this.transition(id, 'sending', { status: 'pending', not_before: dbTime(later) }, now);
    await this.kick(id, later);
    return true;
  }

  /** The campaign pauses and says why (WeChat's daily quota, the SMS account); its held messages go out when it is resumed. */
  private async pauseCampaign(campaignId: string, now: Date, reason: string): Promise<void> {
    await this.uow.transaction((m) =>
      execute(m, "UPDATE campaigns SET status = 'paused', paused_reason = ?, updated_at = ? WHERE id = ? AND status IN ('scheduled', 'running')", [
        reason.slice(0, 200),
        dbTime(now),
        campaignId,
      ]),
    );
  }

  /** The channel that reaches the member (official account first, then a subscribe credit), and the outcome recorded. */
  private async send(row: NotificationRow, settings: MessageSettingsBody, now: Date): Promise<SendOutcome> {
    const parsed = JSON.parse(row.payload) as NotificationPayload | CampaignMessagePayload | CampaignSmsPayload;
    if (parsed.kind === 'campaign') return parsed.channel === 'sms' ? this.sendCampaignSms(row, parsed, now) : this.sendCampaign(row, parsed, now);
    const payload = parsed;
    const template = templateOf(settings, payload.kind);
    const data = templateData(payload);
    const page = notificationPage(payload.kind);
    let refusal: Refusal | null = null;

    const oaOpenid = template?.officialTemplateId && this.official.enabled ? await this.followers.oaOpenidOf(row.member_id) : null;
    if (oaOpenid && template?.officialTemplateId) {
      if (await this.throttled(row.id, 'official_account', now)) return 'deferred';
      try {
        const msgid = await this.official.sendTemplate({
          touser: oaOpenid,
          templateId: template.officialTemplateId,
          data,
          miniprogram: { appid: this.miniProgram.appid, pagepath: page },
          clientMsgId: row.id,
        });
        return this.sent(row.id, { channel: 'official_account', templateId: template.officialTemplateId, data, msgid }, now);
      } catch (error) {
        refusal = asRefusal(error);
        if (refusal.errcode !== 43004) return this.refused(row, refusal, now);
        // The member left the account without us hearing of it: remember, and try a subscribe message.
        await this.uow.transaction((m) => execute(m, 'UPDATE oa_followers SET following = 0, updated_at = ? WHERE appid = ? AND openid = ?', [dbTime(now), this.official.appid, oaOpenid]));
      }
    }

    const subscribeTemplateId = template?.subscribeTemplateId;
    if (subscribeTemplateId && (await this.hasCredit(row.member_id, subscribeTemplateId)) && (await this.throttled(row.id, 'subscribe', now))) return 'deferred';
    if (subscribeTemplateId && (await this.takeCredit(row.member_id, subscribeTemplateId, now))) {
      const openid = await this.miniProgramOpenid(row.member_id);
      if (!openid) {
        await this.giveCreditBack(row.member_id, subscribeTemplateId, now);
        return this.finish(row.id, 'unreachable', now, refusal);
      }
      try {
        await this.miniProgram.sendSubscribeMessage({ touser: openid, templateId: subscribeTemplateId, page, data });
        return this.sent(row.id, { channel: 'subscribe', templateId: subscribeTemplateId, data, msgid: null }, now);
      } catch (error) {
        const failure = asRefusal(error);
        if (failure.errcode === 43101) {
          // WeChat holds no subscription of this member any more: our count was wrong, start again from 0.
          await this.uow.transaction((m) =>
            execute(m, 'UPDATE subscribe_credits SET credits = 0, updated_at = ? WHERE member_id = ? AND template_id = ?', [dbTime(now), row.member_id, subscribeTemplateId]),
          );
          return this.finish(row.id, 'unreachable', now, failure);
        }
        // A refused send spends no subscription (§E): the credit is the member's again.
        await this.giveCreditBack(row.member_id, subscribeTemplateId, now);
        return this.refused(row, failure, now);
      }
    }
    return this.finish(row.id, 'unreachable', now, refusal);
  }

  /** A WeChat refusal: retried later (-1, no answer), tomorrow (45009), or never (the rest). */
  private async refused(row: NotificationRow, refusal: Refusal, now: Date): Promise<SendOutcome> {
    const error = { last_errcode: refusal.errcode, last_error: refusal.message.slice(0, 255) };
    if (refusal.errcode === 45009) {
      const settings = await this.settings.settings(row.brand_id);
      const later = nextDayAllowed(now, settings.quietHours);
      await this.transition(row.id, 'sending', { status: 'pending', not_before: dbTime(later), ...error }, now, true);
      await this.kick(row.id, later);
      return 'deferred';
    }
    const attempts = toInt(row.attempts) + 1;
    if (refusal.errcode !== null && FINAL_ERRCODES.has(refusal.errcode)) return this.finish(row.id, 'failed', now, refusal);
    if (attempts >= MAX_SEND_ATTEMPTS) return this.finish(row.id, 'failed', now, refusal);
    const later = new Date(now.getTime() + RETRY_BASE_MS * 2 ** (attempts - 1));
    await this.transition(row.id, 'sending', { status: 'pending', not_before: dbTime(later), ...error }, now, true);
    await this.kick(row.id, later);
    return 'retry';
  }

  private async sent(id: string, sent: Sent, now: Date): Promise<SendOutcome> {
    await this.transition(
      id,
      'sending',
      {
        status: 'sent',
        channel: sent.channel,
        template_id: sent.templateId,
        data: JSON.stringify(sent.data),
        wechat_msgid: sent.msgid,
        sent_at: dbTime(now),
      },
      now,
      true,
    );
    return 'sent';
  }

  private async finish(id: string, status: 'unreachable' | 'failed', now: Date, refusal: Refusal | null): Promise<SendOutcome> {
    const error = refusal ? { last_errcode: refusal.errcode, last_error: refusal.message.slice(0, 255) } : {};
    await this.transition(id, 'sending', { status, ...error }, now, refusal !== null);
    return status;
  }

  /** A row still pending that ends without a send (the member turned the kind off). */
  private async finishPending(id: string, status: 'disabled', now: Date): Promise<boolean> {
    return (await this.transition(id, 'pending', { status }, now)) === 1;
  }

  private async deferPending(id: string, until: Date, now: Date): Promise<SendOutcome> {
    await this.transition(id, 'pending', { not_before: dbTime(until) }, now);
    await this.kick(id, until);
    return 'deferred';
  }

  /** `UPDATE … WHERE id = ? AND status = from`: the affected rows say whether this worker moved it. */
  private transition(id: string, from: 'pending' | 'sending', set: Record<string, unknown>, now: Date, attempted = false): Promise<number> {
    const columns = Object.keys(set);
    const assignments = [...columns.map((c) => `${c} = ?`), 'updated_at = ?', ...(attempted ? ['attempts = attempts + 1'] : [])].join(', ');
    return this.uow.transaction((m) => execute(m, `UPDATE notifications SET ${assignments} WHERE id = ? AND status = ?`, [...Object.values(set), dbTime(now), id, from]));
  }

  /** One of the member's sends of the Shanghai day, counted atomically in Redis; false when the cap is used up. */
  private async takeDailySlot(memberId: string, cap: number, now: Date): Promise<boolean> {
    const key = this.capKey(memberId, now);
    const [[, count]] = (await this.redis.client.multi().incr(key).expire(key, 2 * 24 * 3600).exec()) as [[Error | null, number]];
    if (count <= cap) return true;
    await this.redis.client.decr(key);
    return false;
  }

  /** A send that did not happen does not count towards the day. */
  private async releaseDailySlot(memberId: string, now: Date): Promise<void> {
    await this.redis.client.decr(this.capKey(memberId, now)).catch(() => undefined);
  }

  private capKey(memberId: string, now: Date): string {
    return this.redis.key('messages', 'daily', chinaDate(now), memberId);
  }

  /** One subscribe credit, taken with a checked conditional UPDATE: false when the member holds none. */
  private takeCredit(memberId: string, templateId: string, now: Date): Promise<boolean> {
    return this.uow
      .transaction((m) =>
        execute(m, 'UPDATE subscribe_credits SET credits = credits - 1, updated_at = ? WHERE member_id = ? AND template_id = ? AND credits > 0', [dbTime(now), memberId, templateId]),
      )
      .then((affected) => affected === 1);
  }

  private async hasCredit(memberId: string, templateId: string): Promise<boolean> {
    const rows = (await this.uow.reader.query('SELECT 1 AS ok FROM subscribe_credits WHERE member_id = ? AND template_id = ? AND credits > 0', [memberId, templateId])) as unknown[];
    return rows.length > 0;
  }

  private async giveCreditBack(memberId: string, templateId: string, now: Date): Promise<void> {
    await this.uow.transaction((m) =>
      execute(m, 'UPDATE subscribe_credits SET credits = credits + 1, updated_at = ? WHERE member_id = ? AND template_id = ?', [dbTime(now), memberId, templateId]),
    );
  }

  private async miniProgramOpenid(memberId: string): Promise<string | null> {
    const [row] = (await this.uow.reader.query('SELECT openid FROM wechat_identities WHERE member_id = ? AND appid = ? ORDER BY last_login_at DESC LIMIT 1', [
      memberId,
      this.miniProgram.appid,
    ])) as { openid: string }[];
    return row?.openid ?? null;
  }
}

const WECHAT_QUOTA_PAUSE = '微信今日发送额度已用完（45009），活动已暂停，请明天继续';

function asRefusal(error: unknown): Refusal {
  if (error instanceof WechatSendError) return { errcode: error.errcode, message: error.message };
  throw error;
}

