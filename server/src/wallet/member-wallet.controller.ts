import { Controller } from '@nestjs/common';
import type { Wallet, WalletQuery } from '@wemember/shared';
import { CurrentMember } from '../access/actor.decorators';
import type { MemberActor } from '../access/actors';
import { Route, ValidQuery } from '../access/route.decorator';
import { MemberWallet } from './member-wallet';

/** 我的储值. */
@Controller()
export class MemberWalletController {
  constructor(private readonly wallet: MemberWallet) {}

  @Route('memberWallet')
  get(@CurrentMember() member: MemberActor, @ValidQuery() query: WalletQuery): Promise<Wallet> {
    return this.wallet.wallet(member, query);
  }
}
