import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { LedgerModule } from '../ledger/ledger.module';
import { LoyaltyModule } from '../loyalty/loyalty.module';
import { MembersModule } from '../members/members.module';
import { PointsModule } from '../points/points.module';
import { StoresModule } from '../stores/stores.module';
import { CouponGrants } from './coupon-grants';
import { CouponIssuer } from './coupon-issuer';
import { CouponMaintenance } from './coupon-maintenance';
import { CouponStatsService } from './coupon-stats.service';
import { CouponTemplates } from './coupon-templates.service';
import { CouponTemplatesController } from './coupon-templates.controller';
import { GiftSettingsController } from './gift-settings.controller';
import { GiftSettingsService } from './gift-settings.service';
import { MemberCoupons } from './member-coupons.service';
import { MemberCouponsController } from './member-coupons.controller';
import { PointsMallController } from './points-mall.controller';
import { PointsMall } from './points-mall.service';
import { StaffCoupons } from './staff-coupons.service';
import { StaffCouponsController } from './staff-coupons.controller';
import { WelcomeGifts } from './welcome-gifts';

/** E-coupons: templates, issuing (claims, grants, the points mall), the member's coupons, redemption at the till, statistics and the coupon jobs. */
@Module({
  imports: [AccessModule, LedgerModule, LoyaltyModule, MembersModule, PointsModule, StoresModule],
  controllers: [CouponTemplatesController, MemberCouponsController, StaffCouponsController, GiftSettingsController, PointsMallController],
  providers: [CouponIssuer, CouponGrants, CouponMaintenance, CouponStatsService, CouponTemplates, MemberCoupons, StaffCoupons, GiftSettingsService, WelcomeGifts, PointsMall],
  exports: [CouponIssuer, CouponGrants, CouponMaintenance, CouponTemplates, GiftSettingsService, WelcomeGifts],
})
export class CouponsModule {}
