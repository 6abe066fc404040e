import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { CoreModule } from './core.module';
import { DatabaseModule } from './database/database.module';
import { DocsController } from './docs/docs.controller';
import { MembersModule } from './members/members.module';
import { PlatformController } from './platform/platform.controller';
import { RedisModule } from './redis/redis.module';
import { StaffModule } from './staff/staff.module';
import { StoresModule } from './stores/stores.module';
import { WechatModule } from './wechat/wechat.module';

@Global()
@Module({})
class ConfigModule {
  static with(config: AppConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}

@Module({})
export class AppModule {
  static with(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.with(config), DatabaseModule, RedisModule, WechatModule, CoreModule, MembersModule, StoresModule, StaffModule],
      controllers: [DocsController, PlatformController],
    };
  }
}
