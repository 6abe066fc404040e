import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { LedgerModule } from '../ledger/ledger.module';
import { LoyaltyModule } from '../loyalty/loyalty.module';
import { MembersModule } from '../members/members.module';
import { TillScope } from '../orders/till-scope';
import { PointsModule } from '../points/points.module';
import { StoresModule } from '../stores/stores.module';
import { CouponCodeGate } from './coupon-code-gate';
import { CouponGrants } from './coupon-grants';
import { CouponIssuer } from './coupon-issuer';
import { CouponMaintenance } from './coupon-maintenance';
import { CouponRedemptionUseCase } from './coupon-redemption.usecase';
import { CouponStatsService } from './coupon-stats.service';
import { CouponTemplates } from './coupon-templates.service';
import { CouponTemplatesController } from './coupon-templates.controller';
import { CouponTillController } from './coupon-till.controller';
import { GiftSettingsController } from './gift-settings.controller';
import { GiftSettingsService } from './gift-settings.service';
import { MemberCoupons } from './member-coupons.service';
import { MemberCouponsController } from './member-coupons.controller';
import { PointsMallController } from './points-mall.controller';
import { PointsMall } from './points-mall.service';
import { StaffCoupons } from './staff-coupons.service';
import { StaffCouponsController } from './staff-coupons.controller';
import { TillCoupons } from './till-coupons';
import { WelcomeGifts } from './welcome-gifts';

/** E-coupons: templates, issuing (claims, grants, the points mall), the member's coupons, redemption at the till, statistics and the coupon jobs. */
@Module({
  imports: [AccessModule, LedgerModule, LoyaltyModule, MembersModule, PointsModule, StoresModule],
  controllers: [CouponTemplatesController, MemberCouponsController, StaffCouponsController, GiftSettingsController, PointsMallController, CouponTillController],
  // TillScope is the orders module's too: it holds no state, and the orders module uses TillCoupons from here.
  providers: [
    CouponIssuer,
    CouponGrants,
    CouponMaintenance,
    CouponStatsService,
    CouponTemplates,
    MemberCoupons,
    StaffCoupons,
    GiftSettingsService,
    WelcomeGifts,
    PointsMall,
    CouponCodeGate,
    TillCoupons,
    CouponRedemptionUseCase,
    TillScope,
  ],
  exports: [CouponIssuer, CouponGrants, CouponMaintenance, CouponTemplates, GiftSettingsService, WelcomeGifts, TillCoupons],
})
export class CouponsModule {}
