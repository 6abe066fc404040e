import { Controller } from '@nestjs/common';
import type { CouponRedemption, LookupCouponRequest, RedeemCouponRequest, StaffCoupon } from '@wemember/shared';
import { CurrentTill } from '../access/actor.decorators';
import type { TillActor } from '../access/actors';
import { Route, ValidBody } from '../access/route.decorator';
import { CouponRedemptionUseCase } from './coupon-redemption.usecase';

/** The till's coupon scanner: look a coupon up, redeem it on its own (in a purchase it goes with the order). */
@Controller()
export class CouponTillController {
  constructor(private readonly redemptions: CouponRedemptionUseCase) {}

  @Route('staffLookupCoupon')
  lookup(@CurrentTill() till: TillActor, @ValidBody() body: LookupCouponRequest): Promise<StaffCoupon> {
    return this.redemptions.lookup(till, body);
  }

  /** 200 both for the redemption and for its replay (`replayed` tells them apart). */
  @Route('staffRedeemCoupon')
  redeem(@CurrentTill() till: TillActor, @ValidBody() body: RedeemCouponRequest): Promise<CouponRedemption> {
    return this.redemptions.redeem(till, body);
  }
}
