import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  chinaDate,
  couponSummary,
  type ExchangeRequest,
  type ExchangeResult,
  type MemberExchanges,
  type PointsExchange,
  type PointsMall as PointsMallView,
} from '@wemember/shared';
import type { EntityManager } from 'typeorm';
import type { MemberActor } from '../access/actors';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { dbTime, fromDbTime, toInt } from '../database/sql';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { LedgerRepository } from '../ledger/ledger.repository';
import { assertCanTransact, lockMember } from '../ledger/member-lock';
import { PointsLedger } from '../points/points-ledger';
import { Coupon, CouponTemplate } from './coupon.entity';
import { CouponIssuer } from './coupon-issuer';
import { CouponTemplates } from './coupon-templates.service';
import { memberCouponView, offerView, tierRestrictionText } from './coupon-views';
import { MemberCoupons } from './member-coupons.service';

interface ExchangeRow {
  id: string;
  template_id: string;
  coupon_id: string;
  points: unknown;
  created_at: Date | string;
}

/**
 * The points mall: templates priced in points. An exchange is one unit of work under the member's
 * lock — the coupon issued (per-member limit and stock, as for claims), the points debited (ledger
 * key `exchange:<member>:<requestId>`), the record written (unique per member and requestId) — so
 * the member's own purchase spending points at the same moment is decided before or after it,
 * never beside it, and a retry with the same requestId answers with the first result.
 */
@Injectable()
export class PointsMall {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly templates: CouponTemplates,
    private readonly coupons: MemberCoupons,
    private readonly issuer: CouponIssuer,
    private readonly points: PointsLedger,
    private readonly balances: LedgerRepository,
    private readonly clock: Clock,
  ) {}

  async mall(actor: MemberActor): Promise<PointsMallView> {
    const member = await this.coupons.member(actor);
    const today = chinaDate(this.clock.now());
    const [templates, balance, names] = await Promise.all([
      this.uow.reader
        .getRepository(CouponTemplate)
        .createQueryBuilder('t')
        .where("t.brandId = :brandId AND t.status = 'active' AND t.pointsPrice IS NOT NULL", { brandId: actor.brandId })
        .andWhere("(t.validityKind = 'relative' OR t.validTo >= :today)", { today })
        .orderBy('t.pointsPrice', 'ASC')
        .addOrderBy('t.id', 'ASC')
        .getMany(),
      this.balances.balance(member.id, 'points'),
      this.templates.scopeNames(actor.brandId),
    ]);
    const taken = await this.coupons.takenBy(member.id, templates);
    return {
      pointsBalance: balance,
      offers: templates.map((t) => offerView(t, names, { tier: member.tier, takenByMe: taken.get(t.id) ?? 0, pointsBalance: balance })),
    };
  }

  async exchange(actor: MemberActor, templateId: string, request: ExchangeRequest): Promise<ExchangeResult> {
    const earlier = await this.replay(this.uow.reader, actor, templateId, request.requestId);
    if (earlier) return earlier;
    const template = await this.templates.template(actor.brandId, templateId);
    const price = template.pointsPrice;
    if (price === null) throw new DomainError('COUPON_NOT_EXCHANGEABLE', '该券不在积分商城兑换');
    const now = this.clock.now();
    try {
      const done = await this.uow.transaction(async (m) => {
        const member = await lockMember(m, actor.memberId);
        if (!member || member.brandId !== actor.brandId) throw new DomainError('NOT_JOINED');
        assertCanTransact(member);
        if (template.tiers.length > 0 && !template.tiers.includes(member.tier)) {
          throw new DomainError('COUPON_TIER_REQUIRED', `${tierRestrictionText(template.tiers)}兑换，您目前不能兑换`);
        }
        const exchangeId = randomUUID();
        const account = await this.points.account(m, member);
        const posted = await this.points.debit(m, account, price, {
          kind: 'exchange',
          key: `exchange:${member.id}:${request.requestId}`,
          reason: `积分兑换 ${template.name}`,
          sourceType: 'points_exchange',
          sourceId: exchangeId,
          at: now,
        });
        const coupon = await this.issuer.issue(m, template, member, { source: 'exchange', grantKey: null, countsTowardLimit: true, at: now });
        await m.query('INSERT INTO points_exchanges (id, brand_id, member_id, template_id, coupon_id, points, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          exchangeId,
          actor.brandId,
          member.id,
          template.id,
          coupon.id,
          price,
          request.requestId,
          dbTime(now),
        ]);
        return { exchange: { id: exchangeId, template_id: template.id, coupon_id: coupon.id, points: price, created_at: now }, coupon, balance: posted.balanceAfter };
      });
      const names = await this.templates.scopeNames(actor.brandId);
      return { exchange: exchangeView(done.exchange, done.coupon), coupon: memberCouponView(done.coupon, chinaDate(now), names), pointsBalance: done.balance, replayed: false };
    } catch (error) {
      // The same requestId twice at the same moment: the first one committed.
      if (isUniqueViolation(error)) {
        const winner = await this.replay(this.uow.reader, actor, templateId, request.requestId);
        if (winner) return winner;
      }
      throw error;
    }
  }

  async history(actor: MemberActor): Promise<MemberExchanges> {
    const rows = (await this.uow.reader.query(
      'SELECT id, template_id, coupon_id, points, created_at FROM points_exchanges WHERE member_id = ? ORDER BY created_at DESC, id DESC LIMIT 200',
      [actor.memberId],
    )) as ExchangeRow[];
    const coupons = await this.couponsOf(this.uow.reader, rows);
    return { exchanges: rows.map((r) => exchangeView(r, coupons.get(r.coupon_id)!)) };
  }

  /** The earlier exchange under this requestId, as its answer; another template under it is a conflict. */
  private async replay(m: EntityManager, actor: MemberActor, templateId: string, requestId: string): Promise<ExchangeResult | null> {
    const [row] = (await m.query('SELECT id, template_id, coupon_id, points, created_at FROM points_exchanges WHERE member_id = ? AND request_id = ?', [
      actor.memberId,
      requestId,
    ])) as ExchangeRow[];
    if (!row) return null;
    if (row.template_id !== templateId) {
      throw new DomainError('EXCHANGE_CONFLICT', undefined, [{ field: 'requestId', message: '该 requestId 已用于兑换另一张券' }]);
    }
    const coupon = (await this.couponsOf(m, [row])).get(row.coupon_id)!;
    const [balance, names] = await Promise.all([this.balances.balance(actor.memberId, 'points'), this.templates.scopeNames(actor.brandId)]);
    return { exchange: exchangeView(row, coupon), coupon: memberCouponView(coupon, chinaDate(this.clock.now()), names), pointsBalance: balance, replayed: true };
  }

  private async couponsOf(m: EntityManager, rows: Pick<ExchangeRow, 'coupon_id'>[]): Promise<Map<string, Coupon>> {
    if (rows.length === 0) return new Map();
    const found = await m.getRepository(Coupon).createQueryBuilder('c').whereInIds(rows.map((r) => r.coupon_id)).getMany();
    return new Map(found.map((c) => [c.id, c]));
  }
}

function exchangeView(row: ExchangeRow, coupon: Coupon): PointsExchange {
  return {
    id: row.id,
    templateId: row.template_id,
    name: coupon.name,
    summary: couponSummary(coupon),
    points: toInt(row.points),
    couponId: row.coupon_id,
    couponStatus: coupon.status,
    createdAt: fromDbTime(row.created_at).toISOString(),
  };
}
