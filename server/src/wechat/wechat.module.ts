import { Global, Module } from '@nestjs/common';
import { MiniProgramClient } from './mini-program.client';

@Global()
@Module({ providers: [MiniProgramClient], exports: [MiniProgramClient] })
export class WechatModule {}
