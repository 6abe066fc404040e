import { Controller, Get, Header, Param, StreamableFile, UseGuards } from '@nestjs/common';
import { CurrentStaff, StaffGuard } from '../auth/guards';
import type { StaffActor } from '../staff/staff-actor';
import { StoresService } from './stores.service';

@Controller()
export class StoresController {
  constructor(private readonly stores: StoresService) {}

  @Get('stores/scene/:scene')
  scene(@Param('scene') scene: string) {
    return this.stores.describeScene(scene);
  }

  @Get('staff/stores')
  @UseGuards(StaffGuard)
  list(@CurrentStaff() staff: StaffActor) {
    return this.stores.storesFor(staff);
  }

  /** The printable mini-program code of a store's counter. */
  @Get('staff/stores/:id/wxacode')
  @UseGuards(StaffGuard)
  @Header('Content-Type', 'image/jpeg')
  async wxacode(@CurrentStaff() staff: StaffActor, @Param('id') id: string) {
    return new StreamableFile(await this.stores.counterCodeImage(staff, id));
  }
}
