import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from './common/clock';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { CoreModule } from './core.module';
import { DatabaseModule } from './database/database.module';
import { DocsController } from './docs/docs.controller';
import { MembersModule } from './members/members.module';
import { PlatformController } from './platform/platform.controller';
import { PointsModule } from './points/points.module';
import { RedisModule } from './redis/redis.module';
import { StaffModule } from './staff/staff.module';
import { StoresModule } from './stores/stores.module';
import { WechatModule } from './wechat/wechat.module';

@Global()
@Module({})
class ConfigModule {
  static with(config: AppConfig, clock: Clock): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
      ],
      exports: [APP_CONFIG, Clock],
    };
  }
}

@Module({})
export class AppModule {
  static with(config: AppConfig, clock = new Clock()): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.with(config, clock), DatabaseModule, RedisModule, WechatModule, CoreModule, MembersModule, PointsModule, StoresModule, StaffModule],
      controllers: [DocsController, PlatformController],
    };
  }
}
