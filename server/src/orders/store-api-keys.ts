import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ApiKey } from '@wemember/shared';
import { recordAudit } from '../audit/audit-log';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { dbTime, execute, fromDbTime } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import type { StaffActor } from '../access/actors';
import { StoresRepository } from '../stores/stores.repository';

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
    private readonly stores: StoresRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async create(actor: StaffActor, storeId: string, label: string): Promise<ApiKey> {
    const store = await this.stores.store(storeId);
    if (!store || store.brandId !== actor.brandId) throw new DomainError('STORE_NOT_FOUND');
    const id = randomUUID();
    const key = `wm_${id.replace(/-/g, '')}_${randomBytes(24).toString('base64url')}`;
    const now = this.clock.now();
    await this.uow.transaction(async (m) => {
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
    const now = this.clock.now();
    await this.uow.transaction(async (m) => {
      const found = await execute(m, 'UPDATE store_api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND store_id = ? AND brand_id = ?', [
        dbTime(now),
        keyId,
        storeId,
        actor.brandId,
      ]);
      if (found !== 1) throw new DomainError('API_KEY_NOT_FOUND');
      await recordAudit(m, { brandId: actor.brandId, staffId: actor.id, action: 'api_key.revoke', targetType: 'store', targetId: storeId, detail: { keyId }, at: now });
    });
    const [row] = (await this.uow.reader.query('SELECT * FROM store_api_keys WHERE id = ?', [keyId])) as ApiKeyRow[];
    return toApiKey(row);
  }

  async verify(key: string): Promise<{ id: string; brandId: string; storeId: string }> {
    const [row] = (await this.uow.reader.query('SELECT * FROM store_api_keys WHERE key_hash = ? AND revoked_at IS NULL', [hashKey(key)])) as ApiKeyRow[];
    if (!row) throw new DomainError('API_KEY_INVALID');
    return { id: row.id, brandId: row.brand_id, storeId: row.store_id };
  }
}
