import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { BirthdaysModule } from '../birthdays/birthdays.module';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CouponsModule } from '../coupons/coupons.module';
import { LoyaltyModule } from '../loyalty/loyalty.module';
import { PointsModule } from '../points/points.module';
import { POINTS_QUEUE, PointsJobs, PointsJobsProcessor } from './points-jobs';

/** The Bull root on Redis and the scheduled jobs: every asynchronous and repeatable job lives here. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ redis: config.redis.url, prefix: `${config.redis.prefix}bull` }),
    }),
    BullModule.registerQueue({ name: POINTS_QUEUE }),
    BirthdaysModule,
    CouponsModule,
    LoyaltyModule,
    PointsModule,
  ],
  providers: [PointsJobs, PointsJobsProcessor],
  exports: [PointsJobs],
})
export class JobsModule {}
