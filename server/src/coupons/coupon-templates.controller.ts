import { Controller, Param } from '@nestjs/common';
import type { CouponStats, CouponStatsQuery, CouponTemplate, CreateCouponTemplateRequest, ListCouponTemplatesQuery, UpdateCouponTemplateRequest } from '@wemember/shared';
import { CurrentStaff } from '../access/actor.decorators';
import type { StaffActor } from '../access/actors';
import { Route, ValidBody, ValidQuery } from '../access/route.decorator';
import { CouponStatsService } from './coupon-stats.service';
import { CouponTemplates } from './coupon-templates.service';

/** HQ admins and marketers design coupon templates; managers read them and their figures. */
@Controller()
export class CouponTemplatesController {
  constructor(
    private readonly templates: CouponTemplates,
    private readonly figures: CouponStatsService,
  ) {}

  @Route('staffCreateCouponTemplate')
  create(@CurrentStaff() staff: StaffActor, @ValidBody() body: CreateCouponTemplateRequest): Promise<CouponTemplate> {
    return this.templates.create(staff, body);
  }

  @Route('staffListCouponTemplates')
  list(@CurrentStaff() staff: StaffActor, @ValidQuery() query: ListCouponTemplatesQuery): Promise<CouponTemplate[]> {
    return this.templates.list(staff, query);
  }

  @Route('staffGetCouponTemplate')
  get(@CurrentStaff() staff: StaffActor, @Param('id') id: string): Promise<CouponTemplate> {
    return this.templates.get(staff, id);
  }

  @Route('staffUpdateCouponTemplate')
  update(@CurrentStaff() staff: StaffActor, @Param('id') id: string, @ValidBody() body: UpdateCouponTemplateRequest): Promise<CouponTemplate> {
    return this.templates.update(staff, id, body);
  }

  @Route('staffCouponTemplateStats')
  stats(@CurrentStaff() staff: StaffActor, @Param('id') id: string, @ValidQuery() query: CouponStatsQuery): Promise<CouponStats> {
    return this.figures.stats(staff, id, query);
  }
}
