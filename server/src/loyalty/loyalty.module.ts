import { Module } from '@nestjs/common';
import { LoyaltyController } from './loyalty.controller';
import { LoyaltySettingsService } from './loyalty-settings.service';
import { MemberGrowth } from './member-growth';
import { RfmScoring } from './rfm-scoring';

/** The brand's loyalty rules, each member's growth and tier under them, and the nightly RFM scoring. */
@Module({ controllers: [LoyaltyController], providers: [LoyaltySettingsService, MemberGrowth, RfmScoring], exports: [LoyaltySettingsService, MemberGrowth, RfmScoring] })
export class LoyaltyModule {}
