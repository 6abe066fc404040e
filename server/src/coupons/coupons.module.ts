import { Module } from '@nestjs/common';
import { MembersModule } from '../members/members.module';
import { StoresModule } from '../stores/stores.module';
import { CouponGrants } from './coupon-grants';
import { CouponIssuer } from './coupon-issuer';
import { CouponTemplates } from './coupon-templates.service';
import { CouponTemplatesController } from './coupon-templates.controller';
import { MemberCoupons } from './member-coupons.service';
import { MemberCouponsController } from './member-coupons.controller';
import { StaffCoupons } from './staff-coupons.service';
import { StaffCouponsController } from './staff-coupons.controller';

/** E-coupons: templates, issuing (claims, grants, the points mall), the member's coupons, redemption at the till, statistics and the coupon jobs. */
@Module({
  imports: [MembersModule, StoresModule],
  controllers: [CouponTemplatesController, MemberCouponsController, StaffCouponsController],
  providers: [CouponIssuer, CouponGrants, CouponTemplates, MemberCoupons, StaffCoupons],
  exports: [CouponIssuer, CouponGrants, CouponTemplates],
})
export class CouponsModule {}
