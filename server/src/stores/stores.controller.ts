import { Controller, Param, StreamableFile } from '@nestjs/common';
import type { StoreScene, StoreSummary } from '@wemember/shared';
import { CurrentStaff } from '../access/actor.decorators';
import type { StaffActor } from '../access/actors';
import { Route } from '../access/route.decorator';
import { StoresService } from './stores.service';

@Controller()
export class StoresController {
  constructor(private readonly stores: StoresService) {}

  @Route('storeScene')
  scene(@Param('scene') scene: string): Promise<StoreScene> {
    return this.stores.describeScene(scene);
  }

  @Route('staffStores')
  list(@CurrentStaff() staff: StaffActor): Promise<StoreSummary[]> {
    return this.stores.storesFor(staff);
  }

  /** The printable mini-program code of a store's counter. */
  @Route('staffStoreCode')
  async wxacode(@CurrentStaff() staff: StaffActor, @Param('id') id: string): Promise<StreamableFile> {
    return new StreamableFile(await this.stores.counterCodeImage(staff, id));
  }
}
