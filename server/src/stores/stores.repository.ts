import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { Region } from './region.entity';
import { StoreScene } from './store-scene.entity';
import { Store } from './store.entity';

@Injectable()
export class StoresRepository {
  constructor(private readonly uow: UnitOfWork) {}

  activeScene(scene: string): Promise<StoreScene | null> {
    return this.uow.reader.getRepository(StoreScene).findOneBy({ scene, active: true });
  }

  store(id: string): Promise<Store | null> {
    return this.uow.reader.getRepository(Store).findOneBy({ id });
  }

  stores(ids: string[]): Promise<Store[]> {
    return ids.length ? this.uow.reader.getRepository(Store).findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  region(id: string): Promise<Region | null> {
    return this.uow.reader.getRepository(Region).findOneBy({ id });
  }

  storesOfBrand(brandId: string, filter: { regionId?: string; storeId?: string } = {}): Promise<Store[]> {
    // The filter speaks of a store's id as `storeId`; on the Store entity it is `id`.
    const where = {
      brandId,
      ...(filter.storeId !== undefined && { id: filter.storeId }),
      ...(filter.regionId !== undefined && { regionId: filter.regionId }),
    };
    return this.uow.reader.getRepository(Store).find({ where, order: { code: 'ASC' } });
  }

  /** The display name of the staff member a store code is attributed to. */
  async staffName(staffId: string): Promise<string | null> {
    const [row] = (await this.uow.reader.query('SELECT display_name FROM staff WHERE id = ?', [staffId])) as { display_name: string }[];
    return row?.display_name ?? null;
  }

  regionsOfBrand(brandId: string): Promise<Region[]> {
    return this.uow.reader.getRepository(Region).find({ where: { brandId }, order: { name: 'ASC' } });
  }

  regions(ids: string[]): Promise<Region[]> {
    return ids.length ? this.uow.reader.getRepository(Region).findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  /** The store's own counter code (no staff attached). */
  counterScenes(storeIds: string[]): Promise<StoreScene[]> {
    return storeIds.length
      ? this.uow.reader.getRepository(StoreScene).find({ where: { storeId: In(storeIds), channel: 'counter', active: true }, order: { createdAt: 'ASC' } })
      : Promise.resolve([]);
  }
}
