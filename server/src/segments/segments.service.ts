import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  chinaDate,
  segmentFilterSchema,
  type CreateSegmentRequest,
  type FieldIssue,
  type LifecycleStage,
  type Segment,
  type SegmentFilter,
  type SegmentPreview,
  type SegmentWithCount,
  type TierCode,
  type UpdateSegmentRequest,
} from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import type { StaffActor } from '../access/actors';
import { recordAudit } from '../audit/audit-log';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { dbTime, execute, fromDbTime, toInt } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { compileSegment, type CompiledSegment } from './segment-sql';

interface SegmentRow {
  id: string;
  name: string;
  filter: string;
  version: string | number;
  created_at: Date | string;
  updated_at: Date | string;
  updated_by: string | null;
}

const SAMPLE_SIZE = 10;
/** The most member ids one keyset page of `segmentMembers` returns. */
export const MAX_SEGMENT_PAGE = 5000;

function segmentView(row: SegmentRow): Segment {
  return {
    id: row.id,
    name: row.name,
    filter: segmentFilterSchema.parse(JSON.parse(row.filter)),
    version: toInt(row.version),
    createdAt: fromDbTime(row.created_at).toISOString(),
    updatedAt: fromDbTime(row.updated_at).toISOString(),
    updatedBy: row.updated_by,
  };
}

/**
 * Audiences: filters over the brand's members (docs/domain.md, "Audiences") counted live for the
 * builder, saved as versioned segments (HQ admins and marketers, brand-wide), and streamed in
 * keyset pages of member ids for the campaign engine, which materialises a segment when it runs.
 */
