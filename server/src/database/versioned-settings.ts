import type { EntityManager } from 'typeorm';
import type { StaffActor } from '../access/actors';
import { recordAudit } from '../audit/audit-log';
import { DomainError } from '../common/domain-error';
import { dbTime, execute, fromDbTime, toInt } from './sql';
import { isUniqueViolation, type UnitOfWork } from './unit-of-work';

/** The tables holding one JSON settings document per brand with a version (brand_id, settings, version, updated_at, updated_by). */
export type SettingsTable = 'gift_settings' | 'checkin_settings' | 'message_settings' | 'rfm_settings';

export interface Versioned {
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

interface SettingsRow {
  settings: string;
  version: string | number;
  updated_at: Date | string | null;
  updated_by: string | null;
}

/** A brand's settings of `table`, parsed by `parse`; `fallback` (version 0) until the brand saves its own. */
export async function readVersioned<T>(reader: EntityManager, table: SettingsTable, brandId: string, parse: (json: unknown) => T, fallback: T): Promise<T & Versioned> {
  const [row] = (await reader.query(`SELECT settings, version, updated_at, updated_by FROM ${table} WHERE brand_id = ?`, [brandId])) as SettingsRow[];
  if (!row) return { ...fallback, version: 0, updatedAt: null, updatedBy: null };
  return {
    ...parse(JSON.parse(row.settings)),
    version: toInt(row.version),
    updatedAt: row.updated_at ? fromDbTime(row.updated_at).toISOString() : null,
    updatedBy: row.updated_by,
  };
}

/**
 * Saves `body` over the version the editor read (0: the brand's first save), so two editors saving
 * at once cannot overwrite each other (409 SETTINGS_CONFLICT); audited as `action` with before and after.
 */
export async function saveVersioned(
  uow: UnitOfWork,
  table: SettingsTable,
  actor: StaffActor,
  save: { version: number; body: object; before: object; action: string; at: Date },
): Promise<void> {
  const { version, body, before, action, at } = save;
  const settings = JSON.stringify(body);
  try {
    await uow.transaction(async (m) => {
      const changed =
        version === 0
          ? await execute(m, `INSERT INTO ${table} (brand_id, settings, version, updated_at, updated_by) VALUES (?, ?, 1, ?, ?)`, [actor.brandId, settings, dbTime(at), actor.id])
          : await execute(m, `UPDATE ${table} SET settings = ?, version = version + 1, updated_at = ?, updated_by = ? WHERE brand_id = ? AND version = ?`, [
              settings,
              dbTime(at),
              actor.id,
              actor.brandId,
              version,
            ]);
      if (changed !== 1) throw new DomainError('SETTINGS_CONFLICT');
      await recordAudit(m, { brandId: actor.brandId, staffId: actor.id, action, targetType: 'brand', targetId: actor.brandId, detail: { fromVersion: version, before, after: body }, at });
    });
  } catch (error) {
    // Two first saves at once: the other INSERT won.
    if (isUniqueViolation(error)) throw new DomainError('SETTINGS_CONFLICT');
    throw error;
  }
}
