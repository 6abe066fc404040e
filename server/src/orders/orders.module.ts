import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { LedgerModule } from '../ledger/ledger.module';
import { LoyaltyModule } from '../loyalty/loyalty.module';
import { MembersModule } from '../members/members.module';
import { PointsModule } from '../points/points.module';
import { StoresModule } from '../stores/stores.module';
import { ApiKeysController } from './api-keys.controller';
import { OrdersController } from './orders.controller';
import { OrdersUseCase } from './orders.usecase';
import { RefundsUseCase } from './refunds.usecase';
import { StoreApiKeys } from './store-api-keys';
import { TillScope } from './till-scope';

/** The till: purchases and refunds, and the API keys stores' POS systems record them with. */
@Module({
  imports: [AccessModule, LedgerModule, LoyaltyModule, MembersModule, PointsModule, StoresModule],
  controllers: [OrdersController, ApiKeysController],
  providers: [OrdersUseCase, RefundsUseCase, StoreApiKeys, TillScope],
  exports: [StoreApiKeys],
})
export class OrdersModule {}
