import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { CouponsModule } from '../coupons/coupons.module';
import { LoyaltyModule } from '../loyalty/loyalty.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OfficialAccountModule } from '../official-account/official-account.module';
import { PointsModule } from '../points/points.module';
import { SegmentsModule } from '../segments/segments.module';
import { WechatModule } from '../wechat/wechat.module';
import { CampaignJobs, CampaignJobsProcessor } from './campaign-jobs';
import { CAMPAIGNS_QUEUE, CampaignRunner } from './campaign-runner';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';

/**
 * The campaign engine: campaigns over saved segments, run on the `campaigns` Bull queue in keyed
 * batches; messages and texts go through the notification outbox (NotificationSender sends them).
 */
@Module({
  imports: [BullModule.registerQueue({ name: CAMPAIGNS_QUEUE }), SegmentsModule, CouponsModule, PointsModule, LoyaltyModule, NotificationsModule, OfficialAccountModule, WechatModule],
  controllers: [CampaignsController],
  providers: [CampaignsService, CampaignRunner, CampaignJobs, CampaignJobsProcessor],
  exports: [CampaignRunner],
})
export class CampaignsModule {}
