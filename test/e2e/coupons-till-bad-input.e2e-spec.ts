import { randomBytes, randomUUID } from 'node:crypto';
import { couponCodeFromBytes } from '@wemember/shared';
import { demoBrandPlan, setUpBrand } from '../../server/src/seed/brand-setup';
import { STAFF_PASSWORD, TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';
import { TillCouponsDriver } from '../support/till-coupons';

const TUESDAY = '2026-06-02T02:00:00Z';

/** A well-formed code (right check character) that no coupon has. */
const unknownCode = () => couponCodeFromBytes(randomBytes(10));

/** Waits out the end of a fixed rate-limit window, so a test's attempts all fall in one window. */
async function awayFromWindowEdge(windowSeconds: number, marginMs = 8_000): Promise<void> {
  const left = windowSeconds * 1000 - (Date.now() % (windowSeconds * 1000));
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

/**
 * Every coupon the till cannot take gets a 4xx naming the field and the reason, and nothing changes:
 * no order, no points, no redemption, the coupon still issued.
 */
describe('coupons at the till: bad input (mysql)', () => {
  let stack: TestStack;
  let till: TestTill;
  let coupons: TillCouponsDriver;
  let member: TestMember;

  beforeAll(async () => {
    stack = await TestStack.start();
    stack.clock.travelTo(TUESDAY);
    till = await TestTill.open(stack);
    coupons = await TillCouponsDriver.open(stack, till);
    member = await till.newMember();
  });
  beforeEach(() => stack.clock.travelTo(TUESDAY));
  afterAll(() => stack?.close());

  /** What a refused request must leave as it was. */
  async function snapshot(couponIds: string[]) {
    const [redeemed] = await stack.db.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'coupon.redeem'");
    return { ledger: await till.ledgerCounts(), redemptions: Number(redeemed.n), states: await Promise.all(couponIds.map((id) => coupons.status(id))) };
  }

  it('malformed codes: refused by the schema, naming the field', async () => {
    const good = couponCodeFromBytes(randomBytes(10));
    // One character changed: the check character catches it.
    const typo = (good[0] === 'A' ? 'B' : 'A') + good.slice(1);
    for (const code of ['', 'ABC', typo, good + 'X', 'U'.repeat(17), 123]) {
      const result = await stack.api('POST', '/staff/coupons/redeem', { token: till.clerkToken, body: { code, externalNo: 'V-1' } });
      expect(result.status).toBe(400);
      expect(result.body.issues[0].field).toBe('code');
    }
    const lookup = await coupons.lookup('ABC');
    expect([lookup.status, lookup.body.issues[0].field]).toEqual([400, 'code']);
    const noReceipt = await stack.api('POST', '/staff/coupons/redeem', { token: till.clerkToken, body: { code: good } });
    expect([noReceipt.status, noReceipt.body.issues[0].field]).toEqual([400, 'externalNo']);
    const inPurchase = await till.buy(member, { amountFen: 12_000, couponCodes: ['ABC'] });
    expect([inPurchase.status, inPurchase.body.issues[0].field]).toEqual([400, 'couponCodes.0']);
    const twice = await till.buy(member, { amountFen: 12_000, couponCodes: [good, good.toLowerCase()] });
    expect([twice.status, twice.body.issues[0].field]).toEqual([400, 'couponCodes']);
  });

  it('an unknown code and another brand’s coupon are "not found"', async () => {
    const unknown = await coupons.redeem(unknownCode(), 'V-1');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'COUPON_NOT_FOUND', issues: [{ field: 'code' }] });

    const ours = await coupons.claim(member, (await coupons.template()).id);
    const other = await setUpBrand(stack.db, demoBrandPlan(`wxother${randomUUID().slice(0, 8)}`, STAFF_PASSWORD, `${stack.usernamePrefix}other-`));
    const login = await stack.api('POST', '/staff/auth/login', { body: { username: `${stack.usernamePrefix}other-admin`, password: STAFF_PASSWORD } });
    const storeId = other.stores[0].id;
    const before = await snapshot([ours.id]);
    for (const [path, extra] of [['/staff/coupons/lookup', {}], ['/staff/coupons/redeem', { externalNo: 'V-OTHER' }]] as const) {
      const result = await stack.api('POST', path, { token: login.body.token, body: { code: ours.code, storeId, ...extra } });
      expect([result.status, result.body.code]).toEqual([404, 'COUPON_NOT_FOUND']);
    }
    expect(await snapshot([ours.id])).toEqual(before);
  });

  it('expired, not yet valid, revoked and wrong-store coupons: 4xx with the reason, the coupon untouched', async () => {
    const oneDay = await coupons.claim(member, (await coupons.template({ name: '当日券', validity: { kind: 'relative', days: 1 } })).id);
    const july = await coupons.claim(member, (await coupons.template({ name: '七月券', validity: { kind: 'fixed', from: '2026-07-01', to: '2026-07-31' } })).id);
    const revoked = await coupons.claim(member, (await coupons.template({ name: '作废券' })).id);
    const shanghai = await coupons.claim(member, (await coupons.template({ name: '静安店专享', storeIds: [stack.store('SH001').id] })).id);
    const admin = await stack.staffToken('admin');
    const revoke = await stack.api('POST', `/staff/coupons/${revoked.id}/revoke`, { token: coupons.marketerToken, body: { reason: '重复发放' } });
    expect(revoke.status).toBe(200);
    stack.clock.travelTo('2026-06-03T02:00:00Z');

    const ids = [oneDay.id, july.id, revoked.id, shanghai.id];
    const before = await snapshot(ids);
    const cases = [
      [oneDay, 422, 'COUPON_EXPIRED', '该券已于 2026-06-02 过期'],
      [july, 422, 'COUPON_NOT_YET_VALID', '该券 2026-07-01 起才能使用'],
      [revoked, 409, 'COUPON_REVOKED', '该券已作废：重复发放'],
      [shanghai, 422, 'COUPON_WRONG_STORE', '该券不适用于本门店'],
    ] as const;
    for (const [coupon, status, code, message] of cases) {
      const alone = await coupons.redeem(coupon.code, aReceiptNo('V'));
      expect([alone.status, alone.body.code, alone.body.message, alone.body.issues]).toEqual([status, code, message, [{ field: 'code', message }]]);
      const inPurchase = await till.buy(member, { amountFen: 12_000, couponCodes: [coupon.code] });
      expect([inPurchase.status, inPurchase.body.code, inPurchase.body.issues]).toEqual([status, code, [{ field: 'couponCodes.0', message }]]);
      const looked = await coupons.lookup(coupon.code);
      expect([looked.status, looked.body.usableHere, looked.body.problem]).toEqual([200, false, message]);
    }
    // At its own store the Shanghai coupon works (HQ names the store).
    const there = await coupons.lookup(shanghai.code, admin, { storeId: stack.store('SH001').id });
    expect(there.body).toMatchObject({ usableHere: true, problem: null });
    expect(await snapshot(ids)).toEqual(before);
  });

  it('in a purchase: below the threshold, another member’s coupon, two discount coupons — named by their place in couponCodes', async () => {
    const cash = await coupons.template({ name: '满100减20' });
    const other = await coupons.template({ name: '无门槛减5', valueFen: 500, thresholdFen: 0 });
    const mine = await coupons.claim(member, cash.id);
    const mineToo = await coupons.claim(member, other.id);
    const stranger = await till.newMember();
    const theirs = await coupons.claim(stranger, cash.id);
    const before = await snapshot([mine.id, mineToo.id, theirs.id]);

    // ¥120 in all, but ¥30 of it is tobacco: ¥90 of eligible goods do not reach 满100.
    const items = [
      { name: '牛奶', amountFen: 9_000 },
      { name: '香烟', category: 'tobacco', amountFen: 3_000 },
    ];
    const below = await till.buy(member, { amountFen: 12_000, items, couponCodes: [mine.code] });
    expect(below.status).toBe(422);
    expect(below.body).toMatchObject({ code: 'COUPON_BELOW_THRESHOLD', issues: [{ field: 'couponCodes.0', message: '未达到使用门槛：可用券商品满 ¥100.00 可用，本单 ¥90.00' }] });
    const belowQuote = await coupons.quote(member, { amountFen: 9_999, couponCodes: [mine.code] });
    expect([belowQuote.status, belowQuote.body.code]).toEqual([422, 'COUPON_BELOW_THRESHOLD']);

    const notMine = await till.buy(member, { amountFen: 12_000, couponCodes: [mineToo.code, theirs.code] });
    expect(notMine.status).toBe(422);
    expect(notMine.body).toMatchObject({ code: 'COUPON_NOT_MEMBERS', issues: [{ field: 'couponCodes.1' }] });

    const two = await till.buy(member, { amountFen: 12_000, couponCodes: [mine.code, mineToo.code] });
    expect(two.status).toBe(422);
    expect(two.body).toMatchObject({ code: 'COUPON_NOT_STACKABLE', issues: [{ field: 'couponCodes.1', message: '每单只能使用一张满减或折扣券，已选「满100减20」' }] });

    // Another member's coupon at the counter is fine (the clerk redeems what is shown), but not in this member's purchase.
    expect(await snapshot([mine.id, mineToo.id, theirs.id])).toEqual(before);
  });

  it('a frozen or closed card takes no coupon', async () => {
    const frozen = await till.newMember();
    const coupon = await coupons.claim(frozen, (await coupons.template({ name: '冻结测试' })).id);
    await stack.db.query("UPDATE members SET status = 'frozen' WHERE id = ?", [frozen.memberId]);
    const before = await snapshot([coupon.id]);
    const refused = await coupons.redeem(coupon.code, 'V-FROZEN');
    expect([refused.status, refused.body.code]).toEqual([403, 'MEMBER_FROZEN']);
    await stack.db.query("UPDATE members SET status = 'closed' WHERE id = ?", [frozen.memberId]);
    const closed = await coupons.redeem(coupon.code, 'V-CLOSED');
    expect([closed.status, closed.body.code]).toEqual([403, 'MEMBER_CLOSED']);
    expect(await snapshot([coupon.id])).toEqual(before);
  });
});

