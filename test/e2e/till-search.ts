import { randomUUID } from 'node:crypto';
import { MEMBER_CODE_ROTATE_SECONDS, maskPhone, type MemberReceipt, type Order } from '@wemember/shared';
import { aPhone, TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';

/** Tuesday 2 June 2026, 10:00 in Shanghai (no member day). */
const TUESDAY = '2026-06-02T02:00:00Z';
/** Wednesday 3 June 2026, 00:30 in Shanghai: the next business day, though still 2 June in UTC. */
const WEDNESDAY_EARLY = '2026-06-02T16:30:00Z';

/**
 * Issue 9's till and history: the member's e-receipts (purchases, refunds and what they took back),
 * the POS receipt number, the till's order list by day and search, "another store's" records, and
 * a member code that pays with points only once. Shared by the MariaDB and the SQLite runs.
 */
export function describeTillSearch(database: 'mysql' | 'sqlite'): void {
  describe(`purchase history, till search and spent member codes (${database})`, () => {
    let stack: TestStack;
    let till: TestTill;

    beforeAll(async () => {
      stack = await TestStack.start({ database });
      till = await TestTill.open(stack);
    });
    beforeEach(() => stack.clock.travelTo(TUESDAY));
    afterEach(async () => {
      expect((await till.reconcile()).mismatches).toEqual([]);
    });
    afterAll(() => stack?.close());

    const history = (member: TestMember, query = '') => stack.api('GET', `/member/orders${query}`, { token: member.token });
    const buyAt = (member: TestMember, store: string, body: { amountFen: number; receiptNo?: string; externalNo?: string }) =>
      till.buy(member, { ...body, storeId: stack.store(store).id }, till.adminToken);
    const list = (token: string, query: Record<string, string> = {}) => stack.api<Order[]>('GET', `/staff/orders?${new URLSearchParams({ limit: '100', ...query })}`, { token });

    describe('the member’s purchase history', () => {
      it('shows each purchase as an e-receipt, with every refund and the points it took back, matching what the till answered', async () => {
        const member = await till.newMember();
        const first = await till.buy(member, { amountFen: 10_000, receiptNo: 'POS-000123', items: [{ name: '牛奶', amountFen: 10_000 }] });
        expect(first.status).toBe(201);
        stack.clock.advance(60_000);
        // The same live code earned above; paying with points is its first payment.
        const second = await till.bought(member, { amountFen: 1_000, pointsToRedeem: 100 });
        expect(second).toMatchObject({ pointsRedeemed: 100, pointsDeductFen: 100, payableFen: 900, pointsEarned: 9 });
        stack.clock.advance(60_000);
        // The first purchase's points were spent: a partial refund charges them against the money back.
        const refund = await till.refund(first.body.id, { amountFen: 4_000, reason: '部分退货' });
        expect(refund.status).toBe(201);
        expect(refund.body.pointsChargedBack).toBeGreaterThan(0);

        const page = await history(member);
        expect(page.status).toBe(200);
        expect(page.body.nextCursor).toBeNull();
        const [newest, oldest] = page.body.orders as MemberReceipt[];
        expect(page.body.orders).toHaveLength(2);
        expect(newest).toEqual({
          id: second.id,
          receiptNo: second.externalNo,
          storeName: '杭州西湖店',
          createdAt: second.createdAt,
          items: [],
          amountFen: 1_000,
          discountFen: 0,
          couponDiscountFen: 0,
          coupons: [],
          pointsRedeemed: 100,
          pointsDeductFen: 100,
          payableFen: 900,
          balancePaidFen: 0,
          pointsEarned: 9,
          refundedFen: 0,
          refundedMoneyFen: 0,
          refunds: [],
          status: 'completed',
        });
        expect(oldest).toMatchObject({
          id: first.body.id,
          receiptNo: 'POS-000123',
          items: [{ name: '牛奶', amountFen: 10_000 }],
          amountFen: 10_000,
          payableFen: 10_000,
          pointsEarned: 100,
          refundedFen: 4_000,
          refundedMoneyFen: refund.body.refundFen,
          status: 'partially_refunded',
        });
        expect(oldest.refunds).toEqual([
          {
            refundNo: refund.body.refundNo,
            amountFen: 4_000,
            refundFen: refund.body.refundFen,
            pointsReversed: refund.body.pointsReversed,
            pointsChargedBack: refund.body.pointsChargedBack,
            chargebackFen: refund.body.chargebackFen,
            pointsReturned: refund.body.pointsReturned,
            createdAt: refund.body.createdAt,
          },
        ]);
        expect(refund.body.refundFen + refund.body.chargebackFen).toBe(4_000);

        // The till's view of the order says the same.
        const view = await stack.api<Order>('GET', `/staff/orders/${first.body.id}`, { token: till.clerkToken });
        expect(view.body).toMatchObject({ receiptNo: 'POS-000123', refundedFen: 4_000, refundedMoneyFen: refund.body.refundFen });
      });

      it('pages newest first with an opaque cursor, shows only the caller’s own purchases, and refuses a bad cursor', async () => {
        const member = await till.newMember();
        const other = await till.newMember();
        const ids: string[] = [];
        for (const amountFen of [1_100, 2_200, 3_300]) {
          ids.push((await till.bought(member, { amountFen })).id);
          stack.clock.advance(1_000);
        }
        const theirs = await till.bought(other, { amountFen: 4_400 });

        const one = await history(member, '?limit=2');
        expect(one.body.orders.map((o: MemberReceipt) => o.id)).toEqual([ids[2], ids[1]]);
        expect(typeof one.body.nextCursor).toBe('string');
        const two = await history(member, `?limit=2&cursor=${encodeURIComponent(one.body.nextCursor)}`);
        expect(two.status).toBe(200);
        expect(two.body.orders.map((o: MemberReceipt) => o.id)).toEqual([ids[0]]);
        expect(two.body.nextCursor).toBeNull();

        const others = await history(other);
        expect(others.body.orders.map((o: MemberReceipt) => o.id)).toEqual([theirs.id]);
        // Another member's cursor only moves through the caller's own purchases: older than it, this one has none.
        const borrowed = await history(other, `?cursor=${encodeURIComponent(one.body.nextCursor)}`);
        expect(borrowed.status).toBe(200);
        expect(borrowed.body.orders).toEqual([]);

        for (const cursor of ['abc', 'not a cursor', Buffer.from('1749000000000').toString('base64url'), Buffer.from(`99999999999999999.${ids[0]}`).toString('base64url')]) {
          const bad = await history(member, `?cursor=${encodeURIComponent(cursor)}`);
          expect(bad.status).toBe(400);
          expect(bad.body.code).toBe('VALIDATION_FAILED');
          expect(bad.body.issues.map((i: { field: string }) => i.field)).toEqual(['cursor']);
        }
      });
    });

    describe('the POS receipt number', () => {
      it('is stored and shown, and is part of what a replay must repeat', async () => {
        const member = await till.newMember();
        const externalNo = aReceiptNo();
        const first = await till.buy(member, { amountFen: 2_000, externalNo, receiptNo: 'P-88001' });
        expect(first.status).toBe(201);
        expect(first.body.receiptNo).toBe('P-88001');
        const replay = await till.buy(member, { amountFen: 2_000, externalNo, receiptNo: 'P-88001' });
        expect(replay.status).toBe(200);
        expect(replay.body).toEqual({ ...first.body, replayed: true });
        const before = await till.ledgerCounts();
        for (const receiptNo of ['P-88002', undefined]) {
          const other = await till.buy(member, { amountFen: 2_000, externalNo, ...(receiptNo && { receiptNo }) });
          expect(other.status).toBe(409);
          expect(other.body.code).toBe('ORDER_CONFLICT');
        }
        expect(await till.ledgerCounts()).toEqual(before);
        const without = await till.bought(member, { amountFen: 3_000 });
        expect(without.receiptNo).toBeNull();
      });
    });

    describe('the till’s order list', () => {
      it('lists one business day of the caller’s stores, newest first: today by default, another day by date', async () => {
        const member = await till.newMember();
        const hz = (await buyAt(member, 'HZ001', { amountFen: 1_000 })).body as Order;
        stack.clock.advance(1_000);
        const sh = (await buyAt(member, 'SH001', { amountFen: 2_000 })).body as Order;
        stack.clock.advance(1_000);
        const gz = (await buyAt(member, 'GZ001', { amountFen: 3_000 })).body as Order;
        const pos = await stack.api('POST', `/staff/stores/${stack.store('HZ001').id}/api-keys`, { token: till.adminToken, body: { label: '收银机 1' } });
        expect(pos.status).toBe(201);

        const seen = async (token: string | { key: string }, query: Record<string, string> = {}) => {
          const result =
            typeof token === 'string'
              ? await list(token, query)
              : await stack.api<Order[]>('GET', `/staff/orders?${new URLSearchParams({ limit: '100', ...query })}`, { headers: { 'x-api-key': token.key } });
          expect(result.status).toBe(200);
          return result.body.filter((o) => [hz.id, sh.id, gz.id].includes(o.id)).map((o) => o.id);
        };
        expect(await seen(till.adminToken)).toEqual([gz.id, sh.id, hz.id]);
        expect(await seen(await stack.staffToken('region'))).toEqual([sh.id, hz.id]);
        expect(await seen(await stack.staffToken('manager'))).toEqual([hz.id]);
        expect(await seen(till.clerkToken)).toEqual([hz.id]);
        expect(await seen({ key: pos.body.key })).toEqual([hz.id]);
        // Naming a store outside the caller's scope shows nothing of it.
        expect(await seen(till.clerkToken, { storeId: stack.store('SH001').id })).toEqual([]);
        expect(await seen(till.adminToken, { storeId: stack.store('SH001').id })).toEqual([sh.id]);

        // 00:30 the next morning in Shanghai: a new business day, still 2 June in UTC.
        stack.clock.travelTo(WEDNESDAY_EARLY);
        const late = (await buyAt(member, 'HZ001', { amountFen: 4_000 })).body as Order;
        const today = await list(till.clerkToken);
        expect(today.body.map((o) => o.id)).toContain(late.id);
        expect(today.body.map((o) => o.id)).not.toContain(hz.id);
        const yesterday = await list(till.clerkToken, { date: '2026-06-02' });
        expect(yesterday.body.map((o) => o.id)).toContain(hz.id);
        expect(yesterday.body.map((o) => o.id)).not.toContain(late.id);

        for (const date of ['2026-02-30', '2026-13-01', '02/06/2026', 'today']) {
          const bad = await stack.api('GET', `/staff/orders?date=${encodeURIComponent(date)}`, { token: till.clerkToken });
          expect(bad.status).toBe(400);
          expect(bad.body.issues.map((i: { field: string }) => i.field)).toEqual(['date']);
        }
      });

      it('finds by receipt number (exact or prefix), member number, masked phone or the phone’s last 4 digits', async () => {
        const member = await till.newMember();
        const other = await till.newMember();
        const tag = randomUUID().slice(0, 6).toUpperCase();
        const withReceipt = (await till.buy(member, { amountFen: 1_000, receiptNo: `${tag}-0042`, externalNo: `EXT${tag}A` })).body as Order;
        const plain = (await till.buy(member, { amountFen: 2_000, externalNo: `EXT${tag}B` })).body as Order;
        const theirs = (await till.buy(other, { amountFen: 3_000, externalNo: `EXT${tag}C` })).body as Order;
        const ids = async (q: string) => {
          const result = await list(till.clerkToken, { q });
          expect(result.status).toBe(200);
          return result.body;
        };
        expect((await ids(`${tag}-0042`)).map((o) => o.id)).toEqual([withReceipt.id]);
        expect((await ids(`${tag}-00`)).map((o) => o.id)).toEqual([withReceipt.id]);
        expect((await ids(`EXT${tag}B`)).map((o) => o.id)).toEqual([plain.id]);
        expect((await ids(`EXT${tag}`)).map((o) => o.id)).toEqual([theirs.id, plain.id, withReceipt.id]);
        // LIKE's wildcards are matched as themselves.
        expect(await ids(`EXT${tag.slice(0, 3)}%`)).toEqual([]);
        expect(await ids(`EXT${tag.slice(0, 3)}___`)).toEqual([]);

        expect((await ids(member.memberNo)).map((o) => o.id)).toEqual([plain.id, withReceipt.id]);
        expect((await ids(maskPhone(other.phone))).map((o) => o.id)).toEqual([theirs.id]);
        const lastFour = await ids(member.phone.slice(-4));
        expect(lastFour.map((o) => o.id)).toEqual(expect.arrayContaining([plain.id, withReceipt.id]));
        expect(lastFour.every((o) => o.memberPhone.endsWith(member.phone.slice(-4)))).toBe(true);
        expect(await ids(maskPhone(aPhone()).replace(/\d{4}$/, '0000').replace(/^\d{3}/, '100'))).toEqual([]);

        // Search stays within the caller's scope: HQ's purchase at SH001 is not the clerk's to find.
        const elsewhere = (await buyAt(member, 'SH001', { amountFen: 5_000 })).body as Order;
        expect((await ids(member.memberNo)).map((o) => o.id)).not.toContain(elsewhere.id);
        const hq = await list(till.adminToken, { q: member.memberNo });
        expect(hq.body.map((o) => o.id)).toEqual([elsewhere.id, plain.id, withReceipt.id]);
      });
    });

    describe('another store’s records', () => {
      it('an order of a store outside the scope is OTHER_STORE (403), an unknown one ORDER_NOT_FOUND; nothing moves', async () => {
        const member = await till.newMember();
        const order = (await buyAt(member, 'SH001', { amountFen: 5_000 })).body as Order;
        const before = await till.ledgerCounts();
        for (const [method, path, body] of [
          ['GET', `/staff/orders/${order.id}`, undefined],
          ['POST', `/staff/orders/${order.id}/refund/quote`, { amountFen: 1_000 }],
          ['POST', `/staff/orders/${order.id}/refund`, { refundNo: aReceiptNo('F'), amountFen: 1_000 }],
        ] as const) {
          const result = await stack.api(method, path, { token: till.clerkToken, ...(body && { body }) });
          expect(result.status).toBe(403);
          expect(result.body).toEqual({ statusCode: 403, code: 'OTHER_STORE', message: '这是其他门店的记录，请到所属门店办理' });
          const unknown = await stack.api(method, path.replace(order.id, randomUUID()), { token: till.clerkToken, ...(body && { body }) });
          expect(unknown.status).toBe(404);
          expect(unknown.body.code).toBe('ORDER_NOT_FOUND');
        }
        expect(await till.ledgerCounts()).toEqual(before);
        // The region manager of 华东区 has SH001: the same order is theirs to open.
        expect((await stack.api('GET', `/staff/orders/${order.id}`, { token: await stack.staffToken('region') })).status).toBe(200);
      });

      it('a store manager looking up another store’s member by phone or number gets OTHER_STORE', async () => {
        const phone = aPhone();
        const joined = await stack.join(phone, { scene: stack.chain.counterScenes.SH001 });
        const manager = await stack.staffToken('manager');
        for (const code of [phone, joined.member!.memberNo]) {
          const result = await stack.api('POST', '/staff/members/resolve', { token: manager, body: { code } });
          expect(result.status).toBe(403);
          expect(result.body.code).toBe('OTHER_STORE');
          expect(JSON.stringify(result.body)).not.toContain(joined.member!.memberNo);
        }
        const nobody = await stack.api('POST', '/staff/members/resolve', { token: manager, body: { code: aPhone() } });
        expect(nobody.body.code).toBe('MEMBER_NOT_FOUND');
      });
    });

    describe('a member code that paid with points', () => {
      it('cannot pay again, for a purchase or a quote; earning with it still works; a replay still answers', async () => {
        const member = await till.newMember();
        expect((await till.adjust(member, 1_000)).status).toBe(201);
        const memberCode = await till.code(member.token);
        const pay = { memberCode, amountFen: 2_000, pointsToRedeem: 100, externalNo: aReceiptNo() };
        const first = await stack.api('POST', '/staff/orders', { token: till.clerkToken, body: pay });
        expect(first.status).toBe(201);

        const replay = await stack.api('POST', '/staff/orders', { token: till.clerkToken, body: pay });
        expect(replay.status).toBe(200);
        expect(replay.body).toEqual({ ...first.body, replayed: true });

        const before = await till.ledgerCounts();
        const again = await stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { ...pay, externalNo: aReceiptNo() } });
        expect(again.status).toBe(409);
        expect(again.body).toMatchObject({ code: 'MEMBER_CODE_USED', issues: [{ field: 'memberCode' }] });
        const quote = await stack.api('POST', '/staff/orders/quote', { token: till.clerkToken, body: { memberCode, amountFen: 2_000, pointsToRedeem: 1 } });
        expect(quote.status).toBe(409);
        expect(quote.body.code).toBe('MEMBER_CODE_USED');
        expect(await till.ledgerCounts()).toEqual(before);
        expect(await till.points(member)).toBe(1_000 - 100 + 19);

        // Earning only: the code still says who the member is.
        const earnQuote = await stack.api('POST', '/staff/orders/quote', { token: till.clerkToken, body: { memberCode, amountFen: 2_000 } });
        expect(earnQuote.status).toBe(200);
        const earn = await stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode, amountFen: 2_000, pointsToRedeem: 0, externalNo: aReceiptNo() } });
        expect(earn.status).toBe(201);

        // The next minute's code pays.
        stack.clock.advance(MEMBER_CODE_ROTATE_SECONDS * 1000);
        const fresh = await till.code(member.token);
        expect(fresh).not.toBe(memberCode);
        const next = await stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { ...pay, memberCode: fresh, externalNo: aReceiptNo() } });
        expect(next.status).toBe(201);
      });

      it('a refused payment leaves the code unspent', async () => {
        const member = await till.newMember();
        expect((await till.adjust(member, 100)).status).toBe(201);
        const memberCode = await till.code(member.token);
        const tooMuch = await stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode, amountFen: 2_000, pointsToRedeem: 101, externalNo: aReceiptNo() } });
        expect(tooMuch.status).toBe(422);
        expect(tooMuch.body.code).toBe('POINTS_INSUFFICIENT');
        const ok = await stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode, amountFen: 2_000, pointsToRedeem: 100, externalNo: aReceiptNo() } });
        expect(ok.status).toBe(201);
      });
    });
  });
}
