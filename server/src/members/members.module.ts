import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { BrandsModule } from '../brands/brands.module';
import { LedgerModule } from '../ledger/ledger.module';
import { LoyaltyModule } from '../loyalty/loyalty.module';
import { StoresModule } from '../stores/stores.module';
import { WechatModule } from '../wechat/wechat.module';
import { MemberCardService } from './member-card.service';
import { MemberCentreController } from './member-centre.controller';
import { MemberCentre } from './member-centre.service';
import { MemberCodeGate } from './member-code-gate.service';
import { MemberCodeSpends } from './member-code-spends.service';
import { MemberCodes } from './member-code.service';
import { MemberJoin } from './member-join.usecase';
import { MemberLookup } from './member-lookup.service';
import { MemberRfmController, MemberRfmView } from './member-rfm.controller';
import { MembersController } from './members.controller';
import { MembersRepository } from './members.repository';
import { PhoneVault } from './phone-vault.service';

/** Members: joining by phone, the card and its dynamic code, the member centre (我的), staff finding a member and reading its RFM. */
@Module({
  imports: [AccessModule, BrandsModule, LedgerModule, LoyaltyModule, StoresModule, WechatModule],
  controllers: [MembersController, MemberCentreController, MemberRfmController],
  providers: [MembersRepository, MemberCardService, MemberCentre, MemberCodes, MemberCodeGate, MemberCodeSpends, MemberJoin, MemberLookup, MemberRfmView, PhoneVault],
  exports: [MembersRepository, MemberCardService, MemberCodes, MemberCodeGate, MemberCodeSpends, MemberJoin, PhoneVault],
})
export class MembersModule {}
