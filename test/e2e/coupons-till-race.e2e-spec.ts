import { TestStack } from '../support/stack';
import { aReceiptNo, POINT_ENTRIES, TestTill } from '../support/till';
import { TillCouponsDriver } from '../support/till-coupons';

const TUESDAY = '2026-06-02T02:00:00Z';

/**
 * One coupon, many tills at once, on MariaDB over real connections: the conditional UPDATE lets
 * exactly one request take it; every other one — a counter redemption or a purchase using it — is
 * told it is already redeemed, by whom, where and when, and leaves nothing behind.
 */
describe('one coupon redeemed by 50 concurrent requests (mysql)', () => {
  let stack: TestStack;
  let till: TestTill;
  let coupons: TillCouponsDriver;

  beforeAll(async () => {
    stack = await TestStack.start();
    stack.clock.travelTo(TUESDAY);
    till = await TestTill.open(stack);
    coupons = await TillCouponsDriver.open(stack, till);
  });
  afterEach(async () => {
    expect((await till.reconcile()).mismatches).toEqual([]);
  });
  afterAll(() => stack?.close());

  it('mixed counter redemptions and purchases: exactly one wins, the others are refused with who/where/when and record nothing', async () => {
    const template = await coupons.template({ name: '满100减20' });
    const member = await till.newMember();
    const coupon = await coupons.claim(member, template.id);
    const tokens = [till.clerkToken, await stack.staffToken('manager')];
    const memberCode = await till.code(member.token);
    const before = { orders: await till.count('orders'), audit: await till.count('audit_log') };

    const requests = Array.from({ length: 50 }, (_, i) => {
      const token = tokens[i % 2];
      if (i % 2 === 0) return stack.api('POST', '/staff/coupons/redeem', { token, body: { code: coupon.code, externalNo: `V-${i}` } });
      return stack.api('POST', '/staff/orders', { token, body: { memberCode, amountFen: 12_000, externalNo: aReceiptNo(), couponCodes: [coupon.codeDisplay] } });
    });
    const results = await Promise.all(requests);

    const won = results.filter((r) => r.status === 200 || r.status === 201);
    expect(won).toHaveLength(1);
    const lost = results.filter((r) => r !== won[0]);
    expect(lost.map((r) => [r.status, r.body.code])).toEqual(lost.map(() => [409, 'COUPON_ALREADY_REDEEMED']));
    const who = won[0].status === 201 ? null : won[0].body.coupon.redeemedBy;
    for (const r of lost) {
      expect(r.body.message).toMatch(/^该券已于 6月2日 10:0\d 在 杭州西湖店 核销（店员 (西湖店店员小陈|西湖店店长李娜)）$/);
      if (who) expect(r.body.message).toContain(who);
    }

    // The coupon is redeemed once, by the winner; only the winner left rows behind.
    const row = await coupons.row(coupon.id);
    expect(row.status).toBe('redeemed');
    const wonPurchase = won[0].status === 201;
    expect(row.redeemed_order_id).toBe(wonPurchase ? won[0].body.id : null);
    expect(await till.count('orders')).toBe(before.orders + (wonPurchase ? 1 : 0));
    const [lines] = await stack.db.query('SELECT COUNT(*) AS n FROM order_coupons WHERE coupon_id = ?', [coupon.id]);
    expect(Number(lines.n)).toBe(wonPurchase ? 1 : 0);
    const [redemptions] = await stack.db.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'coupon.redeem' AND target_id = ?", [coupon.id]);
    expect(Number(redemptions.n)).toBe(wonPurchase ? 0 : 1);
    // No points moved for a purchase that lost: the member holds what the winner earned, if anything.
    const [points] = await stack.db.query(`SELECT COUNT(*) AS n, COALESCE(SUM(delta), 0) AS total FROM ${POINT_ENTRIES} l WHERE l.member_id = ?`, [member.memberId]);
    expect([Number(points.n), Number(points.total)]).toEqual(wonPurchase ? [1, 100] : [0, 0]);
    expect(await till.points(member)).toBe(wonPurchase ? 100 : 0);
  });

  it('the same redemption sent 20 times at once (a till retrying): one redemption, every answer the same', async () => {
    const template = await coupons.template({ name: '到店礼', type: 'gift', giftName: '环保袋', valueFen: undefined, thresholdFen: undefined });
    const member = await till.newMember();
    const coupon = await coupons.claim(member, template.id);
    const results = await Promise.all(Array.from({ length: 20 }, () => coupons.redeem(coupon.code, 'V-RETRY')));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect(results.filter((r) => !r.body.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.redeemedAt)).size).toBe(1);
    const [audit] = await stack.db.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'coupon.redeem' AND target_id = ?", [coupon.id]);
    expect(Number(audit.n)).toBe(1);
  });

  it('two purchases of one member racing for one coupon: one pays less, the other is refused and records nothing', async () => {
    const template = await coupons.template({ name: '满100减20' });
    const member = await till.newMember();
    const coupon = await coupons.claim(member, template.id);
    const memberCode = await till.code(member.token);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode, amountFen: 12_000, externalNo: aReceiptNo(), couponCodes: [coupon.code] } })),
    );
    expect(results.filter((r) => r.status === 201).map((r) => r.body.payableFen)).toEqual([10_000]);
    expect(results.filter((r) => r.status !== 201).map((r) => [r.status, r.body.code, r.body.issues?.[0]?.field])).toEqual(
      Array.from({ length: 9 }, () => [409, 'COUPON_ALREADY_REDEEMED', 'couponCodes.0']),
    );
    const [orders] = await stack.db.query('SELECT COUNT(*) AS n FROM orders WHERE member_id = ?', [member.memberId]);
    expect(Number(orders.n)).toBe(1);
  });
});
