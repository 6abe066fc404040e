import { chinaDate } from '@wemember/shared';
import { PointsMaintenance } from '../../server/src/points/points-maintenance';
import { TestStack } from '../support/stack';
import { aReceiptNo, TestTill } from '../support/till';

/** Tuesday 2 June 2026, 10:00 in Shanghai: no member day, and nobody's birthday month unless set to June. */
const TUESDAY = '2026-06-02T02:00:00Z';
/** Wednesday 3 June 2026, 10:00 in Shanghai: the default member day. */
const WEDNESDAY = '2026-06-03T02:00:00Z';

/**
 * Journey 2, pay and earn at the till, with the exact figures of the default rules (1 point per
 * yuan, 100 points = ¥1, at most 50 % of an order, tiers at 1000 / 5000 / 20000 growth). Shared by
 * the MariaDB and the SQLite runs.
 */
export function describeTillJourney(database: 'mysql' | 'sqlite'): void {
  describe(`purchases, points and refunds at the till (${database})`, () => {
    let stack: TestStack;
    let till: TestTill;

    beforeAll(async () => {
      stack = await TestStack.start({ database });
      till = await TestTill.open(stack);
    });
    beforeEach(() => stack.clock.travelTo(TUESDAY));
    afterEach(async () => {
      const check = await till.reconcile();
      expect(check.mismatches).toEqual([]);
    });
    afterAll(() => stack?.close());

    it('earns on what is paid, spends soonest-expiring points, and shows it all on the points page', async () => {
      const member = await till.newMember();
      const first = await till.buy(member, { amountFen: 12_345 });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        amountFen: 12_345,
        discountFen: 0,
        pointsRedeemed: 0,
        payableFen: 12_345,
        pointsEarned: 123,
        growthEarned: 123,
        tierAfter: 'normal',
        storeName: '杭州西湖店',
        replayed: false,
      });

      const quote = await stack.api('POST', '/staff/orders/quote', {
        token: till.clerkToken,
        body: { memberCode: await till.code(member.token), amountFen: 20_000, pointsToRedeem: 100 },
      });
      expect(quote.status).toBe(200);
      expect(quote.body).toMatchObject({ pointsBalance: 123, maxRedeemPoints: 123, pointsDeductFen: 100, payableFen: 19_900, pointsEarned: 199 });

      const second = await till.bought(member, { amountFen: 20_000, pointsToRedeem: 100 });
      expect(second).toMatchObject({ pointsRedeemed: 100, pointsDeductFen: 100, payableFen: 19_900, pointsEarned: 199, growthEarned: 199 });

      const page = await stack.api('GET', '/member/points', { token: member.token });
      expect(page.status).toBe(200);
      expect(page.body.balance).toBe(222);
      expect(page.body.expiring).toEqual({ points: 222, date: '2027-12-31' });
      expect(page.body.expiringSoon).toBe(false);
      expect(page.body.entries.map((e: { kind: string; delta: number; balanceAfter: number }) => [e.kind, e.delta, e.balanceAfter])).toEqual([
        ['earn', 199, 222],
        ['redeem', -100, 23],
        ['earn', 123, 123],
      ]);
      expect(page.body.entries[0].reason).toBe('杭州西湖店 消费 ¥199.00');
      expect(page.body.entries[1].reason).toBe('杭州西湖店 积分抵现 ¥1.00');

      const older = await stack.api('GET', '/member/points?limit=2', { token: member.token });
      expect(older.body.entries).toHaveLength(2);
      const rest = await stack.api('GET', `/member/points?limit=2&before=${older.body.nextBefore}`, { token: member.token });
      expect(rest.body.entries.map((e: { delta: number }) => e.delta)).toEqual([123]);
      expect(rest.body.nextBefore).toBeNull();

      const card = await stack.api('GET', '/member/card', { token: member.token });
      expect(card.body).toMatchObject({ points: 222, growth: 322, tier: 'normal', tierDiscount: '无折扣' });
      expect(card.body.tierProgress).toEqual({ nextTier: 'silver', nextTierName: '银卡会员', nextMinGrowth: 1000, growthNeeded: 678 });
    });

    it('replays the same receipt number, and refuses the same number for another purchase', async () => {
      const member = await till.newMember();
      const externalNo = aReceiptNo();
      const first = await till.buy(member, { amountFen: 5_000, externalNo });
      expect(first.status).toBe(201);
      const again = await till.buy(member, { amountFen: 5_000, externalNo });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ ...first.body, replayed: true });
      const before = await till.ledgerCounts();
      const other = await till.buy(member, { amountFen: 5_001, externalNo });
      expect(other.status).toBe(409);
      expect(other.body.code).toBe('ORDER_CONFLICT');
      expect(other.body.issues).toEqual([{ field: 'externalNo', message: '该小票号已被使用' }]);
      expect(await till.ledgerCounts()).toEqual(before);
      expect(await till.points(member)).toBe(50);
    });

    it('receipt and refund numbers compare exactly: CASE1 and case1 are two purchases, on every database', async () => {
      const member = await till.newMember();
      const upper = await till.buy(member, { amountFen: 1_000, externalNo: 'CASE1' });
      const lower = await till.buy(member, { amountFen: 2_000, externalNo: 'case1' });
      expect([upper.status, lower.status]).toEqual([201, 201]);
      expect(lower.body.id).not.toBe(upper.body.id);
      expect((await till.buy(member, { amountFen: 1_000, externalNo: 'CASE1' })).body).toMatchObject({ id: upper.body.id, replayed: true });
      const first = await till.refund(upper.body.id, { amountFen: 100, refundNo: 'T-A' });
      const second = await till.refund(upper.body.id, { amountFen: 200, refundNo: 't-a' });
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.body.id).not.toBe(first.body.id);
    });

    it('upgrades the tier at once; the new tier prices the next purchase; excluded categories earn nothing', async () => {
      const member = await till.newMember();
      const big = await till.bought(member, { amountFen: 100_000 });
      expect(big).toMatchObject({ pointsEarned: 1000, growthEarned: 1000, tierBefore: 'normal', tierAfter: 'silver', tierAfterName: '银卡会员' });

      const silver = await till.bought(member, { amountFen: 10_000 });
      expect(silver).toMatchObject({ discountFen: 200, payableFen: 9_800, pointsEarned: 117, growthEarned: 98, earningNotes: ['银卡会员 1.2 倍'] });

      const mixed = await till.bought(member, {
        amountFen: 10_000,
        items: [
          { name: '香烟', category: 'tobacco', amountFen: 4_000 },
          { name: '牛奶', category: 'dairy', amountFen: 6_000 },
        ],
      });
      expect(mixed).toMatchObject({ discountFen: 120, payableFen: 9_880, pointsEarned: 70, growthEarned: 98 });
      expect(mixed.earningNotes).toContain('部分商品不参与积分');

      const card = await stack.api('GET', '/member/card', { token: member.token });
      expect(card.body).toMatchObject({ tier: 'silver', tierDiscount: '9.8折', points: 1187 });
      const [change] = await stack.db.query('SELECT from_tier, to_tier, reason FROM tier_changes WHERE member_id = ?', [member.memberId]);
      expect(change).toEqual({ from_tier: 'normal', to_tier: 'silver', reason: 'purchase' });
    });

    it('takes a long receipt: 200 lines with long Chinese names', async () => {
      const member = await till.newMember();
      const items = Array.from({ length: 200 }, (_, i) => ({
        sku: `SKU-${String(i).padStart(58, '0')}`,
        name: '进口有机冷压初榨特级橄榄油家庭装超值大瓶'.repeat(4).slice(0, 64),
        category: i % 10 === 0 ? 'tobacco' : '粮油调味品类目'.repeat(5).slice(0, 32),
        quantity: 99_999,
        amountFen: 1_000,
      }));
      const order = await till.bought(member, { amountFen: 200_000, items });
      expect(order).toMatchObject({ pointsEarned: 1_800, growthEarned: 2_000 });
      const view = await stack.api('GET', `/staff/orders/${order.id}`, { token: till.clerkToken });
      expect(view.body.items).toEqual(items);
    });

    it('doubles points on the member day and in the birthday month; stacking is the brand’s choice', async () => {
      stack.clock.travelTo(WEDNESDAY);
      const member = await till.newMember();
      expect((await till.bought(member, { amountFen: 10_000 })).pointsEarned).toBe(200);

      const set = await stack.api('PUT', '/member/birthday', { token: member.token, body: { birthday: '1990-06-15' } });
      expect(set.status).toBe(200);
      expect(set.body.birthday).toBe('1990-06-15');
      const again = await stack.api('PUT', '/member/birthday', { token: member.token, body: { birthday: '1990-07-15' } });
      expect(again.status).toBe(409);

      const notStacked = await till.bought(member, { amountFen: 10_000 });
      expect(notStacked.pointsEarned).toBe(200);

      const settings = await stack.api('GET', '/staff/settings/loyalty', { token: till.adminToken });
      const rules = { ...settings.body.rules, earning: { ...settings.body.rules.earning, stackBonuses: true } };
      const saved = await stack.api('PUT', '/staff/settings/loyalty', { token: till.adminToken, body: { rules, version: settings.body.version } });
      expect(saved.status).toBe(200);
      try {
        expect((await till.bought(member, { amountFen: 10_000 })).pointsEarned).toBe(400);
        stack.clock.travelTo(TUESDAY);
        expect((await till.bought(member, { amountFen: 10_000 })).pointsEarned).toBe(200);
      } finally {
        const restore = await stack.api('PUT', '/staff/settings/loyalty', { token: till.adminToken, body: { rules: settings.body.rules, version: saved.body.version } });
        expect(restore.status).toBe(200);
      }
    });

    it('a refund after the points were spent charges them against the refund; returned points come back', async () => {
      const member = await till.newMember();
      const first = await till.bought(member, { amountFen: 10_000 });
      expect(first.pointsEarned).toBe(100);
      const second = await till.bought(member, { amountFen: 1_000, pointsToRedeem: 100 });
      expect(second).toMatchObject({ pointsDeductFen: 100, payableFen: 900, pointsEarned: 9 });
      expect(await till.points(member)).toBe(9);

      // The till shows the money back before the clerk confirms; nothing is recorded by asking.
      const preview = await stack.api('POST', `/staff/orders/${first.id}/refund/quote`, { token: till.clerkToken, body: { amountFen: 10_000 } });
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({ refundFen: 9_909, chargebackFen: 91, pointsChargedBack: 91, pointsReversed: 9 });
      expect(await till.points(member)).toBe(9);
      const refund = await till.refund(first.id, { amountFen: 10_000, reason: '商品质量问题' });
      expect(refund.status).toBe(201);
      expect(refund.body).toMatchObject(preview.body);
      expect(refund.body).toMatchObject({
        amountFen: 10_000,
        payableShareFen: 10_000,
        pointsReversed: 9,
        pointsChargedBack: 91,
        chargebackFen: 91,
        refundFen: 9_909,
        pointsReturned: 0,
        growthReversed: 100,
        orderRefundableFen: 0,
        pointsBalance: 0,
      });

      const preview2 = await stack.api('POST', `/staff/orders/${second.id}/refund/quote`, { token: till.clerkToken, body: { amountFen: 1_000 } });
      const second2 = await till.refund(second.id, { amountFen: 1_000 });
      expect(second2.body).toMatchObject(preview2.body);
      expect(second2.body).toMatchObject({ payableShareFen: 900, refundFen: 900, pointsReturned: 100, pointsReversed: 9, chargebackFen: 0, pointsBalance: 91 });
      expect(await till.points(member)).toBe(91);

      const order = await stack.api('GET', `/staff/orders/${second.id}`, { token: till.clerkToken });
      expect(order.body).toMatchObject({ status: 'refunded', refundedFen: 1_000, refundableFen: 0 });
    });

    it('partial refunds add up to the whole order; a replay is the same refund; more than remains is refused', async () => {
      const member = await till.newMember();
      const order = await till.bought(member, { amountFen: 10_001 });
      expect(order.pointsEarned).toBe(100);
      const refundNo = aReceiptNo('F');
      const one = await till.refund(order.id, { amountFen: 3_333, refundNo });
      expect(one.body).toMatchObject({ refundFen: 3_333, pointsReversed: 33, growthReversed: 33, orderRefundableFen: 6_668 });
      const replay = await till.refund(order.id, { amountFen: 3_333, refundNo });
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ ...one.body, replayed: true });
      const conflict = await till.refund(order.id, { amountFen: 3_334, refundNo });
      expect(conflict.status).toBe(409);
      expect(conflict.body.code).toBe('REFUND_CONFLICT');

      const two = await till.refund(order.id, { amountFen: 3_333 });
      expect(two.body).toMatchObject({ refundFen: 3_333, pointsReversed: 33, growthReversed: 33 });

      const before = await till.ledgerCounts();
      const tooMuch = await till.refund(order.id, { amountFen: 3_336 });
      expect(tooMuch.status).toBe(422);
      expect(tooMuch.body.code).toBe('REFUND_EXCEEDS_ORDER');
      expect(tooMuch.body.issues[0].field).toBe('amountFen');
      expect(tooMuch.body.message).toContain('3335');
      expect(await till.ledgerCounts()).toEqual(before);

      const last = await till.refund(order.id, { amountFen: 3_335 });
      expect(last.body).toMatchObject({ refundFen: 3_335, pointsReversed: 34, growthReversed: 34, orderRefundableFen: 0, pointsBalance: 0 });
      const card = await stack.api('GET', '/member/card', { token: member.token });
      expect(card.body).toMatchObject({ points: 0, growth: 0 });
      const view = await stack.api('GET', `/staff/orders/${order.id}`, { token: till.clerkToken });
      expect(view.body.refunds.map((r: { refundNo: string; amountFen: number; pointsReversed: number }) => [r.refundNo === refundNo, r.amountFen, r.pointsReversed])).toEqual([
        [true, 3_333, 33],
        [false, 3_333, 33],
        [false, 3_335, 34],
      ]);
    });

    it('expires exactly the unspent remainder after the last valid day, once, and marks reminders 30 days ahead', async () => {
      const member = await till.newMember();
      await till.bought(member, { amountFen: 50_000 });
      await till.bought(member, { amountFen: 10_000, pointsToRedeem: 200 });
      expect(await till.points(member)).toBe(500 - 200 + 98);

      const maintenance = stack.app.get(PointsMaintenance);
      stack.clock.travelTo('2027-12-05T02:00:00Z');
      await maintenance.expire(chinaDate(new Date(stack.clock.now())), stack.chain.brand.id);
      const [reminder] = await stack.db.query('SELECT expires_on, points FROM points_expiry_reminders WHERE member_id = ?', [member.memberId]);
      expect({ date: reminder.expires_on, points: Number(reminder.points) }).toEqual({ date: '2027-12-31', points: 398 });
      const page = await stack.api('GET', '/member/points', { token: member.token });
      expect(page.body).toMatchObject({ expiring: { points: 398, date: '2027-12-31' }, expiringSoon: true });

      stack.clock.travelTo('2028-01-01T02:00:00Z');
      const run = await maintenance.expire('2028-01-01', stack.chain.brand.id);
      expect(run.pointsExpired).toBeGreaterThanOrEqual(398);
      const again = await maintenance.expire('2028-01-01', stack.chain.brand.id);
      expect(again.pointsExpired).toBe(0);
      expect(await till.points(member)).toBe(0);
      const after = await stack.api('GET', '/member/points', { token: member.token });
      expect(after.body.entries[0]).toMatchObject({ kind: 'expire', delta: -398, balanceAfter: 0, reason: '有效期至 2027-12-31 的积分已过期' });
    });
  });
}
