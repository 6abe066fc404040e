import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { POINTS_QUEUE, PointsJobs, PointsJobsProcessor } from '../jobs/points-jobs';
import { LoyaltySettingsService } from '../loyalty/loyalty-settings.service';
import { OrdersController } from '../orders/orders.controller';
import { OrdersUseCase } from '../orders/orders.usecase';
import { RefundsUseCase } from '../orders/refunds.usecase';
import { StoreApiKeys, TillGuard } from '../orders/till';
import { MemberGrowth } from './member-growth';
import { PointsLedger } from './points-ledger';
import { PointsMaintenance } from './points-maintenance';
import { MemberPointsController, StaffPointsController } from './points.controller';
import { PointsService } from './points.service';

/** The value engine: rules, the till (purchases, refunds), the points ledger, tiers and their jobs. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ redis: config.redis.url, prefix: `${config.redis.prefix}bull` }),
    }),
    BullModule.registerQueue({ name: POINTS_QUEUE }),
  ],
  controllers: [OrdersController, MemberPointsController, StaffPointsController],
  providers: [
    LoyaltySettingsService,
    StoreApiKeys,
    TillGuard,
    OrdersUseCase,
    RefundsUseCase,
    PointsLedger,
    MemberGrowth,
    PointsService,
    PointsMaintenance,
    PointsJobs,
    PointsJobsProcessor,
  ],
  exports: [LoyaltySettingsService, MemberGrowth],
})
export class PointsModule {}
