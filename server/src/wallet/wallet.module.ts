import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { LedgerModule } from '../ledger/ledger.module';
import { WechatModule } from '../wechat/wechat.module';
import { WechatPayClient } from '../wechat-pay/wechat-pay.client';
import { MemberWallet } from './member-wallet';
import { MemberWalletController } from './member-wallet.controller';
import { PayNotifications } from './pay-notifications';
import { RechargeOrders } from './recharge-orders';
import { RechargeOrdersController } from './recharge-orders.controller';
import { RechargePackages } from './recharge-packages';
import { RechargePackagesController } from './recharge-packages.controller';
import { RechargeRefunds } from './recharge-refunds';
import { StoredValue } from './stored-value';
import { WalletJobs, WalletJobsProcessor } from './wallet-jobs';
import { WALLET_QUEUE } from './wallet-queue';
import { WalletReconciliationService } from './wallet-reconciliation';

/** Stored value: recharge packages, recharging with WeChat Pay, the balance and its ledger, paying with it, refunds of unused principal, reconciliation. */
@Module({
  imports: [LedgerModule, AccessModule, WechatModule, BullModule.registerQueue({ name: WALLET_QUEUE })],
  controllers: [RechargePackagesController, MemberWalletController, RechargeOrdersController],
  providers: [
    StoredValue,
    RechargePackages,
    MemberWallet,
    WechatPayClient,
    RechargeOrders,
    RechargeRefunds,
    PayNotifications,
    WalletReconciliationService,
    WalletJobs,
    WalletJobsProcessor,
  ],
  exports: [StoredValue, RechargePackages],
})
export class WalletModule {}
