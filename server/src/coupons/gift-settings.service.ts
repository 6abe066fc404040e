import { Injectable } from '@nestjs/common';
import { giftSettingsBodySchema, type FieldIssue, type GiftSettings, type GiftSettingsBody, type UpdateGiftSettingsRequest } from '@wemember/shared';
import { In } from 'typeorm';
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

  async settings(brandId: string): Promise<GiftSettings> {
    const [row] = (await this.uow.reader.query('SELECT settings, version, updated_at, updated_by FROM gift_settings WHERE brand_id = ?', [brandId])) as SettingsRow[];
    if (!row) return { ...NO_GIFTS, version: 0, updatedAt: null, updatedBy: null };
    return {
      ...giftSettingsBodySchema.parse(JSON.parse(row.settings)),
      version: toInt(row.version),
      updatedAt: row.updated_at ? fromDbTime(row.updated_at).toISOString() : null,
      updatedBy: row.updated_by,
    };
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
    if (lines.length === 0) return;
    const found = await this.uow.reader.getRepository(CouponTemplate).find({ select: { id: true }, where: { brandId, id: In([...new Set(lines.map((l) => l.templateId))]) } });
    const known = new Set(found.map((t) => t.id));
    const issues: FieldIssue[] = lines.filter((l) => !known.has(l.templateId)).map((l) => ({ field: l.field, message: `券模板 ${l.templateId} 不存在` }));
    if (issues.length > 0) throw new DomainError('VALIDATION_FAILED', issues.map((i) => i.message).join('；'), issues);
  }
}
