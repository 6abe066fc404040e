import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import {
  API_ROUTES,
  type PointsAdjustmentRequest,
  type UpdateLoyaltySettingsRequest,
} from '@wemember/shared';
import type { FastifyReply } from 'fastify';
import { CurrentMember, CurrentStaff, MemberGuard, StaffGuard, type MemberActor } from '../auth/guards';
import { DomainError } from '../common/domain-error';
import { ZodPipe } from '../common/zod-body.pipe';
import { LoyaltySettingsService } from '../loyalty/loyalty-settings.service';
import { StoreApiKeys } from '../orders/till';
import type { StaffActor } from '../staff/staff-actor';
import { PointsMaintenance } from './points-maintenance';
import { PointsService } from './points.service';

@Controller('member')
@UseGuards(MemberGuard)
export class MemberPointsController {
  constructor(private readonly points: PointsService) {}

  @Get('points')
  @Header('Cache-Control', 'no-store')
  overview(@CurrentMember() member: MemberActor, @Query(new ZodPipe(API_ROUTES.memberPoints.query)) query: { before?: number; limit: number }) {
    return this.points.overview(member, query);
  }
}

@Controller('staff')
@UseGuards(StaffGuard)
export class StaffPointsController {
  constructor(
    private readonly points: PointsService,
    private readonly settings: LoyaltySettingsService,
    private readonly maintenance: PointsMaintenance,
    private readonly keys: StoreApiKeys,
  ) {}

  /** 201 for a new adjustment, 200 for the replay of one already made (same requestId). */
  @Post('members/:memberId/points/adjustments')
  async adjust(
    @CurrentStaff() staff: StaffActor,
    @Param('memberId') memberId: string,
    @Body(new ZodPipe(API_ROUTES.staffAdjustPoints.body)) body: PointsAdjustmentRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const adjustment = await this.points.adjust(staff, memberId, body);
    reply.status(adjustment.replayed ? 200 : 201);
    return adjustment;
  }

  @Get('settings/loyalty')
  loyalty(@CurrentStaff() staff: StaffActor) {
    return this.settings.settings(staff.brandId);
  }

  @Put('settings/loyalty')
  updateLoyalty(@CurrentStaff() staff: StaffActor, @Body(new ZodPipe(API_ROUTES.staffUpdateLoyaltySettings.body)) body: UpdateLoyaltySettingsRequest) {
    return this.settings.update(staff, body);
  }

  @Post('points/reconcile')
  @HttpCode(200)
  reconcile(@CurrentStaff() staff: StaffActor) {
    if (staff.role !== 'hq_admin') throw new DomainError('FORBIDDEN', '只有总部管理员可以运行积分对账');
    return this.maintenance.reconcile(staff.brandId);
  }

  @Post('stores/:storeId/api-keys')
  createApiKey(@CurrentStaff() staff: StaffActor, @Param('storeId') storeId: string, @Body(new ZodPipe(API_ROUTES.staffCreateApiKey.body)) body: { label: string }) {
    return this.keys.create(staff, storeId, body.label);
  }

  @Delete('stores/:storeId/api-keys/:keyId')
  revokeApiKey(@CurrentStaff() staff: StaffActor, @Param('storeId') storeId: string, @Param('keyId') keyId: string) {
    return this.keys.revoke(staff, storeId, keyId);
  }
}
