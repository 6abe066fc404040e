import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { StoredValue } from './stored-value';

/** Stored value: recharge packages, recharging with WeChat Pay, the balance and its ledger, paying with it, refunds of unused principal, reconciliation. */
@Module({
  imports: [LedgerModule],
  providers: [StoredValue],
  exports: [StoredValue],
})
export class WalletModule {}
