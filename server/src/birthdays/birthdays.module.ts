import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CouponsModule } from '../coupons/coupons.module';
import { LoyaltyModule } from '../loyalty/loyalty.module';
import { MembersModule } from '../members/members.module';
import { StoresModule } from '../stores/stores.module';
import { BirthdayCorrections } from './birthday-corrections';
import { BirthdayGifts } from './birthday-gifts';
import { BirthdaysController } from './birthdays.controller';
import { MemberDays } from './member-days.service';

/** Birthdays and member day (会员日): the yearly birthday gift, member-day status and coupons, staff correcting a birthday. */
@Module({
  imports: [AccessModule, CouponsModule, LoyaltyModule, MembersModule, StoresModule],
  controllers: [BirthdaysController],
  providers: [BirthdayGifts, BirthdayCorrections, MemberDays],
  exports: [BirthdayGifts],
})
export class BirthdaysModule {}
