import { Controller, Param } from '@nestjs/common';
import type { CouponCenter, MemberCoupon, MemberCoupons as MemberCouponsView, MemberCouponsQuery } from '@wemember/shared';
import { CurrentMember } from '../access/actor.decorators';
import type { MemberActor } from '../access/actors';
import { Route, ValidQuery } from '../access/route.decorator';
import { MemberCoupons } from './member-coupons.service';

/** The coupon centre and the member's own coupons. */
@Controller()
export class MemberCouponsController {
  constructor(private readonly coupons: MemberCoupons) {}

  @Route('couponCenter')
  center(@CurrentMember() member: MemberActor): Promise<CouponCenter> {
    return this.coupons.center(member);
  }

  @Route('couponClaim')
  claim(@CurrentMember() member: MemberActor, @Param('templateId') templateId: string): Promise<MemberCoupon> {
    return this.coupons.claim(member, templateId);
  }

  @Route('memberCoupons')
  list(@CurrentMember() member: MemberActor, @ValidQuery() query: MemberCouponsQuery): Promise<MemberCouponsView> {
    return this.coupons.list(member, query);
  }

  @Route('memberCoupon')
  get(@CurrentMember() member: MemberActor, @Param('id') id: string): Promise<MemberCoupon> {
    return this.coupons.get(member, id);
  }
}
