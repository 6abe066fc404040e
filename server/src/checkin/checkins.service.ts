import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  addDays,
  checkinReward,
  chinaDate,
  makeUpRefusal,
  streaksAfterMakeUp,
  type CheckinRules,
  type MakeUpResult,
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
import { dbTime, execute, toInt } from '../database/sql';
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
  made_up?: unknown;
}

/** A day's check-in as the member reads it, from its row. */
function resultOf(row: CheckinRow, alreadyCheckedIn: boolean): CheckinResult {
  return { date: row.day, streak: toInt(row.streak), pointsEarned: toInt(row.points), rewards: JSON.parse(row.rewards) as CheckinRewardView[], alreadyCheckedIn };
}

const ROW = 'SELECT day, streak, points, rewards, made_up FROM checkins';

/** A boolean column read by raw SQL: 0/1 from both databases (a Buffer never: BOOLEAN is TINYINT(1)). */
const isSet = (value: unknown) => value === true || Number(value) === 1;

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
      days: rows.map((r) => ({ date: r.day, streak: toInt(r.streak), points: toInt(r.points), madeUp: isSet(r.made_up) })),
      checkedInToday: !!todays,
      streak,
      todayPoints: todays ? toInt(todays.points) : checkinReward(rules, nextStreak(today, last)).points,
      next: next && { inDays: next.inDays, day: next.step.day, points: rules.basePoints + next.step.points, couponName: nextTemplate?.name ?? null },
      makeUp: await this.makeUpOffer(rules, actor.memberId, today),
    };
  }

  /**
   * Makes up a missed `date` (补签), paid in points: a check-in row marked made_up, inserted under
   * the member's lock with the points debit (keyed `checkin-makeup:<member>:<date>`), and the streaks
   * of the consecutive check-ins after it counted on from it. It earns nothing itself. Making up
   * the same day again answers the first make-up; a day checked in normally is 409 CHECKIN_ALREADY.
   */
  async makeUp(actor: MemberActor, date: string): Promise<MakeUpResult> {
    const now = this.clock.now();
    const today = chinaDate(now);
    const rules = await this.settings.settings(actor.brandId);
    const key = `checkin-makeup:${actor.memberId}:${date}`;
    return this.uow.transaction(async (m) => {
      const member = await lockMember(m, actor.memberId);
      if (!member || member.brandId !== actor.brandId) throw new DomainError('MEMBER_NOT_FOUND');
      const [done] = (await m.query(`${ROW} WHERE member_id = ? AND day = ?`, [member.id, date])) as CheckinRow[];
      if (done) {
        if (!isSet(done.made_up)) throw new DomainError('CHECKIN_ALREADY', undefined, [{ field: 'date', message: `${date} 已经签到过了` }]);
        return { date, pointsSpent: await this.makeUpCost(m, key), streak: await this.currentStreak(m, member.id, today), alreadyMadeUp: true };
      }
      assertCanTransact(member);
      const refusal = makeUpRefusal(rules, today, date, await this.madeUpIn(m, member.id, date.slice(0, 7)));
      if (refusal?.code === 'CHECKIN_MAKEUP_DATE') throw new DomainError('VALIDATION_FAILED', refusal.message, [{ field: 'date', message: refusal.message }]);
      if (refusal) throw new DomainError(refusal.code);
      const cost = rules.makeUp.costPoints;
      const account = await this.points.account(m, member);
      await this.points.debit(m, account, cost, {
        kind: 'checkin_makeup',
        key,
        reason: `补签 ${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`,
        sourceType: 'checkin',
        sourceId: key,
        at: now,
      });
      const following = (await m.query(`${ROW} WHERE member_id = ? AND day > ? ORDER BY day LIMIT 400`, [member.id, date])) as CheckinRow[];
      const [made, ...later] = streaksAfterMakeUp(
        date,
        await this.lastBefore(m, member.id, date),
        following.map((r) => ({ date: r.day, streak: toInt(r.streak) })),
      );
      await m.query('INSERT INTO checkins (id, brand_id, member_id, day, streak, points, rewards, made_up, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)', [
        randomUUID(),
        member.brandId,
        member.id,
        date,
        made.streak,
        '[]',
        1,
        dbTime(now),
      ]);
      // Under the member's lock nothing else writes these rows; the streak each held is checked all the same.
      for (const day of later) {
        const was = following.find((r) => r.day === day.date);
        const changed = await execute(m, 'UPDATE checkins SET streak = ? WHERE member_id = ? AND day = ? AND streak = ?', [day.streak, member.id, day.date, was?.streak]);
        if (changed !== 1) throw new Error(`check-in ${day.date} of member ${member.id} changed under the member lock`);
      }
      return { date, pointsSpent: cost, streak: await this.currentStreak(m, member.id, today), alreadyMadeUp: false };
    });
  }

  /** What the calendar offers for making up: null when the brand does not allow it. */
  private async makeUpOffer(rules: CheckinRules, memberId: string, today: string): Promise<CheckinCalendar['makeUp']> {
    if (!rules.enabled || !rules.makeUp.enabled) return null;
    const used = await this.madeUpIn(this.uow.reader, memberId, today.slice(0, 7));
    return { costPoints: rules.makeUp.costPoints, earliest: addDays(today, -rules.makeUp.withinDays), remainingThisMonth: Math.max(0, rules.makeUp.maxPerMonth - used) };
  }

  private async madeUpIn(m: EntityManager, memberId: string, month: string): Promise<number> {
    const [row] = (await m.query('SELECT COUNT(*) AS n FROM checkins WHERE member_id = ? AND day >= ? AND day <= ? AND made_up = 1', [memberId, `${month}-01`, `${month}-31`])) as {
      n: unknown;
    }[];
    return toInt(row?.n);
  }

  /** What the make-up keyed `key` cost, from its ledger entry. */
  private async makeUpCost(m: EntityManager, key: string): Promise<number> {
    const [row] = (await m.query('SELECT delta FROM ledger_entries WHERE business_key = ?', [key])) as { delta: unknown }[];
    return row ? -toInt(row.delta) : 0;
  }

  /** The streak as it stands on `today`: today's check-in's, else yesterday's, else 0. */
  private async currentStreak(m: EntityManager, memberId: string, today: string): Promise<number> {
    const [row] = (await m.query(`${ROW} WHERE member_id = ? AND day <= ? ORDER BY day DESC LIMIT 1`, [memberId, today])) as CheckinRow[];
    return row && row.day >= addDays(today, -1) ? toInt(row.streak) : 0;
  }

  /** The member's last check-in before `day`. */
  private async lastBefore(m: EntityManager, memberId: string, day: string): Promise<{ date: string; streak: number } | null> {
    const [row] = (await m.query(`${ROW} WHERE member_id = ? AND day < ? ORDER BY day DESC LIMIT 1`, [memberId, day])) as CheckinRow[];
    return row ? { date: row.day, streak: toInt(row.streak) } : null;
  }
}
