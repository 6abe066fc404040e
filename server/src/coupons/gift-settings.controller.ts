import { Controller } from '@nestjs/common';
import type { GiftSettings, UpdateGiftSettingsRequest, WelcomeGiftPreview } from '@wemember/shared';
import { CurrentStaff, CurrentWechatUser } from '../access/actor.decorators';
import type { StaffActor, WechatUserActor } from '../access/actors';
import { Route, ValidBody } from '../access/route.decorator';
import { GiftSettingsService } from './gift-settings.service';
import { WelcomeGifts } from './welcome-gifts';

/** The gifts the brand configures, and the welcome gift as the join page shows it. */
@Controller()
export class GiftSettingsController {
  constructor(
    private readonly settings: GiftSettingsService,
    private readonly welcome: WelcomeGifts,
  ) {}

  @Route('staffGiftSettings')
  gifts(@CurrentStaff() staff: StaffActor): Promise<GiftSettings> {
    return this.settings.settings(staff.brandId);
  }

  @Route('staffUpdateGiftSettings')
  update(@CurrentStaff() staff: StaffActor, @ValidBody() body: UpdateGiftSettingsRequest): Promise<GiftSettings> {
    return this.settings.update(staff, body);
  }

  @Route('welcomeGift')
  preview(@CurrentWechatUser() user: WechatUserActor): Promise<WelcomeGiftPreview> {
    return this.welcome.preview(user.brandId);
  }
}
