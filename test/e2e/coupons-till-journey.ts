import type { MemberCoupons, MemberOrders, Order } from '@wemember/shared';
import { formatCouponCode } from '@wemember/shared';
import { TestStack } from '../support/stack';
import { aReceiptNo, TestTill } from '../support/till';
import { TillCouponsDriver } from '../support/till-coupons';

/** Tuesday 2 June 2026, 10:00 in Shanghai: no member day. */
const TUESDAY = '2026-06-02T02:00:00Z';

/**
 * The till's side of coupons with the exact figures of the default rules (no member discount for a
 * new member, 1 point per yuan): a coupon redeemed on its own once, a retry replayed, a second
 * redemption refused with who, where and when; a 满100减20 in a purchase; a full refund giving it
 * back. Shared by the MariaDB and the SQLite runs.
 */
export function describeCouponTillJourney(database: 'mysql' | 'sqlite'): void {
  describe(`coupons at the till (${database})`, () => {
    let stack: TestStack;
    let till: TestTill;
    let coupons: TillCouponsDriver;

    beforeAll(async () => {
      stack = await TestStack.start({ database });
      stack.clock.travelTo(TUESDAY);
      till = await TestTill.open(stack);
      coupons = await TillCouponsDriver.open(stack, till);
    });
    beforeEach(() => stack.clock.travelTo(TUESDAY));
    afterEach(async () => {
      expect((await till.reconcile()).mismatches).toEqual([]);
    });
    afterAll(() => stack?.close());

    it('redeems a scanned coupon once: a retry is a replay, a second redemption says when, where and by whom', async () => {
      const template = await coupons.template({ name: '到店领抽纸', type: 'gift', giftName: '抽纸一提', valueFen: undefined, thresholdFen: undefined });
      const member = await till.newMember();
      const coupon = await coupons.claim(member, template.id);

      // The clerk types the printed code in lower case with its spaces: it is the same code.
      const typed = coupon.codeDisplay.toLowerCase();
      const looked = await coupons.lookup(typed);
      expect(looked.status).toBe(200);
      expect(looked.body).toMatchObject({
        id: coupon.id,
        codeDisplay: coupon.codeDisplay,
        summary: '赠 抽纸一提',
        status: 'issued',
        memberNo: member.memberNo,
        usableHere: true,
        problem: null,
        redeemedAt: null,
        redeemedBy: null,
      });
      expect(looked.body.memberPhone).toMatch(/^1\d{2}\*{4}\d{4}$/);

      const redeemed = await coupons.redeem(typed, 'V-0001');
      expect(redeemed.status).toBe(200);
      expect(redeemed.body).toMatchObject({
        storeName: '杭州西湖店',
        externalNo: 'V-0001',
        replayed: false,
        coupon: { id: coupon.id, status: 'redeemed', usableHere: false, redeemedStoreName: '杭州西湖店', redeemedBy: '西湖店店员小陈', redeemedOrderId: null },
      });

      // The till retries (the answer was lost): the first redemption's answer again, nothing new.
      stack.clock.advance(60_000);
      const retried = await coupons.redeem(coupon.code, 'V-0001');
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ replayed: true, redeemedAt: redeemed.body.redeemedAt, externalNo: 'V-0001' });

      // The store manager scans it again for another receipt: refused, and told who took it.
      const manager = await stack.staffToken('manager');
      const again = await coupons.redeem(coupon.code, 'V-0002', manager);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('COUPON_ALREADY_REDEEMED');
      expect(again.body.message).toBe('该券已于 6月2日 10:00 在 杭州西湖店 核销（店员 西湖店店员小陈）');
      expect(again.body.issues).toEqual([{ field: 'code', message: again.body.message }]);

      const after = await coupons.lookup(coupon.code, manager);
      expect(after.body).toMatchObject({ status: 'redeemed', usableHere: false, problem: again.body.message, redeemedBy: '西湖店店员小陈' });

      // One redemption, audited once; the member sees it under 已使用.
      const [audit] = await stack.db.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'coupon.redeem' AND target_id = ?", [coupon.id]);
      expect(Number(audit.n)).toBe(1);
      const used = await stack.api<MemberCoupons>('GET', '/member/coupons?status=used', { token: member.token });
      expect(used.body.coupons.map((c) => [c.id, c.tab, c.redeemedStoreName])).toEqual([[coupon.id, 'used', '杭州西湖店']]);
    });

    it('a 满100减20 in a purchase: priced by the shared rules, redeemed with it, shown on the order and the e-receipt', async () => {
      const cash = await coupons.template({ name: '满100减20' });
      const gift = await coupons.template({ name: '满额赠抽纸', type: 'gift', giftName: '抽纸一提', valueFen: undefined, thresholdFen: undefined });
      const member = await till.newMember();
      const coupon = await coupons.claim(member, cash.id);
      const present = await coupons.claim(member, gift.id);

      const quote = await coupons.quote(member, { amountFen: 12_000, couponCodes: [coupon.codeDisplay, present.code] });
      expect(quote.status).toBe(200);
      expect(quote.body).toMatchObject({ amountFen: 12_000, discountFen: 0, couponDiscountFen: 2_000, payableFen: 10_000, pointsEarned: 100, growthEarned: 100 });
      expect(quote.body.coupons).toEqual([
        { couponId: coupon.id, codeDisplay: coupon.codeDisplay, name: '满100减20', summary: '满100减20', type: 'cash', giftName: null, discountFen: 2_000 },
        { couponId: present.id, codeDisplay: present.codeDisplay, name: '满额赠抽纸', summary: '赠 抽纸一提', type: 'gift', giftName: '抽纸一提', discountFen: 0 },
      ]);
      // A quote holds nothing.
      expect(await coupons.status(coupon.id)).toBe('issued');

      const externalNo = aReceiptNo();
      const bought = await till.buy(member, { amountFen: 12_000, externalNo, couponCodes: [coupon.codeDisplay, present.code] });
      expect(bought.status).toBe(201);
      const order: Order = bought.body;
      expect(order).toMatchObject({ couponDiscountFen: 2_000, payableFen: 10_000, pointsEarned: 100, growthEarned: 100 });
      expect(order.coupons).toEqual(quote.body.coupons);
      for (const c of [coupon, present]) {
        expect(await coupons.row(c.id)).toEqual({ status: 'redeemed', redeemed_order_id: order.id, redeemed_external_no: externalNo, redeemed_store_id: stack.store('HZ001').id });
      }
      expect(await till.points(member)).toBe(100);

      // The same receipt again is a replay (the coupons in another spelling are the same coupons);
      // the same receipt with other coupons is another purchase under a used number.
      const replay = await till.buy(member, { amountFen: 12_000, externalNo, couponCodes: [present.codeDisplay.toLowerCase(), coupon.code] });
      expect(replay.status).toBe(200);
      expect(replay.body).toMatchObject({ id: order.id, replayed: true, coupons: order.coupons });
      const conflict = await till.buy(member, { amountFen: 12_000, externalNo, couponCodes: [coupon.code] });
      expect(conflict.status).toBe(409);
      expect(conflict.body.code).toBe('ORDER_CONFLICT');

      const seen = await stack.api<Order>('GET', `/staff/orders/${order.id}`, { token: till.clerkToken });
      expect(seen.body).toMatchObject({ couponDiscountFen: 2_000, coupons: order.coupons });
      const listed = await stack.api<Order[]>('GET', `/staff/orders?q=${externalNo}`, { token: till.clerkToken });
      expect(listed.body.map((o) => o.coupons)).toEqual([order.coupons]);
      const receipts = await stack.api<MemberOrders>('GET', '/member/orders', { token: member.token });
      expect(receipts.body.orders[0]).toMatchObject({ id: order.id, couponDiscountFen: 2_000, payableFen: 10_000, coupons: order.coupons });

      // Used in a purchase, the coupon cannot be scanned again at the counter.
      const scanned = await coupons.redeem(coupon.code, 'V-late');
      expect(scanned.status).toBe(409);
      expect(scanned.body.message).toBe('该券已于 6月2日 10:00 在 杭州西湖店 核销（店员 西湖店店员小陈）');
    });

    it('a partial refund keeps the coupons; the refund that completes it gives back those still valid, usable again', async () => {
      const cash = await coupons.template({ name: '满100减20' });
      const member = await till.newMember();
      const coupon = await coupons.claim(member, cash.id);
      const order = await till.bought(member, { amountFen: 12_000, couponCodes: [coupon.code] });

      // Half the goods back: half of what was paid, pro rata; the coupon stays used.
      const half = await till.refund(order.id, { amountFen: 6_000 });
      expect(half.status).toBe(201);
      expect(half.body).toMatchObject({ refundFen: 5_000, pointsReversed: 50, couponsReturned: 0 });
      expect(await coupons.status(coupon.id)).toBe('redeemed');

      const rest = await till.refund(order.id, { amountFen: 6_000 });
      expect(rest.status).toBe(201);
      expect(rest.body).toMatchObject({ refundFen: 5_000, orderRefundableFen: 0, couponsReturned: 1 });
      // Its replay says the same.
      const replay = await till.refund(order.id, { amountFen: 6_000, refundNo: rest.body.refundNo });
      expect(replay.body).toMatchObject({ replayed: true, couponsReturned: 1 });
      expect(await coupons.row(coupon.id)).toEqual({ status: 'issued', redeemed_order_id: null, redeemed_external_no: null, redeemed_store_id: null });
      const [line] = await stack.db.query('SELECT returned_at FROM order_coupons WHERE order_id = ? AND coupon_id = ?', [order.id, coupon.id]);
      expect(line.returned_at).not.toBeNull();

      const usable = await stack.api<MemberCoupons>('GET', '/member/coupons?status=usable', { token: member.token });
      expect(usable.body.coupons.map((c) => c.id)).toContain(coupon.id);
      expect((await coupons.lookup(coupon.code)).body).toMatchObject({ status: 'issued', usableHere: true });
      // The refunded order still shows what it used.
      const seen = await stack.api<Order>('GET', `/staff/orders/${order.id}`, { token: till.clerkToken });
      expect(seen.body).toMatchObject({ status: 'refunded', couponDiscountFen: 2_000, coupons: [{ couponId: coupon.id, discountFen: 2_000 }] });

      // And it works again, once.
      const again = await till.bought(member, { amountFen: 10_000, couponCodes: [coupon.code] });
      expect(again).toMatchObject({ couponDiscountFen: 2_000, payableFen: 8_000 });
      expect(await coupons.row(coupon.id)).toMatchObject({ status: 'redeemed', redeemed_order_id: again.id });
    });

    it('a full refund after the coupon ran out leaves it used', async () => {
      const oneDay = await coupons.template({ name: '当日满100减20', validity: { kind: 'relative', days: 1 } });
      const member = await till.newMember();
      const coupon = await coupons.claim(member, oneDay.id);
      const order = await till.bought(member, { amountFen: 12_000, couponCodes: [coupon.code] });
      stack.clock.advance(24 * 3600 * 1000);
      const refund = await till.refund(order.id, { amountFen: 12_000 });
      expect([refund.status, refund.body.couponsReturned]).toEqual([201, 0]);
      expect(await coupons.status(coupon.id)).toBe('redeemed');
      const [line] = await stack.db.query('SELECT returned_at FROM order_coupons WHERE order_id = ?', [order.id]);
      expect(line.returned_at).toBeNull();
    });

    it('a percent coupon takes its share after the member discount, within its cap', async () => {
      const percent = await coupons.template({ name: '85折券', type: 'percent', percentOff: 15, capFen: 3_000, valueFen: undefined, thresholdFen: 5_000 });
      const member = await till.newMember();
      // Silver (2 % off) from 1000 growth: ¥1000 of purchases.
      await till.bought(member, { amountFen: 100_000 });
      const coupon = await coupons.claim(member, percent.id);
      // ¥300 of goods: 2 % member discount → ¥294; 15 % of that is ¥44.10, capped at ¥30.
      const order = await till.bought(member, { amountFen: 30_000, couponCodes: [formatCouponCode(coupon.code)] });
      expect(order).toMatchObject({ tierBefore: 'silver', discountFen: 600, couponDiscountFen: 3_000, payableFen: 26_400 });
      // ¥100 of goods: ¥98 after the member discount; 15 % is ¥14.70, under the cap.
      const second = await coupons.claim(member, percent.id);
      const small = await till.bought(member, { amountFen: 10_000, couponCodes: [second.code] });
      expect(small).toMatchObject({ discountFen: 200, couponDiscountFen: 1_470, payableFen: 8_330 });
    });
  });
}