@Injectable()
export class SegmentsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The count and the first 10 matches in id order (the index's order, so the sample stops after 10 rows). */
  async preview(actor: StaffActor, filter: SegmentFilter): Promise<SegmentPreview> {
    await this.checkScope(actor.brandId, filter);
    const compiled = this.compile(actor.brandId, filter);
    const rows = (await this.uow.reader.query(
      `SELECT m.member_no, m.phone_masked, m.tier, r.stage ${compiled.from} ORDER BY m.id LIMIT ${SAMPLE_SIZE}`,
      compiled.params,
    )) as { member_no: string; phone_masked: string; tier: TierCode; stage: LifecycleStage | null }[];
    return {
      count: await this.count(compiled),
      sample: rows.map((r) => ({ memberNo: r.member_no, phoneMasked: r.phone_masked, tier: r.tier, stage: r.stage ?? null })),
    };
  }

  /**
   * The ids of the members matching `filter` now, after `afterMemberId` (null: from the start) in id
   * order, at most `limit`: the campaign engine pages through an audience with the last id of each
   * page, in constant memory, and a member who joins or leaves between pages is simply met or not.
   */
  async segmentMembers(brandId: string, filter: SegmentFilter, afterMemberId: string | null, limit: number): Promise<string[]> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`segmentMembers: limit must be a positive integer, not ${limit}`);
    const page = Math.min(MAX_SEGMENT_PAGE, limit);
    const compiled = this.compile(brandId, filter);
    const after = afterMemberId === null ? '' : ' AND m.id > ?';
    const rows = (await this.uow.reader.query(`SELECT m.id ${compiled.from}${after} ORDER BY m.id LIMIT ${page}`, [
      ...compiled.params,
      ...(afterMemberId === null ? [] : [afterMemberId]),
    ])) as { id: string }[];
    return rows.map((r) => r.id);
  }

  async create(actor: StaffActor, request: CreateSegmentRequest): Promise<Segment> {
    await this.checkScope(actor.brandId, request.filter);
    const id = randomUUID();
    const at = dbTime(this.clock.now());
    await this.uow.transaction(async (m) => {
      await m.query('INSERT INTO segments (id, brand_id, name, filter, version, created_by, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)', [
        id,
        actor.brandId,
        request.name,
        JSON.stringify(request.filter),
        actor.id,
        at,
        at,
        actor.id,
      ]);
      await recordAudit(m, {
        brandId: actor.brandId,
        staffId: actor.id,
        action: 'segment.create',
        targetType: 'segment',
        targetId: id,
        detail: { name: request.name, filter: request.filter },
        at: this.clock.now(),
      });
    });
    return segmentView(await this.row(this.uow.reader, actor.brandId, id));
  }

  async list(actor: StaffActor): Promise<Segment[]> {
    const rows = (await this.uow.reader.query(
      'SELECT id, name, filter, version, created_at, updated_at, updated_by FROM segments WHERE brand_id = ? ORDER BY created_at DESC, id',
      [actor.brandId],
    )) as SegmentRow[];
    return rows.map(segmentView);
  }

  /** The segment with how many members match it now (another brand's is not found). */
  async get(actor: StaffActor, id: string): Promise<SegmentWithCount> {
    const segment = segmentView(await this.row(this.uow.reader, actor.brandId, id));
    return { ...segment, count: await this.count(this.compile(actor.brandId, segment.filter)) };
  }

  /** Saves over the version the editor read (409 SEGMENT_CONFLICT when another save came first); audited with before and after. */
  async update(actor: StaffActor, id: string, request: UpdateSegmentRequest): Promise<Segment> {
    const before = segmentView(await this.row(this.uow.reader, actor.brandId, id));
    await this.checkScope(actor.brandId, request.filter);
    const now = this.clock.now();
    await this.uow.transaction(async (m) => {
      const changed = await execute(
        m,
        'UPDATE segments SET name = ?, filter = ?, version = version + 1, updated_at = ?, updated_by = ? WHERE id = ? AND brand_id = ? AND version = ?',
        [request.name, JSON.stringify(request.filter), dbTime(now), actor.id, id, actor.brandId, request.version],
      );
      if (changed !== 1) throw new DomainError('SEGMENT_CONFLICT');
      await recordAudit(m, {
        brandId: actor.brandId,
        staffId: actor.id,
        action: 'segment.update',
        targetType: 'segment',
        targetId: id,
        detail: { fromVersion: request.version, before: { name: before.name, filter: before.filter }, after: { name: request.name, filter: request.filter } },
        at: now,
      });
    });
    return segmentView(await this.row(this.uow.reader, actor.brandId, id));
  }

  private compile(brandId: string, filter: SegmentFilter): CompiledSegment {
    return compileSegment(filter, { brandId, today: chinaDate(this.clock.now()), oaAppid: this.config.officialAccount?.appid ?? null });
  }

  private async count(compiled: CompiledSegment): Promise<number> {
    const [row] = (await this.uow.reader.query(`SELECT COUNT(*) AS n ${compiled.from}`, compiled.params)) as { n: unknown }[];
    return toInt(row.n);
  }

  private async row(reader: EntityManager, brandId: string, id: string): Promise<SegmentRow> {
    const [row] = (await reader.query('SELECT id, name, filter, version, created_at, updated_at, updated_by FROM segments WHERE id = ? AND brand_id = ?', [
      id,
      brandId,
    ])) as SegmentRow[];
    if (!row) throw new DomainError('SEGMENT_NOT_FOUND');
    return row;
  }

  /** Stores and regions named must be the brand's: 400 naming each `filter.storeIds.N` / `filter.regionIds.N` that is not. */
  private async checkScope(brandId: string, filter: SegmentFilter): Promise<void> {
    const issues: FieldIssue[] = [];
    const check = async (table: 'stores' | 'regions', field: string, what: string, ids: string[] | undefined) => {
      if (!ids || ids.length === 0) return;
      const found = (await this.uow.reader.query(`SELECT id FROM ${table} WHERE brand_id = ? AND id IN (${ids.map(() => '?').join(', ')})`, [brandId, ...ids])) as {
        id: string;
      }[];
      const known = new Set(found.map((r) => r.id));
      ids.forEach((id, i) => {
        if (!known.has(id)) issues.push({ field: `filter.${field}.${i}`, message: `${what} ${id} 不存在` });
      });
    };
    await check('stores', 'storeIds', '门店', filter.storeIds);
    await check('regions', 'regionIds', '区域', filter.regionIds);
    if (issues.length > 0) throw new DomainError('VALIDATION_FAILED', issues.map((i) => i.message).join('；'), issues);
  }
}
