import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { addDays, assertTransition, COUPON_TRANSITIONS } from '@wemember/shared';
import { Clock } from '../common/clock';
import { dbTime, execute, toInt } from '../database/sql';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { lockMember } from '../ledger/member-lock';
import { CouponGrants } from './coupon-grants';
import { EXPIRING_SOON_DAYS } from './coupon-views';
import { giftTemplates, GiftSettingsService } from './gift-settings.service';
import { enqueueNotification } from '../notifications/outbox';

const BATCH = 500;

export interface CouponExpiryRun {
  date: string;
  expired: number;
  remindersMarked: number;
}

export interface TierPackRun {
  /** YYYY-MM */
  month: string;
  members: number;
  coupons: number;
}

/**
 * The coupon jobs: the nightly expiry (with reminders for coupons about to end) and the monthly
 * tier packs. Safe to run twice or on two instances at once: expiry is a conditional UPDATE
 * (`WHERE status = 'issued'`), a reminder is unique per (member, day), a pack coupon is a grant
 * keyed by member, template, month and number.
 */
@Injectable()
export class CouponMaintenance {
  private readonly logger = new Logger('CouponMaintenance');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly gifts: GiftSettingsService,
    private readonly grants: CouponGrants,
    private readonly clock: Clock,
  ) {}

  /** Issued coupons whose last day is before `today` become expired, in batches; then reminders. */
  async expire(today: string, brandId?: string): Promise<CouponExpiryRun> {
    assertTransition(COUPON_TRANSITIONS, 'issued', 'expired');
    const run: CouponExpiryRun = { date: today, expired: 0, remindersMarked: 0 };
    const now = dbTime(this.clock.now());
    let after = '';
    for (;;) {
      const ids = (
        (await this.uow.reader.query(
          `SELECT id FROM coupons WHERE status = 'issued' AND valid_to < ? AND id > ?${brandId ? ' AND brand_id = ?' : ''} ORDER BY id LIMIT ${BATCH}`,
          brandId ? [today, after, brandId] : [today, after],
        )) as { id: string }[]
      ).map((r) => r.id);
      if (ids.length === 0) break;
      run.expired += await this.uow.transaction((m) =>
        execute(m, `UPDATE coupons SET status = 'expired', ended_at = ? WHERE id IN (${ids.map(() => '?').join(', ')}) AND status = 'issued' AND valid_to < ?`, [
          now,
          ...ids,
          today,
        ]),
      );
      after = ids[ids.length - 1];
    }
    run.remindersMarked = await this.markReminders(today, brandId);
    this.logger.log(`coupon expiry ${today}: ${run.expired} coupons expired; ${run.remindersMarked} reminders`);
    return run;
  }

  /**
   * One reminder per member and day for members holding usable coupons that end within
   * EXPIRING_SOON_DAYS; the messaging issue sends them. Returns how many were newly marked.
   */
  private async markReminders(today: string, brandId?: string): Promise<number> {
    let marked = 0;
    let after = '';
    for (;;) {
      const due = (await this.uow.reader.query(
        `SELECT member_id, brand_id, COUNT(*) AS coupons, MIN(valid_to) AS first_valid_to FROM coupons
         WHERE status = 'issued' AND valid_to >= ? AND valid_to <= ? AND member_id > ?${brandId ? ' AND brand_id = ?' : ''}
         GROUP BY member_id, brand_id ORDER BY member_id LIMIT ${BATCH}`,
        [today, addDays(today, EXPIRING_SOON_DAYS), after, ...(brandId ? [brandId] : [])],
      )) as { member_id: string; brand_id: string; coupons: unknown; first_valid_to: string }[];
      if (due.length === 0) break;
      for (const row of due) {
        try {
          const now = this.clock.now();
          await this.uow.transaction(async (m) => {
            await m.query('INSERT INTO coupon_reminders (id, brand_id, member_id, remind_date, coupons, first_valid_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
              randomUUID(),
              row.brand_id,
              row.member_id,
              today,
              toInt(row.coupons),
              row.first_valid_to,
              dbTime(now),
            ]);
            // The reminder's message, named after the coupon that ends first; a reminder marked twice is refused above.
            const [first] = (await m.query("SELECT name FROM coupons WHERE member_id = ? AND status = 'issued' AND valid_to = ? ORDER BY issued_at, id LIMIT 1", [
              row.member_id,
              row.first_valid_to,
            ])) as { name: string }[];
            const count = toInt(row.coupons);
            await enqueueNotification(m, {
              brandId: row.brand_id,
              memberId: row.member_id,
              dedupeKey: `coupon-expiring:${row.member_id}:${today}`,
              payload: { kind: 'coupon_expiring', couponName: `${first?.name ?? '优惠券'}${count > 1 ? '等' : ''}`, count, validTo: row.first_valid_to },
              at: now,
            });
          });
          marked += 1;
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
      }
      after = due[due.length - 1].member_id;
    }
    return marked;
  }

  /**
   * Each active member of a tier gets the tier's pack for `month` (YYYY-MM), member by member under
   * the member's lock. Keys `tier:<member>:<template>:<month>:<n>` make a second run give nothing.
   */
  async tierPacks(month: string, brandId?: string): Promise<TierPackRun> {
    const run: TierPackRun = { month, members: 0, coupons: 0 };
    const at = this.clock.now();
    const brands = (await this.uow.reader.query(`SELECT brand_id FROM gift_settings${brandId ? ' WHERE brand_id = ?' : ''}`, brandId ? [brandId] : [])) as { brand_id: string }[];
    for (const { brand_id: brand } of brands) {
      const { tierPacks } = await this.gifts.settings(brand);
      const templates = await giftTemplates(this.uow.reader, brand, tierPacks.flatMap((p) => p.coupons));
      for (const pack of tierPacks) {
        if (pack.coupons.length === 0) continue;
        let after = '';
        for (;;) {
          const members = (await this.uow.reader.query(
            `SELECT id FROM members WHERE brand_id = ? AND tier = ? AND status = 'active' AND id > ? ORDER BY id LIMIT ${BATCH}`,
            [brand, pack.tier, after],
          )) as { id: string }[];
          if (members.length === 0) break;
          for (const { id } of members) {
            const given = await this.uow.transaction(async (m) => {
              const member = await lockMember(m, id);
              // Read again under the lock: a card frozen or a tier changed since the batch was read.
              if (!member || member.status !== 'active' || member.tier !== pack.tier) return 0;
              const coupons = await this.grants.grantPack(m, {
                lines: pack.coupons.map((line) => ({ ...line, template: templates.get(line.templateId) })),
                member,
                key: (templateId, n) => `tier:${member.id}:${templateId}:${month}:${n}`,
                source: 'tier_pack',
                at,
              });
              return coupons.length;
            });
            if (given > 0) run.members += 1;
            run.coupons += given;
          }
          after = members[members.length - 1].id;
        }
      }
    }
    this.logger.log(`tier packs ${month}: ${run.coupons} coupons to ${run.members} members`);
    return run;
  }
}
