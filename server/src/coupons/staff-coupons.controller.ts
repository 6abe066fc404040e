import { Controller, Param, Res } from '@nestjs/common';
import type { GrantCouponRequest, RevokeCouponRequest, StaffCoupon } from '@wemember/shared';
import type { FastifyReply } from 'fastify';
import { CurrentStaff } from '../access/actor.decorators';
import type { StaffActor } from '../access/actors';
import { Route, ValidBody } from '../access/route.decorator';
import { StaffCoupons } from './staff-coupons.service';

/** A marketer gives one member a coupon, or revokes one. */
@Controller()
export class StaffCouponsController {
  constructor(private readonly coupons: StaffCoupons) {}

  /** 201 for a new coupon, 200 for the replay of one already granted under the requestId. */
  @Route('staffGrantCoupon')
  async grant(
    @CurrentStaff() staff: StaffActor,
    @Param('id') templateId: string,
    @ValidBody() body: GrantCouponRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StaffCoupon> {
    const { coupon, replayed } = await this.coupons.grant(staff, templateId, body);
    reply.status(replayed ? 200 : 201);
    return coupon;
  }

  @Route('staffRevokeCoupon')
  revoke(@CurrentStaff() staff: StaffActor, @Param('id') couponId: string, @ValidBody() body: RevokeCouponRequest): Promise<StaffCoupon> {
    return this.coupons.revoke(staff, couponId, body);
  }
}
