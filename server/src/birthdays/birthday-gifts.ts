import { Injectable, Logger } from '@nestjs/common';
import { birthdayGiftDue, type GiftCouponLine } from '@wemember/shared';
import { Clock } from '../common/clock';
import type { CouponTemplate } from '../coupons/coupon.entity';
import { CouponGrants } from '../coupons/coupon-grants';
import { giftTemplates, GiftSettingsService } from '../coupons/gift-settings.service';
import { dbTime, insertOnce } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { lockMember } from '../ledger/member-lock';
import { enqueueNotification } from '../notifications/outbox';

const BATCH = 500;

export interface BirthdayGiftRun {
  date: string;
  /** Members who got this year's gift in this run. */
  members: number;
  coupons: number;
}

/** "生日礼：满100减20 × 2、生日蛋糕券": what the greeting says was given; null when the tier has no coupons. */
function giftSummary(lines: GiftCouponLine[], templates: Map<string, CouponTemplate>, given: { templateId: string }[]): string | null {
  const parts = lines.flatMap((line) => {
    const count = given.filter((c) => c.templateId === line.templateId).length;
    const name = templates.get(line.templateId)?.name;
    return count > 0 && name ? [count > 1 ? `${name} × ${count}` : name] : [];
  });
  return parts.length > 0 ? parts.join('、') : null;
}

/**
 * The birthday gift, once per member per year. Each day's run gives every active member whose gift
 * day has come within their birthday month (from the 1st, or from the birthday itself — 28 Feb for
 * 29 Feb birthdays in other years) and who has no `birthday_gifts` row for the year. The row is the
 * key: it is inserted with insertOnce under the member's lock, and only the transaction that
 * inserted it grants the tier's birthday coupons (keys `birthday:<member>:<year>:<template>:<n>`)
 * and records the greeting (`birthday:<member>:<year>`), so a run repeated, late, concurrent or on
 * two instances gives once; a run on the 3rd still gives a gift due on the 1st. A birthday
 * corrected later in the year finds the row and gives nothing more.
 */
@Injectable()
export class BirthdayGifts {
  private readonly logger = new Logger('BirthdayGifts');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly gifts: GiftSettingsService,
    private readonly grants: CouponGrants,
    private readonly clock: Clock,
  ) {}

  /** The gifts due on `date` (YYYY-MM-DD, Asia/Shanghai), for one brand or all. */
  async run(date: string, brandId?: string): Promise<BirthdayGiftRun> {
    const run: BirthdayGiftRun = { date, members: 0, coupons: 0 };
    const year = Number(date.slice(0, 4));
    const brands = (await this.uow.reader.query(`SELECT id FROM brands${brandId ? ' WHERE id = ?' : ''}`, brandId ? [brandId] : [])) as { id: string }[];
    for (const { id: brand } of brands) {
      const { birthday: settings } = await this.gifts.settings(brand);
      const templates = await giftTemplates(this.uow.reader, brand, settings.tierCoupons.flatMap((p) => p.coupons));
      let after = '';
      for (;;) {
        // Keyset pages of the month's birthdays that have no gift this year; the index on the
        // primary key keeps each page cheap however large the brand.
        const page = (await this.uow.reader.query(
          `SELECT m.id, m.birthday FROM members m
           WHERE m.brand_id = ? AND m.status = 'active' AND m.birthday LIKE ? AND m.id > ?
             AND NOT EXISTS (SELECT 1 FROM birthday_gifts g WHERE g.member_id = m.id AND g.year = ?)
           ORDER BY m.id LIMIT ${BATCH}`,
          [brand, `%-${date.slice(5, 7)}-%`, after, year],
        )) as { id: string; birthday: string }[];
        if (page.length === 0) break;
        for (const row of page) {
          if (!birthdayGiftDue(row.birthday, date, settings.grantOn)) continue;
          const given = await this.giveOne(row.id, date, year, settings.grantOn, settings.tierCoupons, templates);
          if (given !== null) {
            run.members += 1;
            run.coupons += given;
          }
        }
        after = page[page.length - 1].id;
      }
    }
    this.logger.log(`birthday gifts ${date}: ${run.coupons} coupons to ${run.members} members`);
    return run;
  }

  /** One member's gift in one unit of work; the number of coupons given, or null when nothing was due (or already given). */
  private giveOne(
    memberId: string,
    date: string,
    year: number,
    grantOn: 'month_start' | 'birthday',
    tierCoupons: { tier: string; coupons: GiftCouponLine[] }[],
    templates: Map<string, CouponTemplate>,
  ): Promise<number | null> {
    const at = this.clock.now();
    return this.uow.transaction(async (m) => {
      const member = await lockMember(m, memberId);
      // Read again under the lock: a card frozen or a birthday corrected since the page was read.
      if (!member || member.status !== 'active' || !member.birthday || !birthdayGiftDue(member.birthday, date, grantOn)) return null;
      const fresh = await insertOnce(m, 'birthday_gifts', {
        member_id: member.id,
        year,
        brand_id: member.brandId,
        tier: member.tier,
        birthday: member.birthday,
        granted_at: dbTime(at),
      });
      if (!fresh) return null;
      const lines = tierCoupons.find((p) => p.tier === member.tier)?.coupons ?? [];
      const coupons = await this.grants.grantPack(m, {
        lines: lines.map((line) => ({ ...line, template: templates.get(line.templateId) })),
        member,
        key: (templateId, n) => `birthday:${member.id}:${year}:${templateId}:${n}`,
        source: 'birthday',
        at,
      });
      await enqueueNotification(m, {
        brandId: member.brandId,
        memberId: member.id,
        dedupeKey: `birthday:${member.id}:${year}`,
        payload: { kind: 'birthday', gift: giftSummary(lines, templates, coupons), at: at.toISOString() },
        at,
      });
      return coupons.length;
    });
  }
}
