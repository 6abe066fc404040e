import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CouponsModule } from '../coupons/coupons.module';
import { LoyaltyModule } from '../loyalty/loyalty.module';
import { PointsModule } from '../points/points.module';
import { CheckinController } from './checkin.controller';
import { CheckinSettingsService } from './checkin-settings.service';
import { Checkins } from './checkins.service';

/** Daily check-in (签到): the member's check-in and calendar, and the brand's rules for it. */
@Module({
  imports: [AccessModule, CouponsModule, LoyaltyModule, PointsModule],
  controllers: [CheckinController],
  providers: [Checkins, CheckinSettingsService],
})
export class CheckinModule {}
