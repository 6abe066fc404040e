import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { LoyaltyModule } from '../loyalty/loyalty.module';
import { MembersModule } from '../members/members.module';
import { StoresModule } from '../stores/stores.module';
import { PointsLedger } from './points-ledger';
import { PointsMaintenance } from './points-maintenance';
import { PointsController } from './points.controller';
import { PointsService } from './points.service';

/** Points: the points account and its lots, what a member sees of them, HQ adjustments, expiry and reconciliation. */
@Module({
  imports: [LedgerModule, LoyaltyModule, MembersModule, StoresModule],
  controllers: [PointsController],
  providers: [PointsLedger, PointsService, PointsMaintenance],
  exports: [PointsLedger, PointsMaintenance],
})
export class PointsModule {}
