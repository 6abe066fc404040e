import { Injectable } from '@nestjs/common';
import { checkinRulesSchema, DEFAULT_CHECKIN_RULES, type CheckinRules, type CheckinSettings, type FieldIssue, type UpdateCheckinSettingsRequest } from '@wemember/shared';
import type { StaffActor } from '../access/actors';
import { recordAudit } from '../audit/audit-log';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { giftTemplates } from '../coupons/gift-settings.service';
import { dbTime, execute, fromDbTime, toInt } from '../database/sql';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';

interface SettingsRow {
  settings: string;
  version: string | number;
  updated_at: Date | string | null;
  updated_by: string | null;
}

/**
 * A brand's check-in rules (base points, the streak ladder). Versioned like the gift settings, so
 * two marketers saving at once cannot overwrite each other; every save is audited. Until a brand
 * saves its own, DEFAULT_CHECKIN_RULES apply.
 */
@Injectable()
export class CheckinSettingsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async settings(brandId: string): Promise<CheckinSettings> {
    const [row] = (await this.uow.reader.query('SELECT settings, version, updated_at, updated_by FROM checkin_settings WHERE brand_id = ?', [brandId])) as SettingsRow[];
    if (!row) return { ...DEFAULT_CHECKIN_RULES, version: 0, updatedAt: null, updatedBy: null };
    return {
      ...checkinRulesSchema.parse(JSON.parse(row.settings)),
      version: toInt(row.version),
      updatedAt: row.updated_at ? fromDbTime(row.updated_at).toISOString() : null,
      updatedBy: row.updated_by,
    };
  }

  async update(actor: StaffActor, request: UpdateCheckinSettingsRequest): Promise<CheckinSettings> {
    const { version, ...body } = request;
    await this.checkTemplates(actor.brandId, body);
    const now = this.clock.now();
    const before = await this.settings(actor.brandId);
    const settings = JSON.stringify(body);
    try {
      await this.uow.transaction(async (m) => {
        const changed =
          version === 0
            ? await execute(m, 'INSERT INTO checkin_settings (brand_id, settings, version, updated_at, updated_by) VALUES (?, ?, 1, ?, ?)', [actor.brandId, settings, dbTime(now), actor.id])
            : await execute(m, 'UPDATE checkin_settings SET settings = ?, version = version + 1, updated_at = ?, updated_by = ? WHERE brand_id = ? AND version = ?', [
                settings,
                dbTime(now),
                actor.id,
                actor.brandId,
                version,
              ]);
        if (changed !== 1) throw new DomainError('SETTINGS_CONFLICT');
        const { version: _v, updatedAt: _a, updatedBy: _b, ...previous } = before;
        await recordAudit(m, {
          brandId: actor.brandId,
          staffId: actor.id,
          action: 'checkin_settings.update',
          targetType: 'brand',
          targetId: actor.brandId,
          detail: { fromVersion: version, before: previous, after: body },
          at: now,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('SETTINGS_CONFLICT');
      throw error;
    }
    return this.settings(actor.brandId);
  }

  /** Every ladder coupon must be one of the brand's templates: `ladder.0.templateId` names the one that is not. */
  private async checkTemplates(brandId: string, rules: CheckinRules): Promise<void> {
    const lines = rules.ladder.flatMap((step, i) => (step.templateId ? [{ field: `ladder.${i}.templateId`, templateId: step.templateId }] : []));
    const known = await giftTemplates(this.uow.reader, brandId, lines);
    const issues: FieldIssue[] = lines.filter((l) => !known.has(l.templateId)).map((l) => ({ field: l.field, message: `券模板 ${l.templateId} 不存在` }));
    if (issues.length > 0) throw new DomainError('VALIDATION_FAILED', issues.map((i) => i.message).join('；'), issues);
  }
}
