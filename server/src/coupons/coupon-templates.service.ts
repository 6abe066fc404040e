import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  chinaDate,
  type CouponTemplate as TemplateView,
  type CreateCouponTemplateRequest,
  type FieldIssue,
  type ListCouponTemplatesQuery,
  type UpdateCouponTemplateRequest,
} from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import type { StaffActor } from '../access/actors';
import { recordAudit } from '../audit/audit-log';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { forUpdate } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { StoresRepository } from '../stores/stores.repository';
import { Coupon, CouponTemplate } from './coupon.entity';
import { templateView, type RedeemedBy, type ScopeNames } from './coupon-views';

/** The columns a create or an update sets, from the request. */
export function templateColumns(request: CreateCouponTemplateRequest) {
  const v = request.validity;
  return {
    name: request.name,
    description: request.description ?? null,
    type: request.type,
    valueFen: request.valueFen ?? null,
    percentOff: request.percentOff ?? null,
    capFen: request.capFen ?? null,
    thresholdFen: request.thresholdFen ?? 0,
    giftName: request.giftName ?? null,
    stock: request.stock,
    perMemberLimit: request.perMemberLimit,
    validityKind: v.kind,
    validFrom: v.kind === 'fixed' ? v.from : null,
    validTo: v.kind === 'fixed' ? v.to : null,
    validDays: v.kind === 'relative' ? v.days : null,
    claimable: request.claimable,
    pointsPrice: request.pointsPrice ?? null,
    storeIds: [...new Set(request.storeIds ?? [])],
    regionIds: [...new Set(request.regionIds ?? [])],
    tiers: [...new Set(request.tiers ?? [])],
  };
}

/**
 * Coupon templates, designed by HQ admins and marketers. A template holds the terms and the stock;
 * issuing copies the terms onto each coupon (CouponIssuer), so an edit here reaches only coupons
 * issued after it. Every create and update is audited with what changed.
 */
