import { Module } from '@nestjs/common';
import { PlatformController } from './platform.controller';

/** What the H5 build reads at run time. */
@Module({ controllers: [PlatformController] })
export class PlatformModule {}
