import { Injectable } from '@nestjs/common';
import {
  couponSummary,
  giftSettingsBodySchema,
  type FieldIssue,
  type GiftCouponLine,
  type GiftLineView,
  type GiftSettings,
  type GiftSettingsBody,
  type UpdateGiftSettingsRequest,
} from '@wemember/shared';
import { In, type EntityManager } from 'typeorm';
import type { StaffActor } from '../access/actors';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { UnitOfWork } from '../database/unit-of-work';
import { readVersioned, saveVersioned } from '../database/versioned-settings';
import { CouponTemplate } from './coupon.entity';

/** Until a brand saves its own: no welcome gift, no monthly packs, no birthday or member-day coupons. */
export const NO_GIFTS: GiftSettingsBody = {
  welcome: { points: 0, coupons: [] },
  tierPacks: [],
  birthday: { grantOn: 'month_start', tierCoupons: [] },
  memberDay: { coupons: [] },
};

/** A brand's gift settings, read through `reader` (the member centre reads them without this module). */
export function readGiftSettings(reader: EntityManager, brandId: string): Promise<GiftSettings> {
  return readVersioned(reader, 'gift_settings', brandId, (json) => giftSettingsBodySchema.parse(json), NO_GIFTS);
}

/** Whether a template can still give a coupon today: active, in stock, its window not over. */
export function stillGrantable(t: CouponTemplate | undefined, today: string): t is CouponTemplate {
  return !!t && t.status === 'active' && t.issued < t.stock && (t.validityKind === 'relative' || (t.validTo ?? '') >= today);
}

/** The brand's templates a gift names, by id. */
export async function giftTemplates(reader: EntityManager, brandId: string, lines: Pick<GiftCouponLine, 'templateId'>[]): Promise<Map<string, CouponTemplate>> {
  if (lines.length === 0) return new Map();
  const found = await reader.getRepository(CouponTemplate).findBy({ brandId, id: In([...new Set(lines.map((l) => l.templateId))]) });
  return new Map(found.map((t) => [t.id, t]));
}

/** Every template a setting names must be the brand's: 400 naming each `field` whose template is not. */
export async function assertBrandTemplates(reader: EntityManager, brandId: string, lines: { field: string; templateId: string }[]): Promise<void> {
  const known = await giftTemplates(reader, brandId, lines);
  const issues: FieldIssue[] = lines.filter((l) => !known.has(l.templateId)).map((l) => ({ field: l.field, message: `券模板 ${l.templateId} 不存在` }));
  if (issues.length > 0) throw new DomainError('VALIDATION_FAILED', issues.map((i) => i.message).join('；'), issues);
}

/** A gift's lines as a shopper reads them, leaving out what can no longer be given: only what is promised can be kept. */
export async function grantableLines(reader: EntityManager, brandId: string, lines: GiftCouponLine[], today: string): Promise<GiftLineView[]> {
  const templates = await giftTemplates(reader, brandId, lines);
  return lines.flatMap((line) => {
    const t = templates.get(line.templateId);
    return stillGrantable(t, today) ? [{ templateId: t.id, name: t.name, summary: couponSummary(t), quantity: line.quantity }] : [];
  });
}

/**
 * What the brand gives without being asked: the welcome gift on joining and each tier's monthly
 * coupon pack. Versioned like the loyalty rules, so two marketers saving at once cannot overwrite
 * each other; every save is audited.
 */
@Injectable()
export class GiftSettingsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  settings(brandId: string): Promise<GiftSettings> {
    return readGiftSettings(this.uow.reader, brandId);
  }

  async update(actor: StaffActor, request: UpdateGiftSettingsRequest): Promise<GiftSettings> {
    const { version, ...body } = request;
    await this.checkTemplates(actor.brandId, body);
    const before = await this.settings(actor.brandId);
    await saveVersioned(this.uow, 'gift_settings', actor, {
      version,
      body,
      before: { welcome: before.welcome, tierPacks: before.tierPacks, birthday: before.birthday, memberDay: before.memberDay },
      action: 'gift_settings.update',
      at: this.clock.now(),
    });
    return this.settings(actor.brandId);
  }

  /** Every template named must be the brand's: `welcome.coupons.0.templateId` names the one that is not. */
  private async checkTemplates(brandId: string, body: GiftSettingsBody): Promise<void> {
    const lines = [
      ...body.welcome.coupons.map((line, i) => ({ field: `welcome.coupons.${i}.templateId`, templateId: line.templateId })),
      ...body.tierPacks.flatMap((pack, p) => pack.coupons.map((line, i) => ({ field: `tierPacks.${p}.coupons.${i}.templateId`, templateId: line.templateId }))),
      ...body.birthday.tierCoupons.flatMap((pack, p) =>
        pack.coupons.map((line, i) => ({ field: `birthday.tierCoupons.${p}.coupons.${i}.templateId`, templateId: line.templateId })),
      ),
      ...body.memberDay.coupons.map((line, i) => ({ field: `memberDay.coupons.${i}.templateId`, templateId: line.templateId })),
    ];
    await assertBrandTemplates(this.uow.reader, brandId, lines);
  }
}
