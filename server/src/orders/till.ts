import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { ApiKey } from '@wemember/shared';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { recordAudit } from '../audit/audit-log';
import { StaffGuard } from '../auth/guards';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { dbTime, execute, fromDbTime } from '../database/sql';
import { Transactions } from '../database/transactions';
import type { StaffActor } from '../staff/staff-actor';
import type { Store } from '../stores/store.entity';
import { StoresRepository } from '../stores/stores.repository';

/** Who records at a till: a signed-in staff member, or a store's POS system with its API key. */
export type TillActor = { brandId: string; staff: StaffActor; apiKey: null } | { brandId: string; staff: null; apiKey: { id: string; storeId: string } };

const API_KEY_HEADER = 'x-api-key';
const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

interface ApiKeyRow {
  id: string;
  brand_id: string;
  store_id: string;
  label: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

const toApiKey = (row: ApiKeyRow, key?: string): ApiKey => ({
  id: row.id,
  storeId: row.store_id,
  label: row.label,
  ...(key && { key }),
  createdAt: fromDbTime(row.created_at).toISOString(),
  revokedAt: row.revoked_at ? fromDbTime(row.revoked_at).toISOString() : null,
});

/** Store API keys for POS integrations: created by HQ, shown once, kept only as a hash. */
@Injectable()
export class StoreApiKeys {
  constructor(
    private readonly db: DataSource,
    private readonly stores: StoresRepository,
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  async create(actor: StaffActor, storeId: string, label: string): Promise<ApiKey> {
    if (actor.role !== 'hq_admin') throw new DomainError('FORBIDDEN', '只有总部管理员可以创建门店接口密钥');
    const store = await this.stores.store(storeId);
    if (!store || store.brandId !== actor.brandId) throw new DomainError('STORE_NOT_FOUND');
    const id = randomUUID();
    const key = `wm_${id.replace(/-/g, '')}_${randomBytes(24).toString('base64url')}`;
    const now = this.clock.now();
    await this.transactions.run(async (m) => {
      await m.query('INSERT INTO store_api_keys (id, brand_id, store_id, label, key_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        id,
        actor.brandId,
        store.id,
        label,
        hashKey(key),
        actor.id,
        dbTime(now),
      ]);
      await recordAudit(m, { brandId: actor.brandId, staffId: actor.id, action: 'api_key.create', targetType: 'store', targetId: store.id, detail: { keyId: id, label }, at: now });
    });
    return toApiKey({ id, brand_id: actor.brandId, store_id: store.id, label, created_at: now, revoked_at: null }, key);
  }

  async revoke(actor: StaffActor, storeId: string, keyId: string): Promise<ApiKey> {
    if (actor.role !== 'hq_admin') throw new DomainError('FORBIDDEN', '只有总部管理员可以停用门店接口密钥');
    const now = this.clock.now();
    await this.transactions.run(async (m) => {
      const found = await execute(m, 'UPDATE store_api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND store_id = ? AND brand_id = ?', [
        dbTime(now),
        keyId,
        storeId,
        actor.brandId,
      ]);
      if (found !== 1) throw new DomainError('API_KEY_NOT_FOUND');
      await recordAudit(m, { brandId: actor.brandId, staffId: actor.id, action: 'api_key.revoke', targetType: 'store', targetId: storeId, detail: { keyId }, at: now });
    });
    const [row] = (await this.db.query('SELECT * FROM store_api_keys WHERE id = ?', [keyId])) as ApiKeyRow[];
    return toApiKey(row);
  }

  async verify(key: string): Promise<{ id: string; brandId: string; storeId: string }> {
    const [row] = (await this.db.query('SELECT * FROM store_api_keys WHERE key_hash = ? AND revoked_at IS NULL', [hashKey(key)])) as ApiKeyRow[];
    if (!row) throw new DomainError('API_KEY_INVALID');
    return { id: row.id, brandId: row.brand_id, storeId: row.store_id };
  }

  /**
   * The store a till operation is for. A POS key and store staff have one store; region managers
   * and HQ name it (within their scope). Marketers do not work tills.
   */
  async storeFor(actor: TillActor, requested: string | undefined): Promise<Store> {
    const staff = actor.staff;
    if (staff?.role === 'marketer') throw new DomainError('FORBIDDEN', '市场人员不能在收银台记录消费');
    const own = staff ? (staff.role === 'clerk' || staff.role === 'store_manager' ? staff.storeId : null) : actor.apiKey.storeId;
    if (own) {
      if (requested !== undefined && requested !== own) throw new DomainError('FORBIDDEN', '只能为本门店记录消费');
      const store = await this.stores.store(own);
      if (!store) throw new DomainError('STORE_NOT_FOUND');
      return store;
    }
    if (requested === undefined) throw new DomainError('STORE_REQUIRED', undefined, [{ field: 'storeId', message: '请选择门店' }]);
    const store = await this.stores.store(requested);
    const inScope = !!store && store.brandId === actor.brandId && (staff?.role === 'hq_admin' || store.regionId === staff?.regionId);
    if (!inScope) throw new DomainError('STORE_NOT_FOUND', undefined, [{ field: 'storeId', message: '门店不存在或不在您的管理范围内' }]);
    return store!;
  }

  /** Whether the actor may see or refund what happened at `store`. */
  mayActAt(actor: TillActor, store: Pick<Store, 'id' | 'brandId' | 'regionId'>): boolean {
    if (store.brandId !== actor.brandId) return false;
    if (actor.apiKey) return actor.apiKey.storeId === store.id;
    switch (actor.staff.role) {
      case 'hq_admin':
        return true;
      case 'region_manager':
        return store.regionId === actor.staff.regionId;
      case 'clerk':
      case 'store_manager':
        return store.id === actor.staff.storeId;
      case 'marketer':
        return false;
    }
  }
}

type TillRequest = FastifyRequest & { till?: TillActor };

/** A POS system's X-Api-Key, or else a staff token (as StaffGuard checks it). */
@Injectable()
export class TillGuard implements CanActivate {
  constructor(
    private readonly keys: StoreApiKeys,
    private readonly staffGuard: StaffGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<TillRequest & { staff?: StaffActor }>();
    const header = request.headers[API_KEY_HEADER];
    if (typeof header === 'string' && header.length > 0) {
      const key = await this.keys.verify(header);
      request.till = { brandId: key.brandId, staff: null, apiKey: { id: key.id, storeId: key.storeId } };
      return true;
    }
    await this.staffGuard.canActivate(context);
    request.till = { brandId: request.staff!.brandId, staff: request.staff!, apiKey: null };
    return true;
  }
}

export const CurrentTill = createParamDecorator((_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<TillRequest>().till!);
