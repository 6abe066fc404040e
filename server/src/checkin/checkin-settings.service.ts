import { Injectable } from '@nestjs/common';
import { checkinRulesSchema, DEFAULT_CHECKIN_RULES, type CheckinRules, type CheckinSettings, type UpdateCheckinSettingsRequest } from '@wemember/shared';
import type { StaffActor } from '../access/actors';
import { Clock } from '../common/clock';
import { assertBrandTemplates } from '../coupons/gift-settings.service';
import { UnitOfWork } from '../database/unit-of-work';
import { readVersioned, saveVersioned } from '../database/versioned-settings';

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

  settings(brandId: string): Promise<CheckinSettings> {
    return readVersioned(this.uow.reader, 'checkin_settings', brandId, (json) => checkinRulesSchema.parse(json), DEFAULT_CHECKIN_RULES);
  }

  async update(actor: StaffActor, request: UpdateCheckinSettingsRequest): Promise<CheckinSettings> {
    const { version, ...body } = request;
    await this.checkTemplates(actor.brandId, body);
    const { version: _version, updatedAt: _at, updatedBy: _by, ...before } = await this.settings(actor.brandId);
    await saveVersioned(this.uow, 'checkin_settings', actor, { version, body, before, action: 'checkin_settings.update', at: this.clock.now() });
    return this.settings(actor.brandId);
  }

  /** Every ladder coupon must be one of the brand's templates: `ladder.0.templateId` names the one that is not. */
  private async checkTemplates(brandId: string, rules: CheckinRules): Promise<void> {
    const lines = rules.ladder.flatMap((step, i) => (step.templateId ? [{ field: `ladder.${i}.templateId`, templateId: step.templateId }] : []));
    await assertBrandTemplates(this.uow.reader, brandId, lines);
  }
}
