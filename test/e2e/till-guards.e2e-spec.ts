import { randomUUID } from 'node:crypto';
import { Clock } from '../../server/src/common/clock';
import { MemberCodes } from '../../server/src/members/member-code.service';
import { TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';

/**
 * Bad input at the till, who may do what, POS API keys, HQ adjustments and rule changes: every
 * refusal names its field and reason, and leaves every table as it was.
 */
describe('the till refuses what it must, and only staff in scope act', () => {
  let stack: TestStack;
  let till: TestTill;
  let member: TestMember;

  beforeAll(async () => {
    stack = await TestStack.start();
    till = await TestTill.open(stack);
    stack.clock.travelTo('2026-06-02T02:00:00Z');
    member = await till.newMember();
    await till.bought(member, { amountFen: 10_000 });
  });
  afterEach(async () => {
    expect((await till.reconcile()).mismatches).toEqual([]);
  });
  afterAll(() => stack?.close());

  async function refusedWithoutWrites(body: Record<string, unknown>, status: number, code: string, field?: string, token = till.clerkToken) {
    const before = await till.ledgerCounts();
    const result = await stack.api('POST', '/staff/orders', { token, body: { memberCode: await till.code(member.token), externalNo: aReceiptNo(), ...body } });
    expect({ status: result.status, code: result.body.code }).toEqual({ status, code });
    if (field) expect(result.body.issues.map((i: { field: string }) => i.field)).toContain(field);
    expect(typeof result.body.message).toBe('string');
    expect(await till.ledgerCounts()).toEqual(before);
    return result.body;
  }

  it.each([
    ['a negative amount', { amountFen: -100 }, 'amountFen'],
    ['a fractional amount', { amountFen: 12.5 }, 'amountFen'],
    ['an amount in yuan as text', { amountFen: '12.50' }, 'amountFen'],
    ['more than ¥1,000,000', { amountFen: 100_000_001 }, 'amountFen'],
    ['no amount', { amountFen: undefined }, 'amountFen'],
    ['negative points', { amountFen: 1_000, pointsToRedeem: -5 }, 'pointsToRedeem'],
    ['fractional points', { amountFen: 1_000, pointsToRedeem: 1.5 }, 'pointsToRedeem'],
    ['a receipt number with spaces', { amountFen: 1_000, externalNo: 'A 1' }, 'externalNo'],
    ['a member code that is not 20 digits', { amountFen: 1_000, memberCode: '1234' }, 'memberCode'],
    ['an unknown field', { amountFen: 1_000, discountFen: 500 }, 'discountFen'],
  ])('%s: 400 naming the field, nothing written', async (_, body, field) => {
    await refusedWithoutWrites(body, 400, 'VALIDATION_FAILED', field);
  });

  it('items that do not add up to the amount: 400 on items', async () => {
    await refusedWithoutWrites({ amountFen: 1_000, items: [{ category: 'dairy', amountFen: 900 }] }, 400, 'ITEMS_TOTAL_MISMATCH', 'items');
  });

  it('redeeming more than the balance or more than half the order: 422 on pointsToRedeem', async () => {
    const tooMany = await refusedWithoutWrites({ amountFen: 100_000, pointsToRedeem: 101 }, 422, 'POINTS_INSUFFICIENT', 'pointsToRedeem');
    expect(tooMany.message).toBe('积分不足：可用 100 积分');
    const overCap = await refusedWithoutWrites({ amountFen: 100, pointsToRedeem: 51 }, 422, 'REDEEM_OVER_LIMIT', 'pointsToRedeem');
    expect(overCap.message).toContain('本单最多可用 50 积分抵扣');
  });

  it('a forged code, an expired code, another brand’s code: 400 on memberCode', async () => {
    const code = await till.code(member.token);
    const forged = code.slice(0, 12) + String((Number(code.slice(12)) + 1) % 100_000_000).padStart(8, '0');
    await refusedWithoutWrites({ amountFen: 1_000, memberCode: forged }, 400, 'MEMBER_CODE_INVALID', 'memberCode');
    const old = new MemberCodes(stack.config, new Clock(() => stack.clock.now() - 5 * 60_000)).issue(stack.chain.brand.id, member.memberNo).code;
    await refusedWithoutWrites({ amountFen: 1_000, memberCode: old }, 400, 'MEMBER_CODE_EXPIRED', 'memberCode');
    const elsewhere = new MemberCodes(stack.config, new Clock(stack.clock.now)).issue(randomUUID(), member.memberNo).code;
    await refusedWithoutWrites({ amountFen: 1_000, memberCode: elsewhere }, 400, 'MEMBER_CODE_INVALID', 'memberCode');
  });

  it('a frozen card neither earns nor spends', async () => {
    const frozen = await till.newMember();
    const code = await till.code(frozen.token);
    await stack.db.query("UPDATE members SET status = 'frozen' WHERE id = ?", [frozen.memberId]);
    try {
      const before = await till.ledgerCounts();
      const result = await stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode: code, amountFen: 1_000, externalNo: aReceiptNo() } });
      expect([result.status, result.body.code]).toEqual([403, 'MEMBER_FROZEN']);
      expect(await till.ledgerCounts()).toEqual(before);
    } finally {
      await stack.db.query("UPDATE members SET status = 'active' WHERE id = ?", [frozen.memberId]);
    }
  });

  it('stores: a clerk records only for their own store; HQ must name a store in the brand; a marketer cannot', async () => {
    const other = stack.store('SH001').id;
    await refusedWithoutWrites({ amountFen: 1_000, storeId: other }, 403, 'FORBIDDEN');
    const admin = till.adminToken;
    await refusedWithoutWrites({ amountFen: 1_000 }, 400, 'STORE_REQUIRED', 'storeId', admin);
    await refusedWithoutWrites({ amountFen: 1_000, storeId: randomUUID() }, 404, 'STORE_NOT_FOUND', 'storeId', admin);
    await refusedWithoutWrites({ amountFen: 1_000, storeId: stack.store('GZ001').id }, 404, 'STORE_NOT_FOUND', 'storeId', await stack.staffToken('region'));
    await refusedWithoutWrites({ amountFen: 1_000 }, 403, 'FORBIDDEN', undefined, await stack.staffToken('marketer'));
    const atShanghai = await till.buy(member, { amountFen: 1_000, storeId: other }, admin);
    expect([atShanghai.status, atShanghai.body.storeName]).toEqual([201, '上海静安店']);

    // The Hangzhou clerk does not see, or refund, Shanghai's orders: they are another store's (403).
    expect((await stack.api('GET', `/staff/orders/${atShanghai.body.id}`, { token: till.clerkToken })).body.code).toBe('OTHER_STORE');
    expect((await till.refund(atShanghai.body.id, { amountFen: 100 })).body.code).toBe('OTHER_STORE');
    const list = await stack.api('GET', '/staff/orders', { token: till.clerkToken });
    expect(list.body.length).toBeGreaterThan(0);
    expect(list.body.every((o: { storeName: string; memberNo: string }) => o.storeName === '杭州西湖店' && /^\d{10}$/.test(o.memberNo))).toBe(true);
    expect(list.body.map((o: { id: string }) => o.id)).not.toContain(atShanghai.body.id);
    const hq = await stack.api('GET', `/staff/orders?externalNo=${atShanghai.body.externalNo}`, { token: admin });
    expect(hq.body.map((o: { id: string; storeName: string }) => [o.id, o.storeName])).toEqual([[atShanghai.body.id, '上海静安店']]);
  });

  it('a POS system records with its store’s API key, only for that store; a revoked key is refused', async () => {
    const store = stack.store('HZ001').id;
    const clerkTry = await stack.api('POST', `/staff/stores/${store}/api-keys`, { token: till.clerkToken, body: { label: '收银机 1 号' } });
    expect(clerkTry.status).toBe(403);
    const created = await stack.api('POST', `/staff/stores/${store}/api-keys`, { token: till.adminToken, body: { label: '收银机 1 号' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^wm_/);
    const headers = { 'x-api-key': created.body.key };

    const sale = await stack.api('POST', '/staff/orders', { headers, body: { memberCode: await till.code(member.token), amountFen: 2_000, externalNo: aReceiptNo('POS') } });
    expect([sale.status, sale.body.storeName, sale.body.pointsEarned]).toEqual([201, '杭州西湖店', 20]);
    const elsewhere = await stack.api('POST', '/staff/orders', {
      headers,
      body: { memberCode: await till.code(member.token), amountFen: 2_000, externalNo: aReceiptNo('POS'), storeId: stack.store('SH001').id },
    });
    expect(elsewhere.status).toBe(403);
    expect((await stack.api('POST', `/staff/orders/${sale.body.id}/refund`, { headers, body: { refundNo: aReceiptNo('F'), amountFen: 2_000 } })).status).toBe(201);

    const revoked = await stack.api('DELETE', `/staff/stores/${store}/api-keys/${created.body.id}`, { token: till.adminToken });
    expect(revoked.body.revokedAt).not.toBeNull();
    const after = await stack.api('POST', '/staff/orders', { headers, body: { memberCode: await till.code(member.token), amountFen: 2_000, externalNo: aReceiptNo('POS') } });
    expect([after.status, after.body.code]).toEqual([401, 'API_KEY_INVALID']);
    expect((await stack.api('POST', '/staff/orders', { headers: { 'x-api-key': 'wm_guess' }, body: {} })).status).toBe(401);
  });

  it('HQ adjusts points with a reason, once per requestId, audited; nobody else may', async () => {
    const target = await till.newMember();
    const noReason = await stack.api('POST', `/staff/members/${target.memberId}/points/adjustments`, {
      token: till.adminToken,
      body: { delta: 50, reason: '', requestId: aReceiptNo('ADJ') },
    });
    expect([noReason.status, noReason.body.issues[0].field]).toEqual([400, 'reason']);
    const manager = await stack.api('POST', `/staff/members/${target.memberId}/points/adjustments`, {
      token: await stack.staffToken('manager'),
      body: { delta: 50, reason: '顾客投诉补偿', requestId: aReceiptNo('ADJ') },
    });
    expect(manager.status).toBe(403);

    const requestId = aReceiptNo('ADJ');
    const first = await till.adjust(target, 50, '顾客投诉补偿', requestId);
    expect(first.body).toMatchObject({ delta: 50, balanceAfter: 50, replayed: false });
    const replay = await till.adjust(target, 50, '顾客投诉补偿', requestId);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ id: first.body.id, balanceAfter: 50, replayed: true });
    expect((await till.adjust(target, 60, '顾客投诉补偿', requestId)).status).toBe(409);
    const overdraw = await till.adjust(target, -51, '误操作冲正');
    expect([overdraw.status, overdraw.body.code]).toEqual([422, 'POINTS_INSUFFICIENT']);
    expect((await till.adjust(target, -20, '误操作冲正')).body.balanceAfter).toBe(30);

    const audit = await stack.db.query("SELECT detail FROM audit_log WHERE target_id = ? AND action = 'points.adjust'", [target.memberId]);
    expect(audit.map((a: { detail: string }) => JSON.parse(a.detail)).map((d: { delta: number; reason: string }) => [d.delta, d.reason])).toEqual(
      expect.arrayContaining([
        [50, '顾客投诉补偿'],
        [-20, '误操作冲正'],
      ]),
    );
    expect(audit).toHaveLength(2);
    const page = await stack.api('GET', '/member/points', { token: target.token });
    expect(page.body.entries.map((e: { kindName: string; reason: string; delta: number }) => [e.kindName, e.reason, e.delta])).toEqual([
      ['人工调整', '误操作冲正', -20],
      ['人工调整', '顾客投诉补偿', 50],
    ]);
  });

  it('rules: HQ edits them with the version read; bad rules and stale versions are refused; others may only read', async () => {
    const read = await stack.api('GET', '/staff/settings/loyalty', { token: await stack.staffToken('manager') });
    expect(read.status).toBe(200);
    const put = (token: string, body: unknown) => stack.api('PUT', '/staff/settings/loyalty', { token, body });
    expect((await put(await stack.staffToken('manager'), { rules: read.body.rules, version: read.body.version })).status).toBe(403);

    const badTiers = structuredClone(read.body.rules);
    badTiers.tiers[2].minGrowth = 500;
    const refused = await put(till.adminToken, { rules: badTiers, version: read.body.version });
    expect([refused.status, refused.body.issues[0].field]).toEqual([400, 'rules.tiers.2.minGrowth']);

    const richer = structuredClone(read.body.rules);
    richer.earning.pointsPerYuan = 2;
    const saved = await put(till.adminToken, { rules: richer, version: read.body.version });
    expect(saved.status).toBe(200);
    try {
      expect((await put(till.adminToken, { rules: richer, version: read.body.version })).body.code).toBe('SETTINGS_CONFLICT');
      expect((await till.bought(member, { amountFen: 1_000 })).pointsEarned).toBe(20);
    } finally {
      expect((await put(till.adminToken, { rules: read.body.rules, version: saved.body.version })).status).toBe(200);
    }
    const [audit] = await stack.db.query("SELECT COUNT(*) AS n FROM audit_log WHERE brand_id = ? AND action = 'loyalty_rules.update'", [stack.chain.brand.id]);
    expect(Number(audit.n)).toBe(2);
  });

  it('a member sees only their own points; a staff token is not a member token', async () => {
    expect((await stack.api('GET', '/member/points')).status).toBe(401);
    expect((await stack.api('GET', '/member/points', { token: till.clerkToken })).status).toBe(403);
    const other = await till.newMember();
    const mine = await stack.api('GET', '/member/points', { token: other.token });
    expect(mine.body).toMatchObject({ balance: 0, entries: [] });
    expect((await stack.api('GET', '/member/points?limit=0', { token: other.token })).status).toBe(400);
  });
});
