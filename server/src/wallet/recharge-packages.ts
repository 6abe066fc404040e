import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  chinaDate,
  rechargeLabel,
  type CreateRechargePackageRequest,
  type RechargeOffer,
  type RechargeOffers,
  type RechargePackage as PackageView,
  type UpdateRechargePackageRequest,
} from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import type { MemberActor, StaffActor } from '../access/actors';
import { recordAudit } from '../audit/audit-log';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { execute, forUpdate, toInt, upsertAdd } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { LedgerRepository } from '../ledger/ledger.repository';
import { RechargePackage } from './recharge-package.entity';

export function packageView(p: RechargePackage): PackageView {
  return {
    id: p.id,
    name: p.name,
    payFen: p.payFen,
    bonusFen: p.bonusFen,
    label: rechargeLabel(p.payFen, p.bonusFen),
    validFrom: p.validFrom,
    validTo: p.validTo,
    perMemberLimit: p.perMemberLimit,
    description: p.description,
    status: p.status,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** The columns a create or an update sets, from the request. */
export function packageColumns(request: CreateRechargePackageRequest) {
  return {
    name: request.name,
    payFen: request.payFen,
    bonusFen: request.bonusFen,
    validFrom: request.validFrom ?? null,
    validTo: request.validTo ?? null,
    perMemberLimit: request.perMemberLimit ?? null,
    description: request.description || null,
  };
}

/** Why a package cannot be bought on `today` (paused, not yet, over), or null when it can. */
function offeredProblem(p: RechargePackage, today: string): string | null {
  if (p.status !== 'active') return '该套餐已下架';
  if (p.validFrom && today < p.validFrom) return `该套餐 ${p.validFrom} 起可购买`;
  if (p.validTo && today > p.validTo) return `该套餐已于 ${p.validTo} 结束`;
  return null;
}

/**
 * Recharge packages: HQ admins design them (every create and update audited), members see the ones
 * on offer today with how many more times they may buy each, and the recharge orders (the payment
 * module) load one with `offered` and take one of its per-member times with `claim` in the order's
 * unit of work.
 */
@Injectable()
export class RechargePackages {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ledger: LedgerRepository,
    private readonly clock: Clock,
  ) {}

  /** A package of the brand, or 404. */
  async package(brandId: string, id: string, m: EntityManager = this.uow.reader): Promise<RechargePackage> {
    const found = await m.getRepository(RechargePackage).findOneBy({ id, brandId });
    if (!found) throw new DomainError('RECHARGE_PACKAGE_NOT_FOUND', undefined, [{ field: 'packageId', message: '未找到该充值套餐' }]);
    return found;
  }

  /** A package the brand offers at `at` (active, within its dates), or 404 / RECHARGE_PACKAGE_UNAVAILABLE naming packageId. */
  async offered(m: EntityManager, brandId: string, id: string, at: Date): Promise<RechargePackage> {
    const found = await this.package(brandId, id, m);
    const problem = offeredProblem(found, chinaDate(at));
    if (problem) throw new DomainError('RECHARGE_PACKAGE_UNAVAILABLE', problem, [{ field: 'packageId', message: problem }]);
    return found;
  }

  /**
   * Takes one of the member's times of the package, in the caller's unit of work: a conditional
   * UPDATE (`taken < limit`) whose count is checked, so concurrent orders cannot buy past the limit;
   * RECHARGE_LIMIT_REACHED when none is left. Unlimited packages count too (no condition). If the
   * unit of work fails later, the time comes back with the rollback.
   */
  async claim(m: EntityManager, p: RechargePackage, member: { id: string; brandId: string }): Promise<void> {
    await upsertAdd(m, 'recharge_holdings', { package_id: p.id, member_id: member.id }, { brand_id: member.brandId, taken: 0 }, ['taken']);
    const limited = p.perMemberLimit !== null;
    const taken = await execute(m, `UPDATE recharge_holdings SET taken = taken + 1 WHERE package_id = ? AND member_id = ?${limited ? ' AND taken < ?' : ''}`, [
      p.id,
      member.id,
      ...(limited ? [p.perMemberLimit] : []),
    ]);
    if (taken !== 1) {
      const message = `该套餐每人限购 ${p.perMemberLimit} 次，您已购满`;
      throw new DomainError('RECHARGE_LIMIT_REACHED', message, [{ field: 'packageId', message }]);
    }
  }

  /**
   * Gives a time back when an order closes unpaid. Call it only in the unit of work whose checked
   * status UPDATE (→ closed) succeeded, so each order releases at most once; never below zero.
   */
  async release(m: EntityManager, packageId: string, memberId: string): Promise<void> {
    await execute(m, 'UPDATE recharge_holdings SET taken = taken - 1 WHERE package_id = ? AND member_id = ? AND taken > 0', [packageId, memberId]);
  }

  async create(actor: StaffActor, request: CreateRechargePackageRequest): Promise<PackageView> {
    const now = this.clock.now();
    this.checkNotEnded(request, chinaDate(now));
    const created: RechargePackage = Object.assign(new RechargePackage(), {
      id: randomUUID(),
      brandId: actor.brandId,
      ...packageColumns(request),
      status: 'active' as const,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    });
    await this.uow.transaction(async (m) => {
      await m.createQueryBuilder().insert().into(RechargePackage).values(created).updateEntity(false).execute();
      await recordAudit(m, {
        brandId: actor.brandId,
        staffId: actor.id,
        action: 'recharge_package.create',
        targetType: 'recharge_package',
        targetId: created.id,
        detail: { ...request },
        at: now,
      });
    });
    return packageView(created);
  }

  async list(actor: StaffActor): Promise<PackageView[]> {
    const found = await this.uow.reader.getRepository(RechargePackage).find({ where: { brandId: actor.brandId }, order: { createdAt: 'DESC', id: 'DESC' } });
    return found.map(packageView);
  }

  /** New terms and status; orders already created keep the amounts they copied. */
  async update(actor: StaffActor, id: string, request: UpdateRechargePackageRequest): Promise<PackageView> {
    const now = this.clock.now();
    const { status, ...fields } = request;
    if (status === 'active') this.checkNotEnded(fields, chinaDate(now));
    const updated = await this.uow.transaction(async (m) => {
      // Locked, so the audit's "before" is what this update replaced.
      await m.query(`SELECT id FROM recharge_packages WHERE id = ? AND brand_id = ?${forUpdate(m)}`, [id, actor.brandId]);
      const before = await this.package(actor.brandId, id, m);
      await m
        .createQueryBuilder()
        .update(RechargePackage)
        .set({ ...packageColumns(fields), status, updatedAt: now })
        .where('id = :id', { id })
        .execute();
      await recordAudit(m, {
        brandId: actor.brandId,
        staffId: actor.id,
        action: 'recharge_package.update',
        targetType: 'recharge_package',
        targetId: id,
        detail: { before: packageView(before), after: request },
        at: now,
      });
      return this.package(actor.brandId, id, m);
    });
    return packageView(updated);
  }

  /** The packages on offer to the member today, cheapest first, with the times left and the balance. */
  async offers(actor: MemberActor): Promise<RechargeOffers> {
    const today = chinaDate(this.clock.now());
    const [found, holdings, balance] = await Promise.all([
      this.uow.reader.getRepository(RechargePackage).find({ where: { brandId: actor.brandId, status: 'active' }, order: { payFen: 'ASC', id: 'ASC' } }),
      this.uow.reader.query('SELECT package_id, taken FROM recharge_holdings WHERE member_id = ?', [actor.memberId]) as Promise<{ package_id: string; taken: unknown }[]>,
      this.ledger.storedValue(actor.memberId),
    ]);
    const taken = new Map(holdings.map((h) => [h.package_id, toInt(h.taken)]));
    const packages = found
      .filter((p) => offeredProblem(p, today) === null)
      .map((p): RechargeOffer => {
        const timesLeft = p.perMemberLimit === null ? null : Math.max(0, p.perMemberLimit - (taken.get(p.id) ?? 0));
        const { id, name, payFen, bonusFen, label, validTo, perMemberLimit, description } = packageView(p);
        return {
          id,
          name,
          payFen,
          bonusFen,
          label,
          validTo,
          perMemberLimit,
          description,
          timesLeft,
          available: timesLeft !== 0,
          unavailableReason: timesLeft === 0 ? `每人限购 ${p.perMemberLimit} 次，您已购满` : null,
        };
      });
    return { balanceFen: balance.principalFen + balance.bonusFen, packages };
  }

  /** A package cannot be put on offer with its last day already past. */
  private checkNotEnded(request: { validTo?: string }, today: string): void {
    if (request.validTo && request.validTo < today) {
      const message = `结束日期 ${request.validTo} 已过，请设置今天或以后的日期`;
      throw new DomainError('VALIDATION_FAILED', message, [{ field: 'validTo', message }]);
    }
  }
}
