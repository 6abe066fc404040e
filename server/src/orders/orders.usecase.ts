import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  birthdayBonusName,
  chinaDate,
  discountLabel,
  eligibleAmount,
  formatYuan,
  isBirthdayMonth,
  LoyaltyRuleError,
  MEMBER_NO,
  normalizeCouponCode,
  pointsExpiryDate,
  quotePurchase,
  TIER_NAMES,
  tierRule,
  timesLabel,
  type CreateOrderRequest,
  type ListOrdersQuery,
  type LoyaltyRules,
  type Order as OrderView,
  type OrderCoupon,
  type OrderQuote,
  type OrderQuoteRequest,
  type PurchaseQuote,
} from '@wemember/shared';
import { In, type EntityManager } from 'typeorm';
import type { TillActor } from '../access/actors';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { requestHash } from '../common/request-hash';
import { birthdayBonusClaimed, claimBirthdayBonus } from '../birthdays/birthday-bonus-claims';
import { CouponTaken, TillCoupons, type PurchaseCoupons } from '../coupons/till-coupons';
import { isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { LoyaltySettingsService } from '../loyalty/loyalty-settings.service';
import type { Member } from '../members/member.entity';
import { MemberCodeGate } from '../members/member-code-gate.service';
import { MemberCodeSpends, type MemberCodeSpendPurpose } from '../members/member-code-spends.service';
import { MembersRepository } from '../members/members.repository';
import { MemberGrowth } from '../loyalty/member-growth';
import { rfmPurchased } from '../loyalty/member-rfm';
import { pointsChanged } from '../notifications/notices';
import { LedgerRepository } from '../ledger/ledger.repository';
import { assertCanTransact, lockMember, type LockedMember } from '../ledger/member-lock';
import { PointsLedger } from '../points/points-ledger';
import type { Store } from '../stores/store.entity';
import { StoresRepository } from '../stores/stores.repository';
import { StoredValue } from '../wallet/stored-value';
import { Order, OrderRefund } from './order.entity';
import { tillCaller, TillScope } from './till-scope';

/** The Chinese notes of why points and prices are what they are: "金卡会员 1.5 倍", "会员日 2 倍", "会员日 9.8折". */
function earningNotes(rules: LoyaltyRules, tier: Order['tierBefore'], quote: PurchaseQuote): string[] {
  const notes: string[] = [];
  const tierPercent = tierRule(rules, tier).pointsMultiplierPercent;
  if (tierPercent !== 100) notes.push(`${TIER_NAMES[tier]} ${timesLabel(tierPercent)}`);
  if (quote.bonuses.includes('birthday_month')) notes.push(`${birthdayBonusName(rules)} ${timesLabel(rules.earning.birthdayMonthMultiplierPercent)}`);
  if (quote.bonuses.includes('member_day')) notes.push(`会员日 ${timesLabel(rules.earning.memberDay.multiplierPercent)}`);
  // The member-day discount is part of discountFen; the receipt names it on its own line.
  if (quote.memberDayDiscountFen > 0) notes.push(`会员日 ${discountLabel(rules.earning.memberDay.discountOffPercent)} 再减 ${formatYuan(quote.memberDayDiscountFen)}`);
  if (quote.eligiblePaidFen < quote.payableFen) notes.push('部分商品不参与积分');
  return notes;
}

/** What a purchase pays with from the member's value: the member code is spent once for all of it. */
function codePurposes(request: OrderQuoteRequest): MemberCodeSpendPurpose[] {
  return [...((request.pointsToRedeem ?? 0) > 0 ? (['redeem'] as const) : []), ...((request.balanceFen ?? 0) > 0 ? (['balance'] as const) : [])];
}

/** The stored-value part of a purchase: no more than is left to pay after discounts and points, nor than the member has. */
function balancePayment(quote: PurchaseQuote, request: OrderQuoteRequest, availableFen: number): number {
  const balanceFen = request.balanceFen ?? 0;
  if (balanceFen > quote.payableFen) {
    const message = `储值支付金额超过应付金额：本单应付 ${quote.payableFen} 分`;
    throw new DomainError('BALANCE_OVER_PAYABLE', message, [{ field: 'balanceFen', message }]);
  }
  if (balanceFen > availableFen) {
    const message = `储值余额不足：可用 ${availableFen} 分`;
    throw new DomainError('BALANCE_INSUFFICIENT', message, [{ field: 'balanceFen', message }]);
  }
  return balanceFen;
}

export function ruleError(error: unknown): never {
  if (error instanceof LoyaltyRuleError) throw new DomainError(error.code, error.message, [{ field: error.field, message: error.message }]);
  throw error;
}

/**
 * Purchases at the till. Everything a purchase moves — points redeemed (drawn from lots), stored
 * value paid (principal first), points earned (a new lot), growth, the tier — happens in one
 * transaction under the member's lock,
 * keyed by (store, externalNo): a replay returns the first result, a different purchase under the
 * same number is refused.
 */
@Injectable()
export class OrdersUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly members: MembersRepository,
    private readonly stores: StoresRepository,
    private readonly gate: MemberCodeGate,
    private readonly spends: MemberCodeSpends,
    private readonly settings: LoyaltySettingsService,
    private readonly till: TillScope,
    private readonly ledger: PointsLedger,
    private readonly balances: LedgerRepository,
    private readonly growth: MemberGrowth,
    private readonly coupons: TillCoupons,
    private readonly storedValue: StoredValue,
    private readonly clock: Clock,
  ) {}

  /** What the purchase would give, without recording anything (the till shows it before confirming). */
  async quote(actor: TillActor, request: OrderQuoteRequest): Promise<OrderQuote> {
    const store = await this.till.storeFor(actor, request.storeId);
    const member = await this.memberByCode(actor, request.memberCode);
    // Paying with points or stored value needs a code that has not paid yet; earning works with any live code.
    if (codePurposes(request).length > 0) await this.spends.assertUnspent(member.id, request.memberCode);
    const [rules, balance, storedValue] = await Promise.all([
      this.settings.rules(actor.brandId),
      this.balances.balance(member.id, 'points'),
      this.balances.storedValue(member.id),
    ]);
    const now = this.clock.now();
    const coupons = await this.couponsFor(actor, store, member, rules, request, now);
    const bonusClaimed = await this.birthdayBonusTaken(this.uow.reader, rules, member, now);
    const quote = this.price(rules, member, balance, request, now, coupons, bonusClaimed);
    const storedValueFen = storedValue.principalFen + storedValue.bonusFen;
    const balancePaidFen = balancePayment(quote, request, storedValueFen);
    return {
      memberNo: member.memberNo,
      tier: member.tier,
      tierName: TIER_NAMES[member.tier],
      pointsBalance: balance,
      balanceFen: storedValueFen,
      balancePaidFen,
      amountFen: request.amountFen,
      discountFen: quote.discountFen,
      couponDiscountFen: quote.couponDiscountFen,
      coupons: this.coupons.discounts(coupons, quote.couponDiscountFen),
      pointsRedeemed: quote.pointsRedeemed,
      pointsDeductFen: quote.pointsDeductFen,
      maxRedeemPoints: quote.maxRedeemPoints,
      payableFen: quote.payableFen,
      pointsEarned: quote.pointsEarned,
      growthEarned: quote.growthEarned,
      earningNotes: earningNotes(rules, member.tier, quote),
    };
  }

  async create(actor: TillActor, request: CreateOrderRequest): Promise<OrderView> {
    const store = await this.till.storeFor(actor, request.storeId);
    // The member number is the code's first 10 digits: a replay is recognised even after the code expired.
    const hash = requestHash({
      memberNo: request.memberCode.slice(0, 10),
      amountFen: request.amountFen,
      items: request.items ?? [],
      pointsToRedeem: request.pointsToRedeem ?? 0,
      // Left out of the JSON when 0 or not sent, so purchases recorded before stored value existed replay alike.
      balanceFen: request.balanceFen || undefined,
      // Left out of the JSON when not sent, so purchases recorded before receiptNo existed replay alike.
      receiptNo: request.receiptNo,
      // The coupons as stored (canonical, sorted): the same coupons typed differently are the same purchase.
      couponCodes: request.couponCodes?.length ? request.couponCodes.map((c) => normalizeCouponCode(c) ?? c).sort() : undefined,
    });
    // A replay answers first, before the code is checked as spent: the first attempt spent it.
    const earlier = await this.replay(store, request.externalNo, hash);
    if (earlier) return earlier;

    const found = await this.memberByCode(actor, request.memberCode);
    const rules = await this.settings.rules(actor.brandId);
    const now = this.clock.now();
    const coupons = await this.couponsFor(actor, store, found, rules, request, now);
    const orderId = randomUUID();
    try {
      const order = await this.uow.transaction(async (m) => {
        const member = await lockMember(m, found.id);
        if (!member) throw new DomainError('MEMBER_CODE_INVALID');
        assertCanTransact(member);
        // A code pays once: the spend commits with this purchase or not at all.
        const purposes = codePurposes(request);
        if (purposes.length > 0) await this.spends.claim(m, member, request.memberCode, purposes, `order:${orderId}`, now);
        // The coupons are held for this order before anything is priced with them: a coupon another
        // request took first fails the whole purchase here, and it rolls back with nothing moved.
        await this.coupons.lock(m, coupons, orderId, now);
        const points = await this.ledger.account(m, member);
        // Priced at the moment the purchase is recorded: one reading of the clock decides the
        // business date, member day and birthday month of everything below.
        const bonusClaimed = await this.birthdayBonusTaken(m, rules, member, now);
        const quote = this.price(rules, member, points.balance, request, now, coupons, bonusClaimed);
        // The stored-value accounts are read only by a purchase that pays from them: most do not.
        const wallet = (request.balanceFen ?? 0) > 0 ? await this.storedValue.accounts(m, member) : null;
        const balancePaidFen = balancePayment(quote, request, wallet ? StoredValue.total(wallet) : 0);
        const order: Order = Object.assign(new Order(), {
          id: orderId,
          brandId: actor.brandId,
          storeId: store.id,
          memberId: member.id,
          staffId: actor.staff?.id ?? null,
          apiKeyId: actor.apiKey?.id ?? null,
          externalNo: request.externalNo,
          receiptNo: request.receiptNo ?? null,
          requestHash: hash,
          amountFen: request.amountFen,
          discountFen: quote.discountFen,
          couponDiscountFen: quote.couponDiscountFen,
          pointsRedeemed: quote.pointsRedeemed,
          pointsDeductFen: quote.pointsDeductFen,
          payableFen: quote.payableFen,
          balancePaidFen,
          balancePrincipalFen: 0,
          balanceBonusFen: 0,
          pointsEarned: quote.pointsEarned,
          growthEarned: quote.growthEarned,
          tierBefore: member.tier,
          tierAfter: member.tier,
          earningNotes: earningNotes(rules, member.tier, quote),
          items: request.items ?? [],
          refundedFen: 0,
          status: 'completed',
          businessDate: chinaDate(now),
          createdAt: now,
        });
        // 'once_in_month': this purchase takes the year's birthday bonus when the bonus multiplied its points.
        if (rules.earning.birthdayBonusMode === 'once_in_month' && quote.bonuses.includes('birthday_month')) {
          if (!(await claimBirthdayBonus(m, { memberId: member.id, year: Number(order.businessDate.slice(0, 4)), orderId: order.id, at: now }))) {
            throw new Error(`birthday bonus of member ${member.id} taken under its lock`);
          }
        }
        const movement = { sourceType: 'order', sourceId: order.id, storeId: store.id, staffId: order.staffId, at: now };
        if (quote.pointsRedeemed > 0) {
          await this.ledger.debit(m, points, quote.pointsRedeemed, {
            ...movement,
            kind: 'redeem',
            key: `order:${order.id}:redeem`,
            reason: `${store.name} 积分抵现 ${formatYuan(quote.pointsDeductFen)}`,
          });
        }
        if (balancePaidFen > 0) {
          const drawn = await this.storedValue.spend(m, wallet!, balancePaidFen, {
            ...movement,
            key: `order:${order.id}:balance`,
            principalKind: 'pay',
            bonusKind: 'pay',
            reason: `${store.name} 消费 ${formatYuan(balancePaidFen)}`,
          });
          order.balancePrincipalFen = drawn.principalFen;
          order.balanceBonusFen = drawn.bonusFen;
        }
        if (quote.pointsEarned > 0) {
          await this.ledger.credit(
            m,
            points,
            quote.pointsEarned,
            { ...movement, kind: 'earn', key: `order:${order.id}:earn`, reason: `${store.name} 消费 ${formatYuan(quote.payableFen)}` },
            pointsExpiryDate(rules, now),
          );
        }
        await this.growth.record(m, member, order.businessDate, { purchases: 1, spendFen: quote.payableFen, growth: quote.growthEarned });
        await rfmPurchased(m, member.id, order.businessDate, quote.payableFen);
        order.tierAfter = await this.growth.settle(m, member, rules, now, `order:${order.id}`);
        await pointsChanged(m, { brandId: actor.brandId, memberId: member.id, key: `points:${order.id}`, change: quote.pointsEarned - quote.pointsRedeemed, balance: points.balance, reason: `${store.name} 消费`, at: now });
        // Nothing to read back: every column is set here.
        await m.createQueryBuilder().insert().into(Order).values(order).updateEntity(false).execute();
        await this.coupons.redeemWithOrder(m, coupons, order, quote.couponDiscountFen);
        return order;
      });
      return this.view(order, store, found, false, [], this.coupons.discounts(coupons, order.couponDiscountFen));
    } catch (error) {
      // The same externalNo at the same moment: the other request won (with the same code, its
      // spend, with the same coupons, their lock is what refused this one); answer as a replay.
      if (isUniqueViolation(error) || (error instanceof DomainError && error.code === 'MEMBER_CODE_USED') || error instanceof CouponTaken) {
        const winner = await this.replay(store, request.externalNo, hash);
        if (winner) return winner;
      }
      if (error instanceof CouponTaken) throw await this.coupons.takenRefusal(error, await this.coupons.reload(error.couponId));
      ruleError(error);
    }
  }

  async get(actor: TillActor, orderId: string): Promise<OrderView> {
    const { order, store } = await this.visibleOrder(actor, orderId);
    return this.viewStored(order, store, false);
  }

  /** A recorded order with its refunds and coupons, read back. */
  private async viewStored(order: Order, store: Store, replayed: boolean): Promise<OrderView> {
    const [member, refunds, coupons] = await Promise.all([this.members.byId(order.brandId, order.memberId), this.refundsOf([order.id]), this.coupons.ofOrders([order.id])]);
    return this.view(order, store, member!, replayed, refunds, coupons.get(order.id));
  }

  private refundsOf(orderIds: string[]): Promise<OrderRefund[]> {
    if (orderIds.length === 0) return Promise.resolve([]);
    return this.uow.reader.getRepository(OrderRefund).find({ where: { orderId: In(orderIds) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * The till's order list: one business day (Asia/Shanghai, today by default) of the stores in the
   * actor's scope, newest first, optionally searched by `q` — a receipt number (externalNo or the
   * POS's receiptNo, exact or prefix), a 10-digit member number, or the member's phone as staff see
   * it: masked (138****1234) or its last 4 digits.
   */
  async list(actor: TillActor, query: ListOrdersQuery): Promise<OrderView[]> {
    const date = query.date ?? chinaDate(this.clock.now());
    if (!isCalendarDate(date)) throw new DomainError('VALIDATION_FAILED', '日期不存在', [{ field: 'date', message: `没有 ${date} 这一天` }]);
    const qb = this.uow.reader
      .getRepository(Order)
      .createQueryBuilder('o')
      .where('o.brandId = :brandId', { brandId: actor.brandId })
      .andWhere('o.businessDate = :date', { date });
    if (query.externalNo) qb.andWhere('o.externalNo = :externalNo', { externalNo: query.externalNo });
    if (query.storeId) qb.andWhere('o.storeId = :storeId', { storeId: query.storeId });
    const scope = this.till.storeFilter(actor);
    if (scope.storeId !== undefined) qb.andWhere('o.storeId = :own', { own: scope.storeId });
    if (scope.regionId !== undefined) qb.andWhere('o.storeId IN (SELECT s.id FROM stores s WHERE s.region_id = :regionId)', { regionId: scope.regionId });
    const q = query.q?.trim();
    if (q) {
      // A receipt number always; the member's number or phone when q has that shape.
      const matches = ["o.externalNo LIKE :prefix ESCAPE '!'", "o.receiptNo LIKE :prefix ESCAPE '!'"];
      if (MEMBER_NO.test(q)) matches.push('o.memberId IN (SELECT mn.id FROM members mn WHERE mn.brand_id = :brandId AND mn.member_no = :q)');
      if (MASKED_PHONE.test(q)) matches.push('o.memberId IN (SELECT mp.id FROM members mp WHERE mp.brand_id = :brandId AND mp.phone_masked = :q)');
      if (LAST_FOUR.test(q)) matches.push('EXISTS (SELECT 1 FROM members ml WHERE ml.id = o.member_id AND ml.phone_masked LIKE :suffix)');
      qb.andWhere(`(${matches.join(' OR ')})`, { q, prefix: `${likeEscape(q)}%`, suffix: `%${q}` });
    }
    const orders = await qb.orderBy('o.createdAt', 'DESC').addOrderBy('o.id', 'DESC').limit(query.limit).getMany();
    const [refunds, stores, members, coupons] = await Promise.all([
      this.refundsOf(orders.map((o) => o.id)),
      this.stores.stores([...new Set(orders.map((o) => o.storeId))]),
      this.members.byIds(actor.brandId, [...new Set(orders.map((o) => o.memberId))]),
      this.coupons.ofOrders(orders.map((o) => o.id)),
    ]);
    const storeById = new Map(stores.map((s) => [s.id, s]));
    const memberById = new Map(members.map((m) => [m.id, m]));
    return orders.map((order) =>
      this.view(order, storeById.get(order.storeId)!, memberById.get(order.memberId)!, false, refunds.filter((r) => r.orderId === order.id), coupons.get(order.id)),
    );
  }

  /**
   * An order the actor may see. Another brand's order, or none, is "not found"; an order of this
   * brand at a store outside the actor's scope is "another store's" (403 OTHER_STORE), so the clerk
   * who scanned a receipt from a sister store knows to send the shopper there.
   */
  async visibleOrder(actor: TillActor, orderId: string): Promise<{ order: Order; store: Store }> {
    const order = await this.uow.reader.getRepository(Order).findOneBy({ id: orderId, brandId: actor.brandId });
    const store = order ? await this.stores.store(order.storeId) : null;
    if (!order || !store || store.brandId !== actor.brandId) throw new DomainError('ORDER_NOT_FOUND');
    if (!this.till.mayActAt(actor, store)) throw new DomainError('OTHER_STORE');
    return { order, store };
  }

  private async replay(store: Store, externalNo: string, hash: string): Promise<OrderView | null> {
    const order = await this.uow.reader.getRepository(Order).findOneBy({ storeId: store.id, externalNo });
    if (!order) return null;
    if (order.requestHash !== hash) throw new DomainError('ORDER_CONFLICT', `小票号 ${externalNo} 已记录过另一笔内容不同的消费`, [{ field: 'externalNo', message: '该小票号已被使用' }]);
    return this.viewStored(order, store, true);
  }

  /**
   * The member's coupons the purchase names, checked against this store, today and the eligible
   * goods' shelf price (the threshold's measure); nothing is held until the purchase is recorded.
   */
  private couponsFor(actor: TillActor, store: Store, member: Member, rules: LoyaltyRules, request: OrderQuoteRequest, now: Date): Promise<PurchaseCoupons> {
    return this.coupons.forPurchase(actor, request.couponCodes, {
      store,
      memberId: member.id,
      today: chinaDate(now),
      eligibleFen: eligibleAmount(rules, request.amountFen, request.items),
    });
  }

  private async memberByCode(actor: TillActor, code: string): Promise<Member> {
    const brandId = actor.brandId;
    try {
      const memberNo = await this.gate.verifyAtTill(tillCaller(actor), brandId, code);
      const member = await this.members.byMemberNo(brandId, memberNo);
      if (!member) throw new DomainError('MEMBER_CODE_INVALID');
      assertCanTransact(member);
      return member;
    } catch (error) {
      if (error instanceof DomainError && !error.issues && error.code.startsWith('MEMBER_CODE')) {
        throw new DomainError(error.code, error.message, [{ field: 'memberCode', message: error.message }], error.headers);
      }
      throw error;
    }
  }

  private price(
    rules: LoyaltyRules,
    member: Pick<LockedMember, 'tier' | 'birthday'>,
    balance: number,
    request: OrderQuoteRequest,
    at: Date,
    coupons: PurchaseCoupons,
    birthdayBonusClaimed: boolean,
  ): PurchaseQuote {
    try {
      return quotePurchase(rules, {
        amountFen: request.amountFen,
        items: request.items,
        pointsToRedeem: request.pointsToRedeem ?? 0,
        tier: member.tier,
        birthday: member.birthday,
        balance,
        at,
        coupon: coupons.discount,
        birthdayBonusClaimed,
      });
    } catch (error) {
      ruleError(error);
    }
  }

  /** 'once_in_month': whether a purchase of this year already took the member's birthday bonus (read only in the birthday month). */
  private async birthdayBonusTaken(m: EntityManager, rules: LoyaltyRules, member: Pick<LockedMember, 'id' | 'birthday'>, at: Date): Promise<boolean> {
    if (rules.earning.birthdayBonusMode !== 'once_in_month' || !isBirthdayMonth(member.birthday, at)) return false;
    return birthdayBonusClaimed(m, member.id, Number(chinaDate(at).slice(0, 4)));
  }

  view(
    order: Order,
    store: Pick<Store, 'id' | 'name'>,
    member: Pick<Member, 'memberNo' | 'phoneMasked'>,
    replayed: boolean,
    refunds: OrderRefund[] = [],
    coupons: OrderCoupon[] = [],
  ): OrderView {
    return {
      id: order.id,
      externalNo: order.externalNo,
      storeId: store.id,
      storeName: store.name,
      memberNo: member.memberNo,
      memberPhone: member.phoneMasked,
      amountFen: order.amountFen,
      discountFen: order.discountFen,
      couponDiscountFen: order.couponDiscountFen,
      coupons,
      pointsRedeemed: order.pointsRedeemed,
      pointsDeductFen: order.pointsDeductFen,
      payableFen: order.payableFen,
      balancePaidFen: order.balancePaidFen,
      pointsEarned: order.pointsEarned,
      growthEarned: order.growthEarned,
      tierBefore: order.tierBefore,
      tierAfter: order.tierAfter,
      tierAfterName: TIER_NAMES[order.tierAfter],
      earningNotes: order.earningNotes,
      items: order.items,
      receiptNo: order.receiptNo,
      refundedFen: order.refundedFen,
      refundedMoneyFen: refunds.reduce((sum, r) => sum + r.refundFen, 0),
      refundableFen: order.amountFen - order.refundedFen,
      refunds: refunds.map((r) => ({
        id: r.id,
        refundNo: r.refundNo,
        amountFen: r.amountFen,
        refundFen: r.refundFen,
        pointsReversed: r.pointsReversed,
        pointsReturned: r.pointsReturned,
        pointsChargedBack: r.pointsChargedBack,
        chargebackFen: r.chargebackFen,
        reason: r.reason,
        createdAt: r.createdAt.toISOString(),
      })),
      status: order.status,
      createdAt: order.createdAt.toISOString(),
      replayed,
    };
  }
}

/** The till's search shapes: a member number, a masked phone as staff see it, the phone's last 4 digits. */
const MASKED_PHONE = /^1\d{2}\*{4}\d{4}$/;
const LAST_FOUR = /^\d{4}$/;

/** `text` matched literally by LIKE … ESCAPE '!' (the same escape on MariaDB and SQLite). */
export function likeEscape(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

/** A YYYY-MM-DD that is a day of the calendar (the schema checks the shape; 2026-02-30 passes it). */
export function isCalendarDate(date: string): boolean {
  const at = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === date;
}
