import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { MembersModule } from '../members/members.module';
import { TillScope } from '../orders/till-scope';
import { StoresModule } from '../stores/stores.module';
import { CouponCodeGate } from './coupon-code-gate';
import { CouponGrants } from './coupon-grants';
import { CouponIssuer } from './coupon-issuer';
import { CouponRedemptionUseCase } from './coupon-redemption.usecase';
import { CouponTemplates } from './coupon-templates.service';
import { CouponTemplatesController } from './coupon-templates.controller';
import { CouponTillController } from './coupon-till.controller';
import { MemberCoupons } from './member-coupons.service';
import { MemberCouponsController } from './member-coupons.controller';
import { StaffCoupons } from './staff-coupons.service';
import { StaffCouponsController } from './staff-coupons.controller';
import { TillCoupons } from './till-coupons';

/** E-coupons: templates, issuing (claims, grants, the points mall), the member's coupons, redemption at the till, statistics and the coupon jobs. */
@Module({
  imports: [AccessModule, MembersModule, StoresModule],
  controllers: [CouponTemplatesController, MemberCouponsController, StaffCouponsController, CouponTillController],
  // TillScope is the orders module's too: it holds no state, and the orders module uses TillCoupons from here.
  providers: [CouponIssuer, CouponGrants, CouponTemplates, MemberCoupons, StaffCoupons, CouponCodeGate, TillCoupons, CouponRedemptionUseCase, TillScope],
  exports: [CouponIssuer, CouponGrants, CouponTemplates, TillCoupons],
})
export class CouponsModule {}
