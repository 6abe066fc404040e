import { Module } from '@nestjs/common';
import { LoyaltyController } from './loyalty.controller';
import { LoyaltySettingsService } from './loyalty-settings.service';
import { MemberGrowth } from './member-growth';

/** The brand's loyalty rules, and each member's growth and tier under them. */
@Module({ controllers: [LoyaltyController], providers: [LoyaltySettingsService, MemberGrowth], exports: [LoyaltySettingsService, MemberGrowth] })
export class LoyaltyModule {}
