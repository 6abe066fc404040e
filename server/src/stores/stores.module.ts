import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { WechatModule } from '../wechat/wechat.module';
import { StoresController } from './stores.controller';
import { StoresRepository } from './stores.repository';
import { StoresService } from './stores.service';

/** Regions, stores and their mini-program codes. */
@Module({ imports: [AccessModule, WechatModule], controllers: [StoresController], providers: [StoresRepository, StoresService], exports: [StoresRepository] })
export class StoresModule {}
