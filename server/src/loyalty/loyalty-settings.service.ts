import { Injectable } from '@nestjs/common';
import {
  DEFAULT_LOYALTY_RULES,
  loyaltyRulesSchema,
  type LoyaltyRules,
  type LoyaltySettings,
  type UpdateLoyaltySettingsRequest,
} from '@wemember/shared';
import { recordAudit } from '../audit/audit-log';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { dbTime, execute, fromDbTime, toInt } from '../database/sql';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import type { StaffActor } from '../access/actors';

interface SettingsRow {
  rules: string;
  version: string | number;
  updated_at: Date | string | null;
  updated_by: string | null;
}

/**
 * Each brand's loyalty rules (DESIGN.md's defaults until an HQ admin changes them). Read on every
 * purchase — one primary-key lookup — so every server instance applies a change at once.
 */
@Injectable()
export class LoyaltySettingsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async rules(brandId: string): Promise<LoyaltyRules> {
    return (await this.settings(brandId)).rules;
  }

  async settings(brandId: string): Promise<LoyaltySettings> {
    const [row] = (await this.uow.reader.query('SELECT rules, version, updated_at, updated_by FROM loyalty_settings WHERE brand_id = ?', [brandId])) as SettingsRow[];
    if (!row) return { rules: DEFAULT_LOYALTY_RULES, version: 0, updatedAt: null, updatedBy: null };
    return {
      // Validated when saved; parsed again so a hand-edited row fails loudly instead of mispricing.
      rules: loyaltyRulesSchema.parse(JSON.parse(row.rules)),
      version: toInt(row.version),
      updatedAt: row.updated_at ? fromDbTime(row.updated_at).toISOString() : null,
      updatedBy: row.updated_by,
    };
  }

  /** HQ admins only; `version` is the one read, so two admins editing at once cannot overwrite each other. */
  async update(actor: StaffActor, request: UpdateLoyaltySettingsRequest): Promise<LoyaltySettings> {
    const now = this.clock.now();
    const before = await this.settings(actor.brandId);
    const rules = JSON.stringify(request.rules);
    try {
      await this.uow.transaction(async (m) => {
        const changed =
          request.version === 0
            ? await execute(m, 'INSERT INTO loyalty_settings (brand_id, rules, version, updated_at, updated_by) VALUES (?, ?, 1, ?, ?)', [
                actor.brandId,
                rules,
                dbTime(now),
                actor.id,
              ])
            : await execute(m, 'UPDATE loyalty_settings SET rules = ?, version = version + 1, updated_at = ?, updated_by = ? WHERE brand_id = ? AND version = ?', [
                rules,
                dbTime(now),
                actor.id,
                actor.brandId,
                request.version,
              ]);
        if (changed !== 1) throw new DomainError('SETTINGS_CONFLICT');
        await recordAudit(m, {
          brandId: actor.brandId,
          staffId: actor.id,
          action: 'loyalty_rules.update',
          targetType: 'brand',
          targetId: actor.brandId,
          detail: { fromVersion: request.version, before: before.rules, after: request.rules },
          at: now,
        });
      });
    } catch (error) {
      // Two first saves at once: the primary key lets one in.
      if (isUniqueViolation(error)) throw new DomainError('SETTINGS_CONFLICT');
      throw error;
    }
    return this.settings(actor.brandId);
  }
}
