import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { MembersModule } from '../members/members.module';
import { OfficialAccountModule } from '../official-account/official-account.module';
import { SmsModule } from '../sms/sms.module';
import { WechatModule } from '../wechat/wechat.module';
import { MemberMessages } from './member-messages.service';
import { MessageSettingsService } from './message-settings.service';
import { MESSAGES_QUEUE } from './messages-queue';
import { NotificationJobs, NotificationJobsProcessor } from './notification-jobs';
import { NotificationLog } from './notification-log';
import { NotificationSender } from './notification-sender';
import { NotificationsController } from './notifications.controller';

/**
 * Telling members what happened on their card: the brand's message settings, the member's choices
 * and subscribe credits, the sender that takes the outbox (notifications) to WeChat, and its log.
 * Events record notifications themselves with enqueueNotification (outbox.ts), in their own unit of work.
 */
@Module({
  imports: [AccessModule, WechatModule, OfficialAccountModule, MembersModule, SmsModule, BullModule.registerQueue({ name: MESSAGES_QUEUE })],
  controllers: [NotificationsController],
  providers: [MessageSettingsService, MemberMessages, NotificationLog, NotificationSender, NotificationJobs, NotificationJobsProcessor],
  exports: [NotificationSender, MessageSettingsService],
})
export class NotificationsModule {}
