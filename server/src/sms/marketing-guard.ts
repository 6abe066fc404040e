import { Injectable } from '@nestjs/common';
import type { Member } from '../members/member.entity';
import { SmsOptOuts } from './sms-opt-outs';

/** What the guard reads of a member. */
export type MarketingTarget = Pick<Member, 'status' | 'marketingConsent' | 'phoneHash'>;

/**
 * The one rule every marketing send follows, on every channel (OA template message, subscribe
 * message, SMS): the member turned 接收优惠活动消息 on in the member centre AND never replied an
 * opt-out word (TD, 退订…) to an SMS. Service notifications (points, coupons, balance: docs/messages.md)
 * are not marketing and do not pass through here. docs/sms.md.
 */
@Injectable()
export class MarketingGuard {
  constructor(private readonly optOuts: SmsOptOuts) {}

  async canSendMarketing(member: MarketingTarget): Promise<boolean> {
    if (!member.marketingConsent || member.status === 'closed') return false;
    return !(await this.optOuts.isOptedOut(member.phoneHash));
  }
}

/**
 * The same rule as SQL over `members` under `alias`, for audiences streamed in batches (a campaign
 * filters its whole audience with it instead of asking per member).
 */
export function marketingAllowedSql(alias: string): string {
  return `${alias}.marketing_consent = 1 AND ${alias}.status <> 'closed' AND NOT EXISTS (SELECT 1 FROM sms_opt_outs o WHERE o.phone_hash = ${alias}.phone_hash)`;
}