@Injectable()
export class CouponTemplates {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly stores: StoresRepository,
    private readonly clock: Clock,
  ) {}

  /** The brand's store and region names, for "仅限 …" and the redeemed-at store. */
  async scopeNames(brandId: string): Promise<ScopeNames> {
    const [stores, regions] = await Promise.all([this.stores.storesOfBrand(brandId), this.stores.regionsOfBrand(brandId)]);
    return { stores: new Map(stores.map((s) => [s.id, s.name])), regions: new Map(regions.map((r) => [r.id, r.name])) };
  }

  /** The names a coupon's staff view and the till's refusals show: the brand's stores and regions, and who redeemed it. */
  async couponNames(coupon: Coupon): Promise<ScopeNames & RedeemedBy> {
    const [names, staffName] = await Promise.all([this.scopeNames(coupon.brandId), coupon.redeemedStaffId ? this.stores.staffName(coupon.redeemedStaffId) : null]);
    return { ...names, staffNames: new Map(coupon.redeemedStaffId && staffName ? [[coupon.redeemedStaffId, staffName]] : []) };
  }

  /** A template of the brand, or 404. */
  async template(brandId: string, id: string, m: EntityManager = this.uow.reader): Promise<CouponTemplate> {
    const template = await m.getRepository(CouponTemplate).findOneBy({ id, brandId });
    if (!template) throw new DomainError('COUPON_TEMPLATE_NOT_FOUND');
    return template;
  }

  async create(actor: StaffActor, request: CreateCouponTemplateRequest): Promise<TemplateView> {
    const now = this.clock.now();
    const names = await this.scopeNames(actor.brandId);
    this.checkScope(request, names);
    if (request.validity.kind === 'fixed' && request.validity.to < chinaDate(now)) {
      const message = `结束日期 ${request.validity.to} 已过，请设置今天或以后的日期`;
      throw new DomainError('COUPON_TEMPLATE_ENDED', message, [{ field: 'validity.to', message }]);
    }
    const template: CouponTemplate = Object.assign(new CouponTemplate(), {
      id: randomUUID(),
      brandId: actor.brandId,
      ...templateColumns(request),
      issued: 0,
      status: 'active' as const,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    });
    await this.uow.transaction(async (m) => {
      await m.createQueryBuilder().insert().into(CouponTemplate).values(template).updateEntity(false).execute();
      await recordAudit(m, {
        brandId: actor.brandId,
        staffId: actor.id,
        action: 'coupon_template.create',
        targetType: 'coupon_template',
        targetId: template.id,
        detail: { ...request },
        at: now,
      });
    });
    return templateView(template, names);
  }

  async list(actor: StaffActor, query: ListCouponTemplatesQuery): Promise<TemplateView[]> {
    const [templates, names] = await Promise.all([
      this.uow.reader.getRepository(CouponTemplate).find({
        where: { brandId: actor.brandId, ...(query.status && { status: query.status }) },
        order: { createdAt: 'DESC', id: 'DESC' },
        take: query.limit,
      }),
      this.scopeNames(actor.brandId),
    ]);
    return templates.map((t) => templateView(t, names));
  }

  async get(actor: StaffActor, id: string): Promise<TemplateView> {
    const [template, names] = await Promise.all([this.template(actor.brandId, id), this.scopeNames(actor.brandId)]);
    return templateView(template, names);
  }

  /**
   * A new version of the terms, stock and status. The stock may not go below what was issued — the
   * UPDATE says so in its WHERE, so a claim committing meanwhile cannot slip under it — and an
   * ended template stays ended.
   */
  async update(actor: StaffActor, id: string, request: UpdateCouponTemplateRequest): Promise<TemplateView> {
    const now = this.clock.now();
    const names = await this.scopeNames(actor.brandId);
    this.checkScope(request, names);
    const { status, ...fields } = request;
    const columns = templateColumns(fields);
    const updated = await this.uow.transaction(async (m) => {
      // Locked, so the audit's "before" is what this update replaced.
      await m.query(`SELECT id FROM coupon_templates WHERE id = ? AND brand_id = ?${forUpdate(m)}`, [id, actor.brandId]);
      const before = await this.template(actor.brandId, id, m);
      if (before.status === 'ended' && status !== 'ended') {
        const message = '已结束的券不能重新发放，请新建一个券模板';
        throw new DomainError('COUPON_TEMPLATE_ENDED', message, [{ field: 'status', message }]);
      }
      const result = await m
        .createQueryBuilder()
        .update(CouponTemplate)
        .set({ ...columns, status, updatedAt: now })
        .where('id = :id AND issued <= :stock', { id, stock: columns.stock })
        .execute();
      if ((result.affected ?? 0) !== 1) {
        const message = `已发放 ${before.issued} 张，库存不能少于 ${before.issued}`;
        throw new DomainError('COUPON_STOCK_BELOW_ISSUED', message, [{ field: 'stock', message }]);
      }
      await recordAudit(m, {
        brandId: actor.brandId,
        staffId: actor.id,
        action: 'coupon_template.update',
        targetType: 'coupon_template',
        targetId: id,
        detail: { before: templateView(before, names), after: request },
        at: now,
      });
      return this.template(actor.brandId, id, m);
    });
    return templateView(updated, names);
  }

  /** Every listed store and region must be the brand's: `storeIds.1` names the one that is not. */
  private checkScope(request: Pick<CreateCouponTemplateRequest, 'storeIds' | 'regionIds'>, names: ScopeNames): void {
    const issues: FieldIssue[] = [];
    (request.storeIds ?? []).forEach((storeId, i) => {
      if (!names.stores.has(storeId)) issues.push({ field: `storeIds.${i}`, message: `门店 ${storeId} 不存在` });
    });
    (request.regionIds ?? []).forEach((regionId, i) => {
      if (!names.regions.has(regionId)) issues.push({ field: `regionIds.${i}`, message: `区域 ${regionId} 不存在` });
    });
    if (issues.length > 0) throw new DomainError('VALIDATION_FAILED', issues.map((i) => i.message).join('；'), issues);
  }
}
