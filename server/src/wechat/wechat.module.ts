import { Module } from '@nestjs/common';
import { MiniProgramClient } from './mini-program.client';

/** The WeChat edge: every call to WeChat goes through the client exported here. */
@Module({ providers: [MiniProgramClient], exports: [MiniProgramClient] })
export class WechatModule {}
