import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { dbTime } from '../database/sql';

export interface AuditEntry {
  brandId: string;
  /** The staff member; for a member's own act (`member.close`, `member.takeover`), the WeChat identity that did it. */
  staffId: string;
  action: string;
  targetType: string;
  targetId: string;
  detail: Record<string, unknown>;
  at: Date;
}

/**
 * Every staff action that moves value or changes rules, and a member's closing or taking over of a
 * card, written in the same transaction as the change.
 */
export async function recordAudit(manager: EntityManager, entry: AuditEntry): Promise<void> {
  await manager.query(
    'INSERT INTO audit_log (id, brand_id, staff_id, action, target_type, target_id, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [randomUUID(), entry.brandId, entry.staffId, entry.action, entry.targetType, entry.targetId, JSON.stringify(entry.detail), dbTime(entry.at)],
  );
}
