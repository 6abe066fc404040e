import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { MemberWallet } from './member-wallet';
import { MemberWalletController } from './member-wallet.controller';
import { RechargePackages } from './recharge-packages';
import { RechargePackagesController } from './recharge-packages.controller';
import { StoredValue } from './stored-value';

/** Stored value: recharge packages, recharging with WeChat Pay, the balance and its ledger, paying with it, refunds of unused principal, reconciliation. */
@Module({
  imports: [LedgerModule],
  controllers: [RechargePackagesController, MemberWalletController],
  providers: [StoredValue, RechargePackages, MemberWallet],
  exports: [StoredValue, RechargePackages],
})
export class WalletModule {}
