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
import { recordAudit } from '../audit/audit-log';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { dbTime, execute, fromDbTime, toInt } from '../database/sql';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { CouponTemplate } from './coupon.entity';

interface SettingsRow {
  settings: string;
  version: string | number;
  updated_at: Date | string | null;
  updated_by: string | null;
}

/** Until a brand saves its own: no welcome gift, no monthly packs. */
export const NO_GIFTS: GiftSettingsBody = { welcome: { points: 0, coupons: [] }, tierPacks: [] };

/** A brand's gift settings, read through `reader` (the member centre reads them without this module). */
export async function readGiftSettings(reader: EntityManager, brandId: string): Promise<GiftSettings> {
  const [row] = (await reader.query('SELECT settings, version, updated_at, updated_by FROM gift_settings WHERE brand_id = ?', [brandId])) as SettingsRow[];
  if (!row) return { ...NO_GIFTS, version: 0, updatedAt: null, updatedBy: null };
  return {
    ...giftSettingsBodySchema.parse(JSON.parse(row.settings)),
    version: toInt(row.version),
    updatedAt: row.updated_at ? fromDbTime(row.updated_at).toISOString() : null,
    updatedBy: row.updated_by,
  };
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
    const now = this.clock.now();
    const before = await this.settings(actor.brandId);
    const settings = JSON.stringify(body);
    try {
      await this.uow.transaction(async (m) => {
        const changed =
          version === 0
            ? await execute(m, 'INSERT INTO gift_settings (brand_id, settings, version, updated_at, updated_by) VALUES (?, ?, 1, ?, ?)', [actor.brandId, settings, dbTime(now), actor.id])
            : await execute(m, 'UPDATE gift_settings SET settings = ?, version = version + 1, updated_at = ?, updated_by = ? WHERE brand_id = ? AND version = ?', [
                settings,
                dbTime(now),
                actor.id,
                actor.brandId,
                version,
              ]);
        if (changed !== 1) throw new DomainError('SETTINGS_CONFLICT');
        await recordAudit(m, {
          brandId: actor.brandId,
          staffId: actor.id,
          action: 'gift_settings.update',
          targetType: 'brand',
          targetId: actor.brandId,
          detail: { fromVersion: version, before: { welcome: before.welcome, tierPacks: before.tierPacks }, after: body },
          at: now,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('SETTINGS_CONFLICT');
      throw error;
    }
    return this.settings(actor.brandId);
  }

  /** Every template named must be the brand's: `welcome.coupons.0.templateId` names the one that is not. */
  private async checkTemplates(brandId: string, body: GiftSettingsBody): Promise<void> {
    const lines = [
      ...body.welcome.coupons.map((line, i) => ({ field: `welcome.coupons.${i}.templateId`, templateId: line.templateId })),
      ...body.tierPacks.flatMap((pack, p) => pack.coupons.map((line, i) => ({ field: `tierPacks.${p}.coupons.${i}.templateId`, templateId: line.templateId }))),
    ];
    const known = await giftTemplates(this.uow.reader, brandId, lines);
    const issues: FieldIssue[] = lines.filter((l) => !known.has(l.templateId)).map((l) => ({ field: l.field, message: `券模板 ${l.templateId} 不存在` }));
    if (issues.length > 0) throw new DomainError('VALIDATION_FAILED', issues.map((i) => i.message).join('；'), issues);
  }
}
