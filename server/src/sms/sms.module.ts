import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { MembersModule } from '../members/members.module';
import { MarketingGuard } from './marketing-guard';
import { SMS_SENDER } from './sms-sender';
import { SmsOptOuts } from './sms-opt-outs';
import { SmsRepliesController } from './sms-replies.controller';
import { TencentSmsSender } from './tencent-sms.sender';

/**
 * The SMS channel (docs/sms.md): the SmsSender (Tencent Cloud, or null with SMS off), the reply
 * callback that records opt-outs, and the MarketingGuard every marketing send asks first. The
 * NotificationSender sends campaigns' texts through SMS_SENDER.
 */
@Module({
  imports: [MembersModule],
  controllers: [SmsRepliesController],
  providers: [
    SmsOptOuts,
    MarketingGuard,
    {
      provide: SMS_SENDER,
      inject: [APP_CONFIG, Clock],
      useFactory: (config: AppConfig, clock: Clock) => (config.sms ? new TencentSmsSender(config, clock) : null),
    },
  ],
  exports: [SMS_SENDER, SmsOptOuts, MarketingGuard],
})
export class SmsModule {}
