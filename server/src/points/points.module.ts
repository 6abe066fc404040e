import { Module } from '@nestjs/common';
import { LoyaltyModule } from '../loyalty/loyalty.module';
import { MembersModule } from '../members/members.module';
import { PointsLedger } from './points-ledger';
import { PointsMaintenance } from './points-maintenance';
import { PointsController } from './points.controller';
import { PointsService } from './points.service';

/** Points: lots and their ledger, what a member sees of them, HQ adjustments, expiry and reconciliation. */
@Module({
  imports: [LoyaltyModule, MembersModule],
  controllers: [PointsController],
  providers: [PointsLedger, PointsService, PointsMaintenance],
  exports: [PointsLedger, PointsMaintenance],
})
export class PointsModule {}
