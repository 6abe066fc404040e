import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import type { TillActor } from '../access/actors';
import { DomainError } from '../common/domain-error';
import type { Store } from '../stores/store.entity';
import { StoresRepository } from '../stores/stores.repository';

/** Who is at the till, as rate limits count it: `staff:<id>` or `pos:<key id>`. */
export function tillCaller(actor: TillActor): string {
  return actor.apiKey ? `pos:${actor.apiKey.id}` : `staff:${actor.staff.id}`;
}

/** Which store a till operation is for, decided by the access policy. */
@Injectable()
export class TillScope {
  constructor(
    private readonly stores: StoresRepository,
    private readonly policy: AccessPolicy,
  ) {}

  /**
   * A POS key and store staff record at their own store (naming another is refused); region
   * managers and HQ name the store, which must be within their scope.
   */
  async storeFor(actor: TillActor, requested: string | undefined): Promise<Store> {
    const own = this.policy.ownTillStore(actor);
    if (own) {
      if (requested !== undefined && requested !== own) throw new DomainError('FORBIDDEN', '只能为本门店记录消费');
      const store = await this.stores.store(own);
      if (!store) throw new DomainError('STORE_NOT_FOUND');
      return store;
    }
    if (requested === undefined) throw new DomainError('STORE_REQUIRED', undefined, [{ field: 'storeId', message: '请选择门店' }]);
    const store = await this.stores.store(requested);
    if (!store || !this.policy.mayActAt(actor, store, 'till')) {
      throw new DomainError('STORE_NOT_FOUND', undefined, [{ field: 'storeId', message: '门店不存在或不在您的管理范围内' }]);
    }
    return store;
  }

  /** Whether the actor may see or refund what happened at `store`. */
  mayActAt(actor: TillActor, store: Pick<Store, 'id' | 'brandId' | 'regionId'>): boolean {
    return this.policy.mayActAt(actor, store, 'till');
  }

  /** The order list's filter: the stores of the actor's till scope. */
  storeFilter(actor: TillActor): { storeId?: string; regionId?: string } {
    return this.policy.storeFilter(actor, 'till');
  }
}
