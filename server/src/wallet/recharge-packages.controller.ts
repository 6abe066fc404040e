import { Controller, Param } from '@nestjs/common';
import type { CreateRechargePackageRequest, RechargeOffers, RechargePackage, UpdateRechargePackageRequest } from '@wemember/shared';
import { CurrentMember, CurrentStaff } from '../access/actor.decorators';
import type { MemberActor, StaffActor } from '../access/actors';
import { Route, ValidBody } from '../access/route.decorator';
import { RechargePackages } from './recharge-packages';

/** HQ admins design recharge packages; members see the ones on offer to them. */
@Controller()
export class RechargePackagesController {
  constructor(private readonly packages: RechargePackages) {}

  @Route('staffCreateRechargePackage')
  create(@CurrentStaff() staff: StaffActor, @ValidBody() body: CreateRechargePackageRequest): Promise<RechargePackage> {
    return this.packages.create(staff, body);
  }

  @Route('staffListRechargePackages')
  list(@CurrentStaff() staff: StaffActor): Promise<RechargePackage[]> {
    return this.packages.list(staff);
  }

  @Route('staffUpdateRechargePackage')
  update(@CurrentStaff() staff: StaffActor, @Param('id') id: string, @ValidBody() body: UpdateRechargePackageRequest): Promise<RechargePackage> {
    return this.packages.update(staff, id, body);
  }

  @Route('rechargePackages')
  offers(@CurrentMember() member: MemberActor): Promise<RechargeOffers> {
    return this.packages.offers(member);
  }
}
