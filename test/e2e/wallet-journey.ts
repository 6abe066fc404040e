import { MEMBER_CODE_ROTATE_SECONDS, type Order, type RechargeOffers, type RechargePackage, type Refund } from '@wemember/shared';
import { UnitOfWork } from '../../server/src/database/unit-of-work';
import { RechargePackages } from '../../server/src/wallet/recharge-packages';
import { TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';
import { creditStoredValue, spendStoredValue, wallet } from '../support/wallet';

/** Tuesday 2 June 2026, 10:00 in Shanghai: no member day, no birthday month. */
const TUESDAY = '2026-06-02T02:00:00Z';

/** The member's stored-value entries (both accounts), for the ledger's own sums. */
const STORED_VALUE_ENTRIES =
  "(SELECT e.*, a.kind FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id AND a.kind IN ('stored_value_principal', 'stored_value_bonus'))";

/**
 * Stored value with the default rules (1 point per yuan, 100 points = ¥1, at most 50 % of an
 * order): HQ's recharge packages and what a member is offered, the balance on the card and the
 * wallet page, paying with it at the till (principal first), refunds giving it back pro rata,
 * refusals that change nothing, and concurrent spends that never overdraw. Balances are put on
 * cards by test/support/wallet.ts (recharging over WeChat Pay is the payment module's, tested there).
 * Shared by the MariaDB and the SQLite runs.
 */
export function describeWalletJourney(database: 'mysql' | 'sqlite'): void {
  describe(`stored value: packages, the wallet, paying and refunds at the till (${database})`, () => {
    let stack: TestStack;
    let till: TestTill;

    beforeAll(async () => {
      stack = await TestStack.start({ database, env: { RATE_LIMIT_CODE_CHECKS_PER_MINUTE: '100000' } });
      till = await TestTill.open(stack);
    });
    beforeEach(() => stack.clock.travelTo(TUESDAY));
    afterEach(async () => expect((await till.reconcile()).mismatches).toEqual([]));
    afterAll(() => stack?.close());

    const quote = async (member: TestMember, body: Record<string, unknown>, code?: string) =>
      stack.api('POST', '/staff/orders/quote', { token: till.clerkToken, body: { memberCode: code ?? (await till.code(member.token)), ...body } });
    const card = async (member: TestMember) => (await stack.api('GET', '/member/card', { token: member.token })).body;
    const storedValueSums = async (memberId: string) => {
      const rows = (await stack.db.query(`SELECT kind, SUM(delta) AS total, MIN(balance_after) AS lowest FROM ${STORED_VALUE_ENTRIES} l WHERE l.member_id = ? GROUP BY kind`, [
        memberId,
      ])) as { kind: string; total: unknown; lowest: unknown }[];
      return Object.fromEntries(rows.map((r) => [r.kind, { total: Number(r.total), lowest: Number(r.lowest) }]));
    };

    it('HQ sells packages; a member sees those on offer today with the times left and their balance', async () => {
      const member = await till.newMember();
      const offers = await stack.api<RechargeOffers>('GET', '/recharge/packages', { token: member.token });
      expect(offers.status).toBe(200);
      expect(offers.body.balanceFen).toBe(0);
      expect(offers.body.packages.map((p) => [p.label, p.timesLeft, p.available])).toEqual([
        ['充100', null, true],
        ['充300送20', null, true],
        ['充500送50', 2, true],
      ]);

      const created = await stack.api<RechargePackage>('POST', '/staff/recharge-packages', {
        token: till.adminToken,
        body: { name: '六月充1000送150', payFen: 100_000, bonusFen: 15_000, validFrom: '2026-06-01', validTo: '2026-06-30', perMemberLimit: 1, description: '限六月' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ label: '充1000送150', status: 'active', validTo: '2026-06-30', perMemberLimit: 1 });
      const later = await stack.api<RechargePackage>('POST', '/staff/recharge-packages', {
        token: till.adminToken,
        body: { name: '七月充200送10', payFen: 20_000, bonusFen: 1_000, validFrom: '2026-07-01' },
      });
      expect(later.status).toBe(201);
      const labels = async () => (await stack.api<RechargeOffers>('GET', '/recharge/packages', { token: member.token })).body.packages.map((p) => p.label);
      // July's is not on offer in June.
      expect(await labels()).toEqual(['充100', '充300送20', '充500送50', '充1000送150']);

      // The payment module's order takes a time of the package, conditionally; an unpaid order gives it back.
      const packages = stack.app.get(RechargePackages);
      const uow = stack.app.get(UnitOfWork);
      const june = await packages.offered(uow.reader, stack.chain.brand.id, created.body.id, new Date(stack.clock.now()));
      const owner = { id: member.memberId, brandId: stack.chain.brand.id };
      await uow.transaction((m) => packages.claim(m, june, owner));
      await expect(uow.transaction((m) => packages.claim(m, june, owner))).rejects.toMatchObject({ code: 'RECHARGE_LIMIT_REACHED', issues: [{ field: 'packageId' }] });
      let offer = (await stack.api<RechargeOffers>('GET', '/recharge/packages', { token: member.token })).body.packages.find((p) => p.id === created.body.id)!;
      expect(offer).toMatchObject({ timesLeft: 0, available: false, unavailableReason: '每人限购 1 次，您已购满' });
      await uow.transaction((m) => packages.release(m, june.id, member.memberId));
      offer = (await stack.api<RechargeOffers>('GET', '/recharge/packages', { token: member.token })).body.packages.find((p) => p.id === created.body.id)!;
      expect(offer).toMatchObject({ timesLeft: 1, available: true });
      await expect(packages.offered(uow.reader, stack.chain.brand.id, later.body.id, new Date(stack.clock.now()))).rejects.toMatchObject({ code: 'RECHARGE_PACKAGE_UNAVAILABLE' });

      // Paused: gone from the member's list, still in HQ's; the edit is audited.
      const paused = await stack.api<RechargePackage>('PUT', `/staff/recharge-packages/${created.body.id}`, {
        token: till.adminToken,
        body: { name: '六月充1000送150', payFen: 100_000, bonusFen: 15_000, validFrom: '2026-06-01', validTo: '2026-06-30', perMemberLimit: 1, status: 'paused' },
      });
      expect(paused.status).toBe(200);
      expect(paused.body.status).toBe('paused');
      expect(await labels()).toEqual(['充100', '充300送20', '充500送50']);
      const listed = await stack.api<RechargePackage[]>('GET', '/staff/recharge-packages', { token: await stack.staffToken('manager') });
      expect(listed.status).toBe(200);
      expect(listed.body.find((p) => p.id === created.body.id)?.status).toBe('paused');
      const [audited] = await stack.db.query("SELECT COUNT(*) AS n FROM audit_log WHERE target_id = ? AND action IN ('recharge_package.create', 'recharge_package.update')", [created.body.id]);
      expect(Number(audited.n)).toBe(2);
    });

    it('refuses bad packages naming the field, and anyone but HQ admins', async () => {
      const before = await till.count('recharge_packages');
      const send = (body: unknown, token = till.adminToken) => stack.api('POST', '/staff/recharge-packages', { token, body });
      const cases: [unknown, number, string][] = [
        [{ name: '', payFen: 10_000, bonusFen: 0 }, 400, 'name'],
        [{ name: '负数', payFen: -1, bonusFen: 0 }, 400, 'payFen'],
        [{ name: '小数', payFen: 100.5, bonusFen: 0 }, 400, 'payFen'],
        [{ name: '赠送负数', payFen: 10_000, bonusFen: -5 }, 400, 'bonusFen'],
        [{ name: '没写赠送', payFen: 10_000 }, 400, 'bonusFen'],
        [{ name: '日期反了', payFen: 10_000, bonusFen: 0, validFrom: '2026-07-01', validTo: '2026-06-01' }, 400, 'validTo'],
        [{ name: '已结束', payFen: 10_000, bonusFen: 0, validTo: '2026-05-31' }, 400, 'validTo'],
        [{ name: '限购0', payFen: 10_000, bonusFen: 0, perMemberLimit: 0 }, 400, 'perMemberLimit'],
      ];
      for (const [body, status, field] of cases) {
        const result = await send(body);
        expect([JSON.stringify(body), result.status]).toEqual([JSON.stringify(body), status]);
        expect(result.body.issues.map((i: { field: string }) => i.field)).toContain(field);
      }
      expect((await send({ name: '店员', payFen: 10_000, bonusFen: 0 }, till.clerkToken)).status).toBe(403);
      expect((await send({ name: '营销', payFen: 10_000, bonusFen: 0 }, await stack.staffToken('marketer'))).status).toBe(403);
      const missing = await stack.api('PUT', '/staff/recharge-packages/no-such-package', { token: till.adminToken, body: { name: 'x', payFen: 1, bonusFen: 0, status: 'active' } });
      expect(missing.status).toBe(404);
      expect(await till.count('recharge_packages')).toBe(before);
    });

    it('pays from the balance principal first, shows it on the card, the wallet and the e-receipt', async () => {
      const member = await till.newMember();
      await creditStoredValue(stack, member.memberId, { principalFen: 50_000, bonusFen: 5_000 });
      expect((await card(member)).balanceFen).toBe(55_000);
      let page = await wallet(stack, member.token);
      expect(page).toMatchObject({ balanceFen: 55_000, principalFen: 50_000, bonusFen: 5_000, nextBefore: null });
      expect(page.rules[0]).toBe('储值消费先扣本金，再扣赠送金');
      expect(page.entries).toEqual([
        expect.objectContaining({ kind: 'recharge', kindName: '充值', principalFen: 50_000, bonusFen: 5_000, totalFen: 55_000, balanceAfterFen: 55_000, reason: '充500送50' }),
      ]);

      const quoted = await quote(member, { amountFen: 60_000, balanceFen: 52_000 });
      expect(quoted.status).toBe(200);
      expect(quoted.body).toMatchObject({ balanceFen: 55_000, balancePaidFen: 52_000, payableFen: 60_000, pointsRedeemed: 0 });

      const order = await till.buy(member, { amountFen: 60_000, balanceFen: 52_000 } as never);
      expect(order.status).toBe(201);
      // Paid from stored value, still earned on: recharges earn no points, so what they pay for does.
      expect(order.body).toMatchObject({ payableFen: 60_000, balancePaidFen: 52_000, pointsEarned: 600 });
      const [row] = await stack.db.query('SELECT balance_principal_fen, balance_bonus_fen FROM orders WHERE id = ?', [order.body.id]);
      expect([Number(row.balance_principal_fen), Number(row.balance_bonus_fen)]).toEqual([50_000, 2_000]);
      expect((await card(member)).balanceFen).toBe(3_000);
      const resolved = await stack.api('POST', '/staff/members/resolve', { token: till.clerkToken, body: { code: await till.code(member.token) } });
      expect(resolved.body.balanceFen).toBe(3_000);

      page = await wallet(stack, member.token);
      expect(page).toMatchObject({ balanceFen: 3_000, principalFen: 0, bonusFen: 3_000 });
      expect(page.entries.map((e) => [e.kind, e.principalFen, e.bonusFen, e.balanceAfterFen, e.reason])).toEqual([
        ['pay', -50_000, -2_000, 3_000, '杭州西湖店 消费 ¥520.00'],
        ['recharge', 50_000, 5_000, 55_000, '充500送50'],
      ]);
      const receipts = await stack.api('GET', '/member/orders', { token: member.token });
      expect(receipts.body.orders[0]).toMatchObject({ id: order.body.id, balancePaidFen: 52_000 });
      // The till's view and a replay say the same.
      const replay = await stack.api('POST', '/staff/orders', {
        token: till.clerkToken,
        body: { memberCode: await till.code(member.token), amountFen: 60_000, balanceFen: 52_000, externalNo: order.body.externalNo },
      });
      expect(replay.body).toMatchObject({ replayed: true, balancePaidFen: 52_000 });
      // The same receipt number with another balance payment is another purchase: refused.
      const conflict = await stack.api('POST', '/staff/orders', {
        token: till.clerkToken,
        body: { memberCode: await till.code(member.token), amountFen: 60_000, balanceFen: 1_000, externalNo: order.body.externalNo },
      });
      expect(conflict.status).toBe(409);
      expect((await card(member)).balanceFen).toBe(3_000);
    });

    it('a purchase paying with points and balance spends its member code once; the code cannot pay again', async () => {
      const member = await till.newMember();
      await creditStoredValue(stack, member.memberId, { principalFen: 10_000, bonusFen: 0 });
      await till.adjust(member, 500, '开业活动赠送积分');
      const code = await till.code(member.token);
      const paid = await stack.api<Order>('POST', '/staff/orders', {
        token: till.clerkToken,
        body: { memberCode: code, amountFen: 2_000, pointsToRedeem: 500, balanceFen: 1_500, externalNo: aReceiptNo() },
      });
      expect(paid.status).toBe(201);
      expect(paid.body).toMatchObject({ pointsDeductFen: 500, payableFen: 1_500, balancePaidFen: 1_500 });
      const [spend] = await stack.db.query('SELECT purpose, COUNT(*) AS n FROM member_code_spends WHERE member_id = ? GROUP BY purpose', [member.memberId]);
      expect([spend.purpose, Number(spend.n)]).toEqual(['redeem+balance', 1]);

      const before = await till.ledgerCounts();
      const again = await stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode: code, amountFen: 1_000, balanceFen: 100, externalNo: aReceiptNo() } });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'MEMBER_CODE_USED', issues: [{ field: 'memberCode' }] });
      expect((await quote(member, { amountFen: 1_000, balanceFen: 100 }, code)).body.code).toBe('MEMBER_CODE_USED');
      // Earning with the spent code still works: it identifies the member.
      expect((await stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode: code, amountFen: 1_000, externalNo: aReceiptNo() } })).status).toBe(201);
      expect((await till.ledgerCounts()).ledger_entries).toBe(before.ledger_entries + 1);
      expect((await card(member)).balanceFen).toBe(8_500);
    });

    it('refuses a balance payment over what is payable or over the balance, or negative, naming balanceFen, changing nothing', async () => {
      const member = await till.newMember();
      await creditStoredValue(stack, member.memberId, { principalFen: 3_000, bonusFen: 500 });
      const before = await till.ledgerCounts();
      // ¥50 with 500 points off (¥5): ¥45 is left to pay, the balance is ¥35.
      await till.adjust(member, 500, '开业活动赠送积分');
      const counts = await till.ledgerCounts();
      expect(counts.ledger_entries).toBe(before.ledger_entries + 1);

      const over = await till.buy(member, { amountFen: 5_000, pointsToRedeem: 500, balanceFen: 4_501 } as never);
      expect(over.status).toBe(422);
      expect(over.body).toMatchObject({ code: 'BALANCE_OVER_PAYABLE', issues: [{ field: 'balanceFen' }] });
      expect(over.body.issues[0].message).toContain('4500');
      const short = await till.buy(member, { amountFen: 5_000, pointsToRedeem: 500, balanceFen: 3_501 } as never);
      expect(short.status).toBe(422);
      expect(short.body).toMatchObject({ code: 'BALANCE_INSUFFICIENT', issues: [{ field: 'balanceFen' }] });
      for (const balanceFen of [-1, 1.5, '100', 1e15]) {
        const bad = await till.buy(member, { amountFen: 5_000, balanceFen } as never);
        expect([balanceFen, bad.status]).toEqual([balanceFen, 400]);
        expect(bad.body.issues.map((i: { field: string }) => i.field)).toContain('balanceFen');
      }
      const quotedOver = await quote(member, { amountFen: 5_000, pointsToRedeem: 500, balanceFen: 4_501 });
      expect(quotedOver.body).toMatchObject({ code: 'BALANCE_OVER_PAYABLE', issues: [{ field: 'balanceFen' }] });
      const quotedShort = await quote(member, { amountFen: 5_000, balanceFen: 3_501 });
      expect(quotedShort.body).toMatchObject({ code: 'BALANCE_INSUFFICIENT', issues: [{ field: 'balanceFen' }] });
      expect(await till.ledgerCounts()).toEqual(counts);
      const [spends] = await stack.db.query('SELECT COUNT(*) AS n FROM member_code_spends WHERE member_id = ?', [member.memberId]);
      expect(Number(spends.n)).toBe(0);

      // Exactly all of it is fine.
      const all = await till.buy(member, { amountFen: 5_000, pointsToRedeem: 500, balanceFen: 3_500 } as never);
      expect(all.status).toBe(201);
      expect((await card(member)).balanceFen).toBe(0);
    });

    it('refunds give the balance payment back pro rata — partial, then the rest — and the rest in cash', async () => {
      const member = await till.newMember();
      await creditStoredValue(stack, member.memberId, { principalFen: 3_000, bonusFen: 3_000 });
      // ¥200, ¥50 of it from the balance (¥30 principal, ¥20 bonus), ¥150 in cash.
      const order = (await till.buy(member, { amountFen: 20_000, balanceFen: 5_000 } as never)).body as Order;
      expect(order.balancePaidFen).toBe(5_000);
      expect((await card(member)).balanceFen).toBe(1_000);

      const preview = await stack.api('POST', `/staff/orders/${order.id}/refund/quote`, { token: till.clerkToken, body: { amountFen: 8_000 } });
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({ refundFen: 8_000, balanceReturnedFen: 2_000 });
      const first = await till.refund(order.id, { amountFen: 8_000 });
      expect(first.status).toBe(201);
      expect(first.body as Refund).toMatchObject({ refundFen: 8_000, balanceReturnedFen: 2_000, chargebackFen: 0 });
      const [split] = await stack.db.query('SELECT balance_principal_returned_fen AS p, balance_bonus_returned_fen AS b FROM order_refunds WHERE id = ?', [first.body.id]);
      expect([Number(split.p), Number(split.b)]).toEqual([1_200, 800]);
      expect((await card(member)).balanceFen).toBe(3_000);

      const rest = await till.refund(order.id, { amountFen: 12_000 });
      expect(rest.body).toMatchObject({ refundFen: 12_000, balanceReturnedFen: 3_000, orderRefundableFen: 0 });
      expect((await card(member)).balanceFen).toBe(6_000);
      const page = await wallet(stack, member.token);
      expect(page).toMatchObject({ principalFen: 3_000, bonusFen: 3_000 });
      expect(page.entries.slice(0, 2).map((e) => [e.kind, e.kindName, e.principalFen, e.bonusFen])).toEqual([
        ['pay_return', '退货退回', 1_800, 1_200],
        ['pay_return', '退货退回', 1_200, 800],
      ]);
      // A replayed refund returns nothing twice.
      const replay = await stack.api('POST', `/staff/orders/${order.id}/refund`, { token: till.clerkToken, body: { refundNo: rest.body.refundNo, amountFen: 12_000 } });
      expect(replay.body).toMatchObject({ replayed: true, balanceReturnedFen: 3_000 });
      expect((await card(member)).balanceFen).toBe(6_000);
    });

    it('charges points already spent against the cash part first, and only the rest against the balance return (bonus first)', async () => {
      const member = await till.newMember();
      await creditStoredValue(stack, member.memberId, { principalFen: 5_000, bonusFen: 5_000 });
      // ¥100 all from the balance earns 100 points; ¥2 with those 100 points (¥1) earns 1 more.
      const first = (await till.buy(member, { amountFen: 10_000, balanceFen: 10_000 } as never)).body as Order;
      expect(first).toMatchObject({ balancePaidFen: 10_000, pointsEarned: 100 });
      stack.clock.advance(MEMBER_CODE_ROTATE_SECONDS * 1000);
      expect((await till.buy(member, { amountFen: 200, pointsToRedeem: 100 })).body).toMatchObject({ pointsRedeemed: 100, pointsEarned: 1 });

      // Refunding the ¥100: 1 point can be taken back, the other 99 cost 99 fen, and there is no
      // cash part to take them from, so the balance gets ¥99.01 back: all ¥50 principal, ¥49.01 bonus.
      const refund = await till.refund(first.id, { amountFen: 10_000 });
      expect(refund.status).toBe(201);
      expect(refund.body).toMatchObject({ pointsReversed: 1, pointsChargedBack: 99, chargebackFen: 99, refundFen: 9_901, balanceReturnedFen: 9_901 });
      const [split] = await stack.db.query('SELECT balance_principal_returned_fen AS p, balance_bonus_returned_fen AS b FROM order_refunds WHERE id = ?', [refund.body.id]);
      expect([Number(split.p), Number(split.b)]).toEqual([5_000, 4_901]);
      expect((await wallet(stack, member.token)).bonusFen).toBe(4_901);

      // With cash in the purchase, the same charge-back comes out of the cash.
      const other = await till.newMember();
      await creditStoredValue(stack, other.memberId, { principalFen: 5_000, bonusFen: 0 });
      const mixed = (await till.buy(other, { amountFen: 10_000, balanceFen: 5_000 } as never)).body as Order;
      stack.clock.advance(MEMBER_CODE_ROTATE_SECONDS * 1000);
      await till.buy(other, { amountFen: 200, pointsToRedeem: 100 });
      const back = await till.refund(mixed.id, { amountFen: 10_000 });
      expect(back.body).toMatchObject({ chargebackFen: 99, refundFen: 9_901, balanceReturnedFen: 5_000 });
    });

    it('pages the wallet one event per line with an opaque cursor, and refuses a bad one naming before', async () => {
      const member = await till.newMember();
      for (let i = 1; i <= 5; i += 1) {
        await creditStoredValue(stack, member.memberId, { principalFen: i * 1_000, bonusFen: i % 2 === 0 ? 100 : 0 });
        stack.clock.advance(1_000);
      }
      const seen: number[] = [];
      let before: string | null = null;
      let pages = 0;
      do {
        const page = await wallet(stack, member.token, `?limit=2${before ? `&before=${before}` : ''}`);
        seen.push(...page.entries.map((e) => e.principalFen));
        // Each line's balance after, less its own amount, is the next older line's.
        page.entries.forEach((e, i) => i + 1 < page.entries.length && expect(e.balanceAfterFen - e.totalFen).toBe(page.entries[i + 1].balanceAfterFen));
        before = page.nextBefore;
        pages += 1;
      } while (before);
      expect(seen).toEqual([5_000, 4_000, 3_000, 2_000, 1_000]);
      expect(pages).toBe(3);
      for (const bad of ['not-a-cursor', Buffer.from('12.').toString('base64url'), 'AAAA']) {
        const result = await stack.api('GET', `/member/wallet?before=${bad}`, { token: member.token });
        expect([bad, result.status]).toEqual([bad, 400]);
        expect(result.body.issues[0].field).toBe('before');
      }
      // Another member sees none of it.
      const stranger = await till.newMember();
      expect((await wallet(stack, stranger.token)).entries).toEqual([]);
    });

    it('100 concurrent spends of one balance, two of them at the till: exactly the affordable ones pass, never below zero', async () => {
      const member = await till.newMember();
      await creditStoredValue(stack, member.memberId, { principalFen: 2_500, bonusFen: 500 });
      // A member code pays once and two are live at a time, so the till brings two purchases; the
      // other 98 spends go through the same StoredValue service in-process, each in its own unit of work.
      const codes = [await till.code(member.token)];
      stack.clock.advance(MEMBER_CODE_ROTATE_SECONDS * 1000);
      codes.push(await till.code(member.token));
      const results = await Promise.all([
        ...codes.map(async (memberCode) => {
          const r = await stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode, amountFen: 100, balanceFen: 100, externalNo: aReceiptNo() } });
          return r.status === 201 ? 'ok' : r.body.code;
        }),
        ...Array.from({ length: 98 }, () => spendStoredValue(stack, member.memberId, 100)),
      ]);
      // ¥30 pays for exactly thirty ¥1 spends.
      expect(results.filter((r) => r === 'ok')).toHaveLength(30);
      expect(results.filter((r) => r !== 'ok')).toEqual(Array.from({ length: 70 }, () => 'BALANCE_INSUFFICIENT'));
      expect((await card(member)).balanceFen).toBe(0);
      const sums = await storedValueSums(member.memberId);
      expect(sums).toEqual({ stored_value_principal: { total: 0, lowest: 0 }, stored_value_bonus: { total: 0, lowest: 0 } });
      const page = await wallet(stack, member.token, '?limit=100');
      expect(page.entries).toHaveLength(31);
      expect(page.entries.filter((e) => e.kind === 'pay').every((e) => e.totalFen === -100)).toBe(true);
    });
  });
}
