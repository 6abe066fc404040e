import { Controller, Param } from '@nestjs/common';
import type { ApiKey, CreateApiKeyRequest } from '@wemember/shared';
import { CurrentStaff } from '../access/actor.decorators';
import type { StaffActor } from '../access/actors';
import { Route, ValidBody } from '../access/route.decorator';
import { StoreApiKeys } from './store-api-keys';

/** HQ issues and revokes the keys stores' POS systems call the till with. */
@Controller()
export class ApiKeysController {
  constructor(private readonly keys: StoreApiKeys) {}

  @Route('staffCreateApiKey')
  create(@CurrentStaff() staff: StaffActor, @Param('storeId') storeId: string, @ValidBody() body: CreateApiKeyRequest): Promise<ApiKey> {
    return this.keys.create(staff, storeId, body.label);
  }

  @Route('staffRevokeApiKey')
  revoke(@CurrentStaff() staff: StaffActor, @Param('storeId') storeId: string, @Param('keyId') keyId: string): Promise<ApiKey> {
    return this.keys.revoke(staff, storeId, keyId);
  }
}
