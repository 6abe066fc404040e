import { Injectable } from '@nestjs/common';
import { chinaDate, type CouponRedemption, type LookupCouponRequest, type RedeemCouponRequest, type StaffCoupon } from '@wemember/shared';
import type { TillActor } from '../access/actors';
import { recordAudit } from '../audit/audit-log';
import { Clock } from '../common/clock';
import { UnitOfWork } from '../database/unit-of-work';
import { assertCanTransact, lockMember, LedgerDrift } from '../ledger/member-lock';
import { MembersRepository } from '../members/members.repository';
import { TillScope } from '../orders/till-scope';
import type { Store } from '../stores/store.entity';
import { moveCoupon } from './coupon-issuer';
import { CouponTemplates } from './coupon-templates.service';
import { staffCouponView } from './coupon-views';
import { Coupon } from './coupon.entity';
import { CouponTaken, TillCoupons } from './till-coupons';

/**
 * A clerk scans a coupon: looks it up (whose it is, whether it works here today), and redeems it on
 * its own — exactly once, keyed by the till's receipt number so a retry is answered as a replay.
 * Coupons used inside a purchase go through the purchase (OrdersUseCase) and the same TillCoupons.
 */
@Injectable()
export class CouponRedemptionUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly till: TillScope,
    private readonly coupons: TillCoupons,
    private readonly members: MembersRepository,
    private readonly templates: CouponTemplates,
    private readonly clock: Clock,
  ) {}

  async lookup(actor: TillActor, request: LookupCouponRequest): Promise<StaffCoupon> {
    const store = await this.till.storeFor(actor, request.storeId);
    const coupon = await this.coupons.find(actor, request.code, 'code');
    return this.view(coupon, store);
  }

  async redeem(actor: TillActor, request: RedeemCouponRequest): Promise<CouponRedemption> {
    const store = await this.till.storeFor(actor, request.storeId);
    const coupon = await this.coupons.find(actor, request.code, 'code');
    // A retry of this very redemption answers as the first did, whatever happened since.
    if (isRedemption(coupon, store, request.externalNo)) return this.redemption(coupon, store, true);
    const now = this.clock.now();
    const refused = await this.coupons.refusal(coupon, 'code', { store, today: chinaDate(now) });
    if (refused) throw refused;
    try {
      await this.uow.transaction(async (m) => {
        // The member's lock first, as every movement of a member's value takes it: a purchase of the
        // same member using this coupon queues here.
        const member = await lockMember(m, coupon.memberId);
        if (!member) throw new LedgerDrift(`coupon ${coupon.id} has no member`);
        assertCanTransact(member);
        if (!(await moveCoupon(m, coupon.id, 'issued', 'locked', { locked_by: null, locked_at: now }))) throw new CouponTaken(coupon.id, 'code');
        const redeemed = await moveCoupon(m, coupon.id, 'locked', 'redeemed', {
          redeemed_at: now,
          redeemed_store_id: store.id,
          redeemed_staff_id: actor.staff?.id ?? null,
          redeemed_api_key_id: actor.apiKey?.id ?? null,
          redeemed_external_no: request.externalNo,
          redeemed_order_id: null,
        });
        if (!redeemed) throw new LedgerDrift(`coupon ${coupon.id} left its lock`);
        await recordAudit(m, {
          brandId: actor.brandId,
          // A POS system has no staff account: its key stands in, and the detail says so.
          staffId: actor.staff?.id ?? actor.apiKey!.id,
          action: 'coupon.redeem',
          targetType: 'coupon',
          targetId: coupon.id,
          detail: { code: coupon.code, storeId: store.id, externalNo: request.externalNo, memberId: coupon.memberId, ...(actor.apiKey && { apiKeyId: actor.apiKey.id }) },
          at: now,
        });
      });
    } catch (error) {
      if (!(error instanceof CouponTaken)) throw error;
      // Another request took it first: the same redemption (a retry racing itself) is a replay,
      // anything else is refused with the coupon's state as it is now.
      const current = await this.coupons.reload(coupon.id);
      if (isRedemption(current, store, request.externalNo)) return this.redemption(current, store, true);
      throw await this.coupons.takenRefusal(error, current);
    }
    return this.redemption(await this.coupons.reload(coupon.id), store, false);
  }

  private async redemption(coupon: Coupon, store: Store, replayed: boolean): Promise<CouponRedemption> {
    return {
      coupon: await this.view(coupon, store),
      storeId: store.id,
      storeName: store.name,
      externalNo: coupon.redeemedExternalNo!,
      redeemedAt: coupon.redeemedAt!.toISOString(),
      replayed,
    };
  }

  /** The coupon as the till shows it, for `store` today. */
  private async view(coupon: Coupon, store: Store): Promise<StaffCoupon> {
    const [member, names] = await Promise.all([this.members.byId(coupon.brandId, coupon.memberId), this.templates.couponNames(coupon)]);
    return staffCouponView(coupon, member!, { today: chinaDate(this.clock.now()), store }, names);
  }

}

/** Whether the coupon was redeemed on its own at `store` under this receipt number. */
function isRedemption(coupon: Coupon, store: Store, externalNo: string): boolean {
  return coupon.status === 'redeemed' && coupon.redeemedOrderId === null && coupon.redeemedStoreId === store.id && coupon.redeemedExternalNo === externalNo;
}
