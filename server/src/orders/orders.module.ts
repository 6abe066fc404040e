import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CouponsModule } from '../coupons/coupons.module';
import { LedgerModule } from '../ledger/ledger.module';
import { LoyaltyModule } from '../loyalty/loyalty.module';
import { MembersModule } from '../members/members.module';
import { PointsModule } from '../points/points.module';
import { StoresModule } from '../stores/stores.module';
import { WalletModule } from '../wallet/wallet.module';
import { ApiKeysController } from './api-keys.controller';
import { MemberOrdersController } from './member-orders.controller';
import { MemberOrdersUseCase } from './member-orders.usecase';
import { OrdersController } from './orders.controller';
import { OrdersUseCase } from './orders.usecase';
import { RefundsUseCase } from './refunds.usecase';
import { StoreApiKeys } from './store-api-keys';
import { TillScope } from './till-scope';

/** The till: purchases and refunds, the API keys stores' POS systems record them with, and the member's e-receipts. */
@Module({
  imports: [AccessModule, CouponsModule, LedgerModule, LoyaltyModule, MembersModule, PointsModule, StoresModule, WalletModule],
  controllers: [OrdersController, ApiKeysController, MemberOrdersController],
  providers: [OrdersUseCase, RefundsUseCase, MemberOrdersUseCase, StoreApiKeys, TillScope],
  exports: [StoreApiKeys],
})
export class OrdersModule {}
