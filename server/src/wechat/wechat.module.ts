import { Module } from '@nestjs/common';
import { MiniProgramClient } from './mini-program.client';
import { OfficialAccountClient } from './official-account.client';

/** The WeChat edge: every call to WeChat goes through the clients exported here. */
@Module({ providers: [MiniProgramClient, OfficialAccountClient], exports: [MiniProgramClient, OfficialAccountClient] })
export class WechatModule {}
