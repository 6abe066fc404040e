import { Controller } from '@nestjs/common';
import type { LoyaltySettings, UpdateLoyaltySettingsRequest } from '@wemember/shared';
import { CurrentStaff } from '../access/actor.decorators';
import type { StaffActor } from '../access/actors';
import { Route, ValidBody } from '../access/route.decorator';
import { LoyaltySettingsService } from './loyalty-settings.service';

/** The brand's points, tier and redemption rules. */
@Controller()
export class LoyaltyController {
  constructor(private readonly settings: LoyaltySettingsService) {}

  @Route('staffLoyaltySettings')
  loyalty(@CurrentStaff() staff: StaffActor): Promise<LoyaltySettings> {
    return this.settings.settings(staff.brandId);
  }

  @Route('staffUpdateLoyaltySettings')
  update(@CurrentStaff() staff: StaffActor, @ValidBody() body: UpdateLoyaltySettingsRequest): Promise<LoyaltySettings> {
    return this.settings.update(staff, body);
  }
}
