import { Injectable } from '@nestjs/common';
import { isValidScene, type StoreScene as StoreSceneView, type StoreSummary } from '@wemember/shared';
import { DomainError } from '../common/domain-error';
import { MiniProgramClient } from '../wechat/mini-program.client';
import { AccessPolicy } from '../access/access-policy';
import type { StaffActor } from '../access/actors';
import { StoresRepository } from './stores.repository';

/** The mini-program page a store code opens. */
export const JOIN_PAGE = 'pages/join/index';

@Injectable()
export class StoresService {
  constructor(
    private readonly stores: StoresRepository,
    private readonly wechat: MiniProgramClient,
    private readonly policy: AccessPolicy,
  ) {}

  /** What the join page shows for the code the shopper scanned. */
  async describeScene(scene: string): Promise<StoreSceneView> {
    if (!isValidScene(scene)) throw new DomainError('SCENE_UNKNOWN');
    const found = await this.stores.activeScene(scene);
    const store = found && (await this.stores.store(found.storeId));
    if (!found || !store) throw new DomainError('SCENE_UNKNOWN');
    const staffName = found.staffId ? await this.stores.staffName(found.staffId) : null;
    return { scene, storeId: store.id, storeName: store.name, staffName, channel: found.channel };
  }

  async storesFor(actor: StaffActor): Promise<StoreSummary[]> {
    const stores = await this.stores.storesOfBrand(actor.brandId, this.policy.storeFilter(actor));
    const regions = new Map((await this.stores.regions([...new Set(stores.map((s) => s.regionId))])).map((r) => [r.id, r.name]));
    const scenes = new Map((await this.stores.counterScenes(stores.map((s) => s.id))).map((s) => [s.storeId, s.scene]));
    return stores.map((s) => ({ id: s.id, code: s.code, name: s.name, regionId: s.regionId, regionName: regions.get(s.regionId) ?? '', scene: scenes.get(s.id) ?? '' }));
  }

  /** The store's counter code as a mini-program code image, for printing. */
  async counterCodeImage(actor: StaffActor, storeId: string): Promise<Buffer> {
    const store = (await this.storesFor(actor)).find((s) => s.id === storeId);
    if (!store || !store.scene) throw new DomainError('STORE_NOT_FOUND');
    return this.wechat.unlimitedCode(store.scene, JOIN_PAGE, false);
  }
}
