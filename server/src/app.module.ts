import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access/access.guard';
import { AccessModule } from './access/access.module';
import { AuthModule } from './auth/auth.module';
import { BirthdaysModule } from './birthdays/birthdays.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { CheckinModule } from './checkin/checkin.module';
import { Clock } from './common/clock';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CouponsModule } from './coupons/coupons.module';
import { DatabaseModule } from './database/database.module';
import { DocsModule } from './docs/docs.module';
import { JobsModule } from './jobs/jobs.module';
import { LoyaltyModule } from './loyalty/loyalty.module';
import { MembersModule } from './members/members.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OfficialAccountModule } from './official-account/official-account.module';
import { OrdersModule } from './orders/orders.module';
import { PlatformModule } from './platform/platform.module';
import { PointsModule } from './points/points.module';
import { RedisModule } from './redis/redis.module';
import { SegmentsModule } from './segments/segments.module';
import { SmsModule } from './sms/sms.module';
import { StaffModule } from './staff/staff.module';
import { StoresModule } from './stores/stores.module';
import { WalletModule } from './wallet/wallet.module';

/**
 * The whole server. Config, database and Redis are global infrastructure; every feature module
 * imports what it uses from the modules that export it. The AccessGuard guards every route.
 */
@Module({})
export class AppModule {
  static with(config: AppConfig, clock = new Clock()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.with(config, clock),
        DatabaseModule,
        RedisModule,
        AccessModule,
        AuthModule,
        StaffModule,
        StoresModule,
        MembersModule,
        LoyaltyModule,
        PointsModule,
        CouponsModule,
        WalletModule,
        CheckinModule,
        BirthdaysModule,
        OrdersModule,
        OfficialAccountModule,
        JobsModule,
        NotificationsModule,
        SmsModule,
        SegmentsModule,
        CampaignsModule,
        DocsModule,
        PlatformModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: AccessGuard }],
    };
  }
}
