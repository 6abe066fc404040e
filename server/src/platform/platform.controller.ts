import { Controller, Get, Inject } from '@nestjs/common';
import type { PlatformConfig } from '@wemember/shared';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/** What the H5 build needs at run time: which app it is, and where the sandbox that plays WeChat is. */
@Controller('platform')
export class PlatformController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('config')
  config_(): PlatformConfig {
    return { appid: this.config.wechat.appid, sandboxUrl: this.config.wechat.sandboxUrl };
  }
}
