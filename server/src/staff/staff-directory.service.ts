import { Injectable } from '@nestjs/common';
import { STAFF_ROLE_NAMES, type StaffProfile } from '@wemember/shared';
import { UnitOfWork } from '../database/unit-of-work';
import { DomainError } from '../common/domain-error';
import { StoresRepository } from '../stores/stores.repository';
import type { StaffActor } from '../access/actors';
import { Staff } from './staff.entity';

@Injectable()
export class StaffDirectory {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly stores: StoresRepository,
  ) {}

  byUsername(username: string): Promise<Staff | null> {
    return this.uow.reader.getRepository(Staff).findOneBy({ username });
  }

  byId(id: string): Promise<Staff | null> {
    return this.uow.reader.getRepository(Staff).findOneBy({ id });
  }

  /** The staff member behind a token, if still active. */
  async actor(staffId: string): Promise<StaffActor> {
    const staff = await this.byId(staffId);
    if (!staff) throw new DomainError('TOKEN_INVALID');
    if (!staff.active) throw new DomainError('STAFF_DISABLED');
    return toActor(staff);
  }

  async profile(actor: StaffActor): Promise<StaffProfile> {
    const store = actor.storeId ? await this.stores.store(actor.storeId) : null;
    const region = actor.regionId ? await this.stores.region(actor.regionId) : null;
    return {
      id: actor.id,
      username: actor.username,
      displayName: actor.displayName,
      role: actor.role,
      roleName: STAFF_ROLE_NAMES[actor.role],
      storeId: actor.storeId,
      storeName: store?.name ?? null,
      regionId: actor.regionId,
      regionName: region?.name ?? null,
    };
  }
}

export function toActor(staff: Staff): StaffActor {
  return {
    id: staff.id,
    brandId: staff.brandId,
    username: staff.username,
    displayName: staff.displayName,
    role: staff.role,
    storeId: staff.storeId,
    regionId: staff.regionId,
  };
}
