import { Injectable } from '@nestjs/common';
import { chinaDate, type GrantCouponRequest, type RevokeCouponRequest, type StaffCoupon } from '@wemember/shared';
import type { StaffActor } from '../access/actors';
import { recordAudit } from '../audit/audit-log';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { UnitOfWork } from '../database/unit-of-work';
import { assertCanTransact } from '../ledger/member-lock';
import { MembersRepository } from '../members/members.repository';
import { Coupon } from './coupon.entity';
import { moveCoupon } from './coupon-issuer';
import { CouponGrants } from './coupon-grants';
import { CouponTemplates } from './coupon-templates.service';
import { staffCouponView } from './coupon-views';

/** What a marketer does to one member's coupons: give one (keyed by requestId) or revoke one. Both audited. */
@Injectable()
export class StaffCoupons {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly templates: CouponTemplates,
    private readonly grants: CouponGrants,
    private readonly members: MembersRepository,
    private readonly clock: Clock,
  ) {}

  /** 201 for a new coupon, 200 for the replay of the same requestId. */
  async grant(actor: StaffActor, templateId: string, request: GrantCouponRequest): Promise<{ coupon: StaffCoupon; replayed: boolean }> {
    const now = this.clock.now();
    const template = await this.templates.template(actor.brandId, templateId);
    const member = await this.members.byId(actor.brandId, request.memberId);
    if (!member) throw new DomainError('MEMBER_NOT_FOUND', undefined, [{ field: 'memberId', message: '未找到该会员' }]);
    const granted = await this.grants.grant(
      { template, member, key: `staff:${actor.brandId}:${request.requestId}`, source: 'grant', at: now },
      {
        check: assertCanTransact,
        done: (m, coupon) =>
          recordAudit(m, {
            brandId: actor.brandId,
            staffId: actor.id,
            action: 'coupon.grant',
            targetType: 'coupon',
            targetId: coupon.id,
            detail: { templateId, memberId: member.id, requestId: request.requestId, note: request.note ?? null },
            at: now,
          }),
      },
    );
    return { coupon: await this.view(actor, granted.coupon), replayed: granted.replayed };
  }

  /** issued → revoked, with the reason kept; a used or ended coupon says what became of it. Revoking twice is a no-op. */
  async revoke(actor: StaffActor, couponId: string, request: RevokeCouponRequest): Promise<StaffCoupon> {
    const now = this.clock.now();
    const coupon = await this.coupon(actor, couponId);
    await this.uow.transaction(async (m) => {
      if (await moveCoupon(m, coupon.id, 'issued', 'revoked', { ended_at: now, revoke_reason: request.reason })) {
        await recordAudit(m, {
          brandId: actor.brandId,
          staffId: actor.id,
          action: 'coupon.revoke',
          targetType: 'coupon',
          targetId: coupon.id,
          detail: { memberId: coupon.memberId, templateId: coupon.templateId, reason: request.reason },
          at: now,
        });
        return;
      }
      const [row] = (await m.query('SELECT status FROM coupons WHERE id = ?', [coupon.id])) as { status: Coupon['status'] }[];
      if (row.status === 'redeemed') throw new DomainError('COUPON_ALREADY_REDEEMED', '该券已核销，不能作废');
      if (row.status === 'locked') throw new DomainError('COUPON_IN_USE', '该券正在收银中使用，不能作废');
      if (row.status === 'expired') throw new DomainError('COUPON_EXPIRED', '该券已过期，无需作废');
    });
    return this.view(actor, await this.coupon(actor, couponId));
  }

  private async coupon(actor: StaffActor, couponId: string): Promise<Coupon> {
    const coupon = await this.uow.reader.getRepository(Coupon).findOneBy({ id: couponId, brandId: actor.brandId });
    if (!coupon) throw new DomainError('COUPON_NOT_FOUND', '未找到该券');
    return coupon;
  }

  private async view(actor: StaffActor, coupon: Coupon): Promise<StaffCoupon> {
    const [member, names] = await Promise.all([this.members.byId(actor.brandId, coupon.memberId), this.templates.couponNames(coupon)]);
    return staffCouponView(coupon, member!, { today: chinaDate(this.clock.now()) }, names);
  }
}
