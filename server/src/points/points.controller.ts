import { Controller, Param, Res } from '@nestjs/common';
import type { PointsAdjustment, PointsAdjustmentRequest, PointsOverview, PointsPageQuery, Reconciliation } from '@wemember/shared';
import type { FastifyReply } from 'fastify';
import { CurrentMember, CurrentStaff } from '../access/actor.decorators';
import type { MemberActor, StaffActor } from '../access/actors';
import { Route, ValidBody, ValidQuery } from '../access/route.decorator';
import { PointsMaintenance } from './points-maintenance';
import { PointsService } from './points.service';

@Controller()
export class PointsController {
  constructor(
    private readonly points: PointsService,
    private readonly maintenance: PointsMaintenance,
  ) {}

  @Route('memberPoints')
  overview(@CurrentMember() member: MemberActor, @ValidQuery() query: PointsPageQuery): Promise<PointsOverview> {
    return this.points.overview(member, query);
  }

  /** 201 for a new adjustment, 200 for the replay of one already made (same requestId). */
  @Route('staffAdjustPoints')
  async adjust(
    @CurrentStaff() staff: StaffActor,
    @Param('memberId') memberId: string,
    @ValidBody() body: PointsAdjustmentRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PointsAdjustment> {
    const adjustment = await this.points.adjust(staff, memberId, body);
    reply.status(adjustment.replayed ? 200 : 201);
    return adjustment;
  }

  @Route('staffReconcilePoints')
  reconcile(@CurrentStaff() staff: StaffActor): Promise<Reconciliation> {
    return this.maintenance.reconcile(staff.brandId);
  }
}
