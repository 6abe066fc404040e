import { Injectable } from '@nestjs/common';
import { chinaDate, pointsExpiryDate, type WelcomeGift, type WelcomeGiftPreview } from '@wemember/shared';
import { Clock } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { lockMember } from '../ledger/member-lock';
import { LoyaltySettingsService } from '../loyalty/loyalty-settings.service';
import { PointsLedger } from '../points/points-ledger';
import { CouponGrants } from './coupon-grants';
import { CouponTemplates } from './coupon-templates.service';
import { memberCouponView } from './coupon-views';
import { giftTemplates, GiftSettingsService, grantableLines } from './gift-settings.service';

/**
 * The welcome gift: what joining gives, once per member. The points are a ledger credit keyed
 * `welcome:<member>`, each coupon a grant keyed `welcome:<member>:<template>:<n>`, all in one unit
 * of work under the member's lock, so giving it again — a retried join, two joins racing — gives
 * nothing twice.
 */
@Injectable()
export class WelcomeGifts {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly gifts: GiftSettingsService,
    private readonly grants: CouponGrants,
    private readonly points: PointsLedger,
    private readonly loyalty: LoyaltySettingsService,
    private readonly templates: CouponTemplates,
    private readonly clock: Clock,
  ) {}

  /** What the join page may promise: the configured points, and the coupons that can still be given. */
  async preview(brandId: string): Promise<WelcomeGiftPreview> {
    const { welcome } = await this.gifts.settings(brandId);
    return { points: welcome.points, coupons: await grantableLines(this.uow.reader, brandId, welcome.coupons, chinaDate(this.clock.now())) };
  }

  /** Gives what the member has not been given yet; returns just that (nothing on a second call). */
  async give(member: { id: string; brandId: string }): Promise<NonNullable<WelcomeGift>> {
    const now = this.clock.now();
    const [{ welcome }, rules] = await Promise.all([this.gifts.settings(member.brandId), this.loyalty.rules(member.brandId)]);
    const templates = await giftTemplates(this.uow.reader, member.brandId, welcome.coupons);
    const given = await this.uow.transaction(async (m) => {
      const locked = await lockMember(m, member.id);
      if (!locked) return { points: 0, coupons: [] };
      let points = 0;
      const key = `welcome:${member.id}`;
      if (welcome.points > 0 && ((await m.query('SELECT id FROM ledger_entries WHERE business_key = ?', [key])) as unknown[]).length === 0) {
        const account = await this.points.account(m, locked);
        const movement = { kind: 'welcome' as const, key, reason: '入会礼', sourceType: 'welcome', sourceId: member.id, at: now };
        await this.points.credit(m, account, welcome.points, movement, pointsExpiryDate(rules, now));
        points = welcome.points;
      }
      const coupons = await this.grants.grantPack(m, {
        lines: welcome.coupons.map((line) => ({ ...line, template: templates.get(line.templateId) })),
        member: locked,
        key: (templateId, n) => `welcome:${member.id}:${templateId}:${n}`,
        source: 'welcome',
        at: now,
      });
      return { points, coupons };
    });
    const names = given.coupons.length > 0 ? await this.templates.scopeNames(member.brandId) : { stores: new Map(), regions: new Map() };
    return { points: given.points, coupons: given.coupons.map((c) => memberCouponView(c, chinaDate(now), names)) };
  }
}
