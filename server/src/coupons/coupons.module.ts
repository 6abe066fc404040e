import { Module } from '@nestjs/common';
import { CouponIssuer } from './coupon-issuer';

/** E-coupons: templates, issuing (claims, grants, the points mall), the member's coupons, redemption at the till, statistics and the coupon jobs. */
@Module({
  providers: [CouponIssuer],
  exports: [CouponIssuer],
})
export class CouponsModule {}