describe('coupon code look-ups are rate-limited per staff account (mysql)', () => {
  let stack: TestStack;
  let till: TestTill;
  let coupons: TillCouponsDriver;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { RATE_LIMIT_COUPON_MISSES_PER_CALLER: '3', RATE_LIMIT_COUPON_LOOKUPS_PER_MINUTE: '8' } });
    stack.clock.travelTo(TUESDAY);
    till = await TestTill.open(stack);
    coupons = await TillCouponsDriver.open(stack, till);
  });
  afterAll(() => stack?.close());

  it('after 3 unknown codes the account waits, even for a real code; another account is not held up', async () => {
    const member = await till.newMember();
    const coupon = await coupons.claim(member, (await coupons.template()).id);
    await awayFromWindowEdge(600);
    for (let i = 0; i < 3; i++) expect((await coupons.lookup(unknownCode())).status).toBe(404);
    const locked = await coupons.lookup(coupon.code);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('COUPON_LOOKUP_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.body.message).toMatch(/^查券错误次数过多，请 \d+ 秒后再试$/);
    // Redemption and purchases look codes up too: they wait as well, and nothing is taken.
    const redeem = await coupons.redeem(coupon.code, 'V-LOCKED');
    expect([redeem.status, redeem.body.code]).toEqual([429, 'COUPON_LOOKUP_LOCKED']);
    const purchase = await till.buy(member, { amountFen: 12_000, couponCodes: [coupon.code] });
    expect([purchase.status, purchase.body.code, purchase.body.issues[0].field]).toEqual([429, 'COUPON_LOOKUP_LOCKED', 'couponCodes.0']);
    expect(await coupons.status(coupon.id)).toBe('issued');

    const manager = await stack.staffToken('manager');
    expect((await coupons.lookup(coupon.code, manager)).status).toBe(200);
  });

  it('all look-ups of one account are capped per minute', async () => {
    const member = await till.newMember();
    const coupon = await coupons.claim(member, (await coupons.template()).id);
    const region = await stack.staffToken('region');
    await awayFromWindowEdge(60);
    const storeId = stack.store('HZ001').id;
    for (let i = 0; i < 8; i++) expect((await coupons.lookup(coupon.code, region, { storeId })).status).toBe(200);
    const capped = await coupons.lookup(coupon.code, region, { storeId });
    expect([capped.status, capped.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(capped.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
