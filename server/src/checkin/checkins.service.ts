import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  addDays,
  checkinReward,
  chinaDate,
  nextCheckinStep,
  nextStreak,
  pointsExpiryDate,
  type CheckinCalendar,
  type CheckinMonthQuery,
  type CheckinResult,
  type CheckinRewardView,
} from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import type { MemberActor } from '../access/actors';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { CouponGrants } from '../coupons/coupon-grants';
import { giftTemplates } from '../coupons/gift-settings.service';
import { dbTime, toInt } from '../database/sql';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { assertCanTransact, lockMember } from '../ledger/member-lock';
import { LoyaltySettingsService } from '../loyalty/loyalty-settings.service';
import { PointsLedger } from '../points/points-ledger';
import { CheckinSettingsService } from './checkin-settings.service';

interface CheckinRow {
  day: string;
  streak: unknown;
  points: unknown;
  rewards: string;
}

/** A day's check-in as the member reads it, from its row. */
function resultOf(row: CheckinRow, alreadyCheckedIn: boolean): CheckinResult {
  return { date: row.day, streak: toInt(row.streak), pointsEarned: toInt(row.points), rewards: JSON.parse(row.rewards) as CheckinRewardView[], alreadyCheckedIn };
}

const ROW = 'SELECT day, streak, points, rewards FROM checkins';

/**
 * Daily check-in. One per member per Shanghai business day: the unique (member_id, day) index
 * decides, under the member's lock, in one unit of work with what the day gives — the points
 * (a ledger credit keyed `checkin:<member>:<date>`) and a ladder coupon (a grant keyed
 * `checkin:<member>:<date>:<template>`). A second check-in the same day gives nothing and answers
 * with the day's result.
 */
@Injectable()
export class Checkins {
  private readonly logger = new Logger('Checkins');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly settings: CheckinSettingsService,
    private readonly loyalty: LoyaltySettingsService,
    private readonly points: PointsLedger,
    private readonly grants: CouponGrants,
    private readonly clock: Clock,
  ) {}

  async checkIn(actor: MemberActor): Promise<CheckinResult> {
    const now = this.clock.now();
    const today = chinaDate(now);
    const [rules, loyalty] = await Promise.all([this.settings.settings(actor.brandId), this.loyalty.rules(actor.brandId)]);
    if (!rules.enabled) throw new DomainError('CHECKIN_DISABLED');
    const templates = await giftTemplates(this.uow.reader, actor.brandId, rules.ladder.flatMap((s) => (s.templateId ? [{ templateId: s.templateId }] : [])));
    try {
      return await this.uow.transaction(async (m) => {
        const member = await lockMember(m, actor.memberId);
        if (!member || member.brandId !== actor.brandId) throw new DomainError('MEMBER_NOT_FOUND');
        const [done] = (await m.query(`${ROW} WHERE member_id = ? AND day = ?`, [member.id, today])) as CheckinRow[];
        if (done) return resultOf(done, true);
        assertCanTransact(member);
        const streak = nextStreak(today, await this.lastBefore(m, member.id, today));
        const reward = checkinReward(rules, streak);
        const key = `checkin:${member.id}:${today}`;
        const rewards: CheckinRewardView[] = [];
        if (reward.step) {
          const template = reward.step.templateId ? templates.get(reward.step.templateId) : undefined;
          let coupon: CheckinRewardView['coupon'] = null;
          if (template) {
            try {
              const granted = await this.grants.grantIn(m, { template, member, key: `${key}:${template.id}`, source: 'checkin', at: now });
              coupon = { couponId: granted.coupon.id, name: template.name };
            } catch (error) {
              // A template paused or out of stock: the check-in still counts (the issuer refuses before writing).
              if (!(error instanceof DomainError)) throw error;
              this.logger.warn(`check-in of member ${member.id}: ${template.name} (${template.id}) skipped: ${error.code}`);
            }
          }
          rewards.push({ day: reward.step.day, points: reward.step.points, coupon });
        }
        if (reward.points > 0) {
          const account = await this.points.account(m, member);
          const reason = reward.step ? `每日签到（连续第 ${streak} 天）` : '每日签到';
          await this.points.credit(m, account, reward.points, { kind: 'checkin', key, reason, sourceType: 'checkin', sourceId: key, at: now }, pointsExpiryDate(loyalty, now));
        }
        const row: CheckinRow = { day: today, streak, points: reward.points, rewards: JSON.stringify(rewards) };
        await m.query('INSERT INTO checkins (id, brand_id, member_id, day, streak, points, rewards, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          randomUUID(),
          member.brandId,
          member.id,
          today,
          streak,
          reward.points,
          row.rewards,
          dbTime(now),
        ]);
        return { ...resultOf(row, false) };
      });
    } catch (error) {
      // Another check-in of the same day committed first: answer with it.
      if (!isUniqueViolation(error)) throw error;
      const [winner] = (await this.uow.reader.query(`${ROW} WHERE member_id = ? AND day = ?`, [actor.memberId, today])) as CheckinRow[];
      if (!winner) throw error;
      return resultOf(winner, true);
    }
  }

  /** The month's checked days, the streak as it stands and what the next step gives. */
  async calendar(actor: MemberActor, query: CheckinMonthQuery): Promise<CheckinCalendar> {
    const now = this.clock.now();
    const today = chinaDate(now);
    const month = query.month ?? today.slice(0, 7);
    const rules = await this.settings.settings(actor.brandId);
    const reader = this.uow.reader;
    const rows = (await reader.query(`${ROW} WHERE member_id = ? AND day >= ? AND day <= ? ORDER BY day`, [actor.memberId, `${month}-01`, `${month}-31`])) as CheckinRow[];
    const [todays] = (await reader.query(`${ROW} WHERE member_id = ? AND day = ?`, [actor.memberId, today])) as CheckinRow[];
    const last = todays ? { date: today, streak: toInt(todays.streak) } : await this.lastBefore(reader, actor.memberId, today);
    const streak = last && last.date >= addDays(today, -1) ? last.streak : 0;
    const next = nextCheckinStep(rules, streak);
    const nextTemplate = next?.step.templateId ? (await giftTemplates(reader, actor.brandId, [{ templateId: next.step.templateId }])).get(next.step.templateId) : undefined;
    return {
      enabled: rules.enabled,
      month,
      today,
      days: rows.map((r) => ({ date: r.day, streak: toInt(r.streak), points: toInt(r.points) })),
      checkedInToday: !!todays,
      streak,
      todayPoints: todays ? toInt(todays.points) : checkinReward(rules, nextStreak(today, last)).points,
      next: next && { inDays: next.inDays, day: next.step.day, points: rules.basePoints + next.step.points, couponName: nextTemplate?.name ?? null },
    };
  }

  /** The member's last check-in before `day`. */
  private async lastBefore(m: EntityManager, memberId: string, day: string): Promise<{ date: string; streak: number } | null> {
    const [row] = (await m.query(`${ROW} WHERE member_id = ? AND day < ? ORDER BY day DESC LIMIT 1`, [memberId, day])) as CheckinRow[];
    return row ? { date: row.day, streak: toInt(row.streak) } : null;
  }
}
