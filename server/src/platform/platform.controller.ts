import { Controller, Inject } from '@nestjs/common';
import type { PlatformConfig } from '@wemember/shared';
import { Route } from '../access/route.decorator';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/** What the H5 build needs at run time: which app it is, and where the sandbox that plays WeChat is. */
@Controller()
export class PlatformController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Route('platformConfig')
  platformConfig(): PlatformConfig {
    return { appid: this.config.wechat.appid, sandboxUrl: this.config.wechat.sandboxUrl };
  }
}
