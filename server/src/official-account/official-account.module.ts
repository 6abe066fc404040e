import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { WechatModule } from '../wechat/wechat.module';
import { FollowerEvents } from './follower-events';
import { OfficialFollowers } from './official-followers';
import { OfficialPushController } from './official-push.controller';
import { OfficialPushes } from './official-pushes';
import { OFFICIAL_QUEUE } from './official-queue';
import { OfficialJobsProcessor } from './official-jobs';

/**
 * The brand's official account as its server (docs/official-account.md): WeChat's pushes — follows,
 * unfollows, scans, template-message outcomes — and who follows. Other modules see only
 * OfficialFollowers: which openid in the account a member has.
 */
@Module({
  imports: [WechatModule, BullModule.registerQueue({ name: OFFICIAL_QUEUE })],
  controllers: [OfficialPushController],
  providers: [OfficialPushes, FollowerEvents, OfficialJobsProcessor, OfficialFollowers],
  exports: [OfficialFollowers],
})
export class OfficialAccountModule {}
