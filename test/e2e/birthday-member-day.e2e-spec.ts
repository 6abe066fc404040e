import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { BirthdayCorrection, CouponTemplate, GiftSettings, GiftSettingsInput, LoyaltyRules, LoyaltySettings, MemberDayClaim, MemberDayStatus, Order } from '@wemember/shared';
import { BirthdayGifts } from '../../server/src/birthdays/birthday-gifts';
import { PointsJobs } from '../../server/src/jobs/points-jobs';
import { createTemplate } from '../support/coupons';
import type { HttpResult } from '../support/http';
import { aPhone, TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';

/** An error answer's fields. */
interface ErrorBody {
  code?: string;
  issues?: { field: string; message: string }[];
}

/** 10:00 in Shanghai on a calendar date. */
const at = (date: string) => `${date}T02:00:00Z`;
/** 14 July 2027 is a Wednesday (会员日 by default); 13 July a Tuesday, 15 July a Thursday. */
const WEDNESDAY = '2027-07-14';
const TUESDAY = '2027-07-13';
const THURSDAY = '2027-07-15';

/**
 * Birthdays and member day over HTTP on MariaDB: the daily birthday gift given once per member and
 * year (twice at once, on two instances, late in the month, 29 February), the three birthday bonus
 * modes through real purchases, the member-day discount and multiplier at the till, member-day
 * coupons taken once per day, and staff correcting a birthday within their scope.
 */
describe('birthdays and member day (mysql)', () => {
  let stack: TestStack;
  let twin: NestFastifyApplication;
  let till: TestTill;
  let marketer: string;
  let gift: CouponTemplate;
  let dayCoupon: CouponTemplate;

  beforeAll(async () => {
    stack = await TestStack.start();
    twin = await stack.twin();
    stack.clock.travelTo(at('2027-06-20'));
    till = await TestTill.open(stack);
    marketer = await stack.staffToken('marketer');
    gift = await createTemplate(stack, marketer, { name: '生日蛋糕券', claimable: false, stock: 10_000, perMemberLimit: 1, validity: { kind: 'relative', days: 30 } });
    dayCoupon = await createTemplate(stack, marketer, { name: '会员日满50减8', valueFen: 800, thresholdFen: 5_000, claimable: false, stock: 10_000, perMemberLimit: 1 });
  });
  afterEach(async () => expect((await till.reconcile()).mismatches).toEqual([]));
  afterAll(() => stack?.close());

  const brandId = () => stack.chain.brand.id;

  async function setGifts(gifts: Omit<GiftSettingsInput, 'welcome' | 'tierPacks'>): Promise<void> {
    const current = await stack.api<GiftSettings>('GET', '/staff/settings/gifts', { token: marketer });
    const saved = await stack.api('PUT', '/staff/settings/gifts', { token: marketer, body: { welcome: { points: 0, coupons: [] }, tierPacks: [], ...gifts, version: current.body.version } });
    if (saved.status !== 200) throw new Error(`gift settings: ${saved.status} ${JSON.stringify(saved.body)}`);
  }

  async function setEarning(earning: Partial<LoyaltyRules['earning']>, memberDay: Partial<LoyaltyRules['earning']['memberDay']> = {}): Promise<void> {
    const current = await stack.api<LoyaltySettings>('GET', '/staff/settings/loyalty', { token: till.adminToken });
    const rules = current.body.rules;
    const body = { version: current.body.version, rules: { ...rules, earning: { ...rules.earning, ...earning, memberDay: { ...rules.earning.memberDay, ...memberDay } } } };
    const saved = await stack.api('PUT', '/staff/settings/loyalty', { token: till.adminToken, body });
    if (saved.status !== 200) throw new Error(`loyalty settings: ${saved.status} ${JSON.stringify(saved.body)}`);
  }
  const DEFAULT_EARNING = { birthdayBonusMode: 'month' as const, birthdayMonthMultiplierPercent: 200 };
  const DEFAULT_MEMBER_DAY = { weekdays: [3], monthDays: [], multiplierPercent: 200, discountOffPercent: 0 };

  /** A member who joined (at `scene`'s store, if given) and set their birthday on the card. */
  async function memberBornOn(birthday: string, scene?: string): Promise<TestMember> {
    let member: TestMember;
    if (scene) {
      const phone = aPhone();
      const joined = await stack.join(phone, { scene });
      const memberId = ((await stack.db.query('SELECT id FROM members WHERE brand_id = ? AND member_no = ?', [brandId(), joined.member!.memberNo])) as { id: string }[])[0]!.id;
      member = { token: joined.token, memberNo: joined.member!.memberNo, memberId, phone };
    } else {
      member = await till.newMember();
    }
    const set = await stack.api('PUT', '/member/birthday', { token: member.token, body: { birthday } });
    if (set.status !== 200) throw new Error(`birthday: ${set.status} ${JSON.stringify(set.body)}`);
    return member;
  }

  const runOn = (app: NestFastifyApplication, date: string) => app.get(BirthdayGifts).run(date, brandId());
  const giftRows = async (member: TestMember) =>
    (await stack.db.query('SELECT year, tier, birthday FROM birthday_gifts WHERE member_id = ? ORDER BY year', [member.memberId])) as { year: number; tier: string; birthday: string }[];
  const couponKeys = async (member: TestMember, source: string) =>
    ((await stack.db.query('SELECT grant_key FROM coupons WHERE member_id = ? AND source = ? ORDER BY grant_key', [member.memberId, source])) as { grant_key: string }[]).map(
      (r) => r.grant_key,
    );
  const greetings = async (member: TestMember) =>
    ((await stack.db.query("SELECT dedupe_key, payload FROM notifications WHERE member_id = ? AND kind = 'birthday' ORDER BY dedupe_key", [member.memberId])) as {
      dedupe_key: string;
      payload: string;
    }[]).map((r) => ({ key: r.dedupe_key, payload: JSON.parse(r.payload) as { kind: string; gift: string | null } }));

  describe('the birthday gift', () => {
    it('runs twice at once, on two instances and through the queue: each member of the month gets one gift and one greeting', async () => {
      await setGifts({ birthday: { grantOn: 'month_start', tierCoupons: [{ tier: 'normal', coupons: [{ templateId: gift.id, quantity: 2 }] }] } });
      const july = await memberBornOn('1990-07-15');
      const august = await memberBornOn('1990-08-02');
      const frozen = await memberBornOn('1988-07-03');
      await stack.db.query("UPDATE members SET status = 'frozen' WHERE id = ?", [frozen.memberId]);
      const closed = await memberBornOn('1985-07-09');
      expect((await stack.api('POST', '/member/close', { token: closed.token, body: { confirm: true } })).status).toBe(200);

      stack.clock.travelTo('2027-06-30T16:20:00Z'); // 1 July 00:20 in Shanghai
      const runBoth = () => Promise.all([stack.app.get(PointsJobs), twin.get(PointsJobs)].map((j) => j.runFor('birthday', '2027-07-01', brandId())));
      const [direct, queued] = await Promise.all([
        Promise.all([runOn(stack.app, '2027-07-01'), runOn(stack.app, '2027-07-01'), runOn(twin, '2027-07-01'), runOn(twin, '2027-07-01')]),
        runBoth(),
      ]);
      // Both instances asked the queue for the day's run: Redis holds it once.
      expect(new Set(queued.map((job) => job.id)).size).toBe(1);
      const runs = [...direct, (await queued[0]!.finished()) as { members: number; coupons: number }];
      // Across all the runs together: one member given, two coupons.
      expect(runs.reduce((sum, r) => sum + r.members, 0)).toBe(1);
      expect(runs.reduce((sum, r) => sum + r.coupons, 0)).toBe(2);

      expect(await giftRows(july)).toEqual([{ year: 2027, tier: 'normal', birthday: '1990-07-15' }]);
      expect(await couponKeys(july, 'birthday')).toEqual([`birthday:${july.memberId}:2027:${gift.id}:1`, `birthday:${july.memberId}:2027:${gift.id}:2`]);
      expect(await greetings(july)).toEqual([{ key: `birthday:${july.memberId}:2027`, payload: expect.objectContaining({ kind: 'birthday', gift: '生日蛋糕券 × 2' }) }]);
      // The greeting names the gift: no second 优惠券到账 message for the same coupons.
      expect(await stack.db.query("SELECT kind FROM notifications WHERE member_id = ? AND kind = 'coupon_received'", [july.memberId])).toEqual([]);
      const mine = await stack.api('GET', '/member/coupons?status=usable', { token: july.token });
      expect(mine.body.coupons.filter((c: { sourceName: string }) => c.sourceName === '生日礼')).toHaveLength(2);
      for (const nobody of [august, frozen, closed]) {
        expect(await giftRows(nobody)).toEqual([]);
        expect(await couponKeys(nobody, 'birthday')).toEqual([]);
        expect(await greetings(nobody)).toEqual([]);
      }

      // The next days' runs give nothing more; August's member waits for August.
      expect(await runOn(stack.app, '2027-07-02')).toMatchObject({ members: 0, coupons: 0 });
      expect(await runOn(stack.app, '2027-08-01')).toMatchObject({ members: 1, coupons: 2 });
      expect(await couponKeys(august, 'birthday')).toHaveLength(2);

      // Next year gives again, under next year's keys.
      stack.clock.travelTo('2028-06-30T16:20:00Z');
      expect(await runOn(twin, '2028-07-01')).toMatchObject({ members: 1, coupons: 2 });
      expect((await giftRows(july)).map((r) => r.year)).toEqual([2027, 2028]);
      expect(await couponKeys(july, 'birthday')).toHaveLength(4);
      expect((await greetings(july)).map((g) => g.key)).toEqual([`birthday:${july.memberId}:2027`, `birthday:${july.memberId}:2028`]);
      stack.clock.travelTo(at('2027-06-20'));
    });

    it('a late run within the month still gives, to a birthday set after the 1st as well; the month over, nothing', async () => {
      await setGifts({ birthday: { grantOn: 'month_start', tierCoupons: [{ tier: 'normal', coupons: [{ templateId: gift.id, quantity: 1 }] }] } });
      stack.clock.travelTo(at('2029-09-03'));
      const missedFirst = await memberBornOn('1993-09-20');
      // The runs of 1 and 2 September never happened; the 3rd's gives September's gift.
      expect(await runOn(stack.app, '2029-09-03')).toMatchObject({ members: 1, coupons: 1 });
      expect(await giftRows(missedFirst)).toEqual([{ year: 2029, tier: 'normal', birthday: '1993-09-20' }]);

      stack.clock.travelTo(at('2029-10-01'));
      const tooLate = await memberBornOn('1993-09-21');
      expect(await runOn(stack.app, '2029-10-01')).toMatchObject({ members: 0 });
      expect(await giftRows(tooLate)).toEqual([]);
      stack.clock.travelTo(at('2027-06-20'));
    });

    it("grantOn 'birthday' gives on the birthday itself, and a 29 February birthday on 28 February in other years", async () => {
      await setGifts({ birthday: { grantOn: 'birthday', tierCoupons: [{ tier: 'normal', coupons: [{ templateId: gift.id, quantity: 1 }] }] } });
      stack.clock.travelTo(at('2031-02-01'));
      const leapling = await memberBornOn('1996-02-29');
      const other = await memberBornOn('1990-02-27');
      await runOn(stack.app, '2031-02-26');
      expect(await giftRows(other)).toEqual([]);
      await runOn(stack.app, '2031-02-27');
      expect((await giftRows(other)).map((r) => r.year)).toEqual([2031]);
      expect(await giftRows(leapling)).toEqual([]);
      // 2031 is not a leap year: the leapling's birthday is 28 February.
      await runOn(twin, '2031-02-28');
      expect((await giftRows(leapling)).map((r) => r.year)).toEqual([2031]);
      // 2032 is: 28 February is not their day, 29 February is.
      stack.clock.travelTo(at('2032-02-28'));
      await runOn(stack.app, '2032-02-28');
      expect((await giftRows(leapling)).map((r) => r.year)).toEqual([2031]);
      await runOn(stack.app, '2032-02-29');
      expect((await giftRows(leapling)).map((r) => r.year)).toEqual([2031, 2032]);
      expect(await couponKeys(leapling, 'birthday')).toEqual([`birthday:${leapling.memberId}:2031:${gift.id}:1`, `birthday:${leapling.memberId}:2032:${gift.id}:1`]);
      stack.clock.travelTo(at('2027-06-20'));
    });
  });

  describe('the birthday bonus modes at the till', () => {
    afterAll(() => setEarning(DEFAULT_EARNING, DEFAULT_MEMBER_DAY));
    const earned = (order: Order) => [order.pointsEarned, order.earningNotes];

    it("'month' doubles every purchase of the birthday month; 'day' only the birthday", async () => {
      stack.clock.travelTo(at(TUESDAY));
      const member = await memberBornOn('1990-07-15');
      await setEarning({ birthdayBonusMode: 'month' });
      expect(earned(await till.bought(member, { amountFen: 10_000 }))).toEqual([200, ['生日月 2 倍']]);
      await setEarning({ birthdayBonusMode: 'day' });
      expect(earned(await till.bought(member, { amountFen: 10_000 }))).toEqual([100, []]);
      stack.clock.travelTo(at(THURSDAY));
      expect(earned(await till.bought(member, { amountFen: 10_000 }))).toEqual([200, ['生日当天 2 倍']]);
      const status = await stack.api<MemberDayStatus>('GET', '/member/member-day', { token: member.token });
      expect(status.body.birthday).toEqual({ text: '生日当天消费积分 2 倍', multiplierPercent: 200 });
    });

    it("'once_in_month': the first purchase takes it, a replay answers as the first, the quote shows it only while untaken", async () => {
      stack.clock.travelTo(at(TUESDAY));
      await setEarning({ birthdayBonusMode: 'once_in_month' });
      const member = await memberBornOn('1991-07-02');
      const quote = async () => (await stack.api('POST', '/staff/orders/quote', { token: till.clerkToken, body: { memberCode: await till.code(member.token), amountFen: 10_000 } })).body;
      expect(await quote()).toMatchObject({ pointsEarned: 200, earningNotes: ['生日月首单 2 倍'] });
      expect((await stack.api<MemberDayStatus>('GET', '/member/member-day', { token: member.token })).body.birthday).toEqual({ text: '生日月首单积分 2 倍', multiplierPercent: 200 });

      // Five purchases at once: exactly one takes the bonus.
      const externalNos = Array.from({ length: 5 }, () => aReceiptNo());
      const bought = await Promise.all(externalNos.map((externalNo) => till.buy(member, { amountFen: 10_000, externalNo })));
      expect(bought.map((b) => b.status)).toEqual([201, 201, 201, 201, 201]);
      expect(bought.map((b) => b.body.pointsEarned).sort()).toEqual([100, 100, 100, 100, 200]);
      const first = bought.find((b) => b.body.pointsEarned === 200)!.body as Order;
      const claims = await stack.db.query('SELECT year, order_id FROM birthday_bonus_claims WHERE member_id = ?', [member.memberId]);
      expect(claims).toEqual([{ year: 2027, order_id: first.id }]);

      const replay = await till.buy(member, { amountFen: 10_000, externalNo: first.externalNo });
      expect(replay.status).toBe(200);
      expect(replay.body).toMatchObject({ id: first.id, pointsEarned: 200, earningNotes: ['生日月首单 2 倍'], replayed: true });
      expect(await quote()).toMatchObject({ pointsEarned: 100, earningNotes: [] });
      expect((await stack.api<MemberDayStatus>('GET', '/member/member-day', { token: member.token })).body.birthday).toBeNull();
    });
  });

  describe('member day', () => {
    afterAll(() => setEarning(DEFAULT_EARNING, DEFAULT_MEMBER_DAY));

    it('on a Wednesday the till takes the extra 9.8折 after the tier discount and doubles the points; the refund gives back what was paid', async () => {
      await setEarning(DEFAULT_EARNING, { discountOffPercent: 2 });
      stack.clock.travelTo(at(TUESDAY));
      const member = await till.newMember();
      const tuesday = await till.bought(member, { amountFen: 12_345 });
      expect(tuesday).toMatchObject({ discountFen: 0, payableFen: 12_345, pointsEarned: 123, earningNotes: [] });

      stack.clock.travelTo(at(WEDNESDAY));
      const quote = await stack.api('POST', '/staff/orders/quote', { token: till.clerkToken, body: { memberCode: await till.code(member.token), amountFen: 12_345 } });
      // 2 % of ¥123.45 is 246.9 fen: 246, in the shop's favour; points on what was paid, doubled.
      expect(quote.body).toMatchObject({ discountFen: 246, payableFen: 12_099, pointsEarned: 241, earningNotes: ['会员日 2 倍', '会员日 9.8折 再减 ¥2.46'] });
      const order = await till.bought(member, { amountFen: 12_345 });
      expect(order).toMatchObject({ discountFen: 246, payableFen: 12_099, pointsEarned: 241, earningNotes: ['会员日 2 倍', '会员日 9.8折 再减 ¥2.46'] });
      const refund = await till.refund(order.id, { amountFen: 12_345 });
      expect(refund.status).toBe(201);
      expect(refund.body).toMatchObject({ refundFen: 12_099, pointsReversed: 241 });
      // The member's receipt counts it among the member discounts.
      const mine = await stack.api('GET', '/member/orders', { token: member.token });
      expect(mine.body.orders.find((o: { id: string }) => o.id === order.id)).toMatchObject({ discountFen: 246, payableFen: 12_099, refundedMoneyFen: 12_099 });
    });

    it("tells the card whether today is member day, the next one and what it gives", async () => {
      await setEarning(DEFAULT_EARNING, { discountOffPercent: 2 });
      await setGifts({ memberDay: { coupons: [{ templateId: dayCoupon.id, quantity: 2 }] } });
      const member = await till.newMember();
      stack.clock.travelTo(at(WEDNESDAY));
      const today = await stack.api<MemberDayStatus>('GET', '/member/member-day', { token: member.token });
      expect(today.status).toBe(200);
      expect(today.body).toEqual({
        today: WEDNESDAY,
        isMemberDay: true,
        nextDate: WEDNESDAY,
        schedule: '每周三',
        multiplierPercent: 200,
        discountOffPercent: 2,
        coupons: [{ templateId: dayCoupon.id, name: '会员日满50减8', summary: '满50减8', quantity: 2 }],
        claimedToday: false,
        birthday: null,
      });
      stack.clock.travelTo(at(THURSDAY));
      const thursday = await stack.api<MemberDayStatus>('GET', '/member/member-day', { token: member.token });
      expect(thursday.body).toMatchObject({ today: THURSDAY, isMemberDay: false, nextDate: '2027-07-21', schedule: '每周三' });
    });

    it('member-day coupons: 20 claims at once give one set; 200 with the same coupons after; other days and empty settings refused; a frozen card takes nothing', async () => {
      await setGifts({ memberDay: { coupons: [{ templateId: dayCoupon.id, quantity: 2 }] } });
      const member = await till.newMember();
      const claim = (who: TestMember): Promise<HttpResult<MemberDayClaim & ErrorBody>> => stack.api('POST', '/member/member-day/claim', { token: who.token });

      stack.clock.travelTo(at(THURSDAY));
      const thursday = await claim(member);
      expect([thursday.status, thursday.body.code]).toEqual([409, 'NOT_MEMBER_DAY']);

      stack.clock.travelTo(at(WEDNESDAY));
      const results = await Promise.all(Array.from({ length: 20 }, () => claim(member)));
      expect(results.map((r) => r.status).sort()).toEqual([...Array(19).fill(200), 201]);
      const firstIds = results.find((r) => r.status === 201)!.body.coupons.map((c) => c.id);
      expect(firstIds).toHaveLength(2);
      for (const r of results) {
        expect(r.body).toMatchObject({ date: WEDNESDAY, alreadyClaimed: r.status === 200 });
        expect(r.body.coupons.map((c) => c.id).sort()).toEqual([...firstIds].sort());
        expect(r.body.coupons[0]).toMatchObject({ name: '会员日满50减8', sourceName: '会员日礼券', tab: 'usable' });
      }
      expect(await couponKeys(member, 'member_day')).toEqual([`memberday:${member.memberId}:${WEDNESDAY}:${dayCoupon.id}:1`, `memberday:${member.memberId}:${WEDNESDAY}:${dayCoupon.id}:2`]);
      expect((await stack.api<MemberDayStatus>('GET', '/member/member-day', { token: member.token })).body.claimedToday).toBe(true);

      // The next Wednesday is another member day.
      stack.clock.travelTo(at('2027-07-21'));
      expect((await claim(member)).status).toBe(201);
      expect(await couponKeys(member, 'member_day')).toHaveLength(4);

      const frozen = await till.newMember();
      await stack.db.query("UPDATE members SET status = 'frozen' WHERE id = ?", [frozen.memberId]);
      const refused = await claim(frozen);
      expect([refused.status, refused.body.code]).toEqual([403, 'MEMBER_FROZEN']);
      expect(await couponKeys(frozen, 'member_day')).toEqual([]);

      await setGifts({ memberDay: { coupons: [] } });
      const late = await till.newMember();
      const none = await claim(late);
      expect([none.status, none.body.code]).toEqual([409, 'MEMBER_DAY_NO_COUPONS']);
      // Taken already: still answered with the day's coupons.
      expect((await claim(member)).status).toBe(200);
    });
  });

  describe('staff correcting a birthday', () => {
    it("store managers correct their own store's members, audited; another store's manager is refused; no second gift in the year", async () => {
      await setGifts({ birthday: { grantOn: 'month_start', tierCoupons: [{ tier: 'normal', coupons: [{ templateId: gift.id, quantity: 1 }] }] } });
      stack.clock.travelTo(at('2033-07-01'));
      const westLake = await memberBornOn('1990-07-15', stack.chain.counterScenes.HZ001);
      const jingan = await memberBornOn('1990-07-16', stack.chain.counterScenes.SH001);
      await runOn(stack.app, '2033-07-01');
      expect(await couponKeys(westLake, 'birthday')).toHaveLength(1);

      const manager = await stack.staffToken('manager');
      const correct = (member: TestMember, body: unknown, token = manager): Promise<HttpResult<BirthdayCorrection & ErrorBody>> =>
        stack.api('PUT', `/staff/members/${member.memberId}/birthday`, { token, body });

      const done = await correct(westLake, { birthday: '1990-07-25', reason: '会员登记时选错日期' });
      expect(done.status).toBe(200);
      expect(done.body).toEqual({ memberId: westLake.memberId, birthday: '1990-07-25', previous: '1990-07-15' });
      const audit = (await stack.db.query("SELECT staff_id, detail FROM audit_log WHERE action = 'member.birthday_correct' AND target_id = ?", [westLake.memberId])) as {
        staff_id: string;
        detail: string;
      }[];
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0]!.detail)).toEqual({ before: '1990-07-15', after: '1990-07-25', reason: '会员登记时选错日期' });
      const card = await stack.api('GET', '/member/card', { token: westLake.token });
      expect(card.body.birthday).toBe('1990-07-25');

      const other = await correct(jingan, { birthday: '1990-07-20', reason: '会员登记时选错日期' });
      expect([other.status, other.body.code]).toEqual([403, 'OTHER_STORE']);
      const clerk = await correct(westLake, { birthday: '1990-07-20', reason: '会员登记时选错日期' }, till.clerkToken);
      expect(clerk.status).toBe(403);
      const future = await correct(westLake, { birthday: '2033-07-02', reason: '会员登记时选错日期' });
      expect(future.status).toBe(400);
      expect(future.body.issues?.map((i) => i.field)).toEqual(['birthday']);
      const noReason = await correct(westLake, { birthday: '1990-07-20', reason: '' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.issues?.map((i) => i.field)).toEqual(['reason']);
      const corrections = await stack.db.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'member.birthday_correct' AND target_id IN (?, ?)", [westLake.memberId, jingan.memberId]);
      expect(Number(corrections[0].n)).toBe(1);
      const byAdmin = await correct(jingan, { birthday: '1990-08-20', reason: '身份证核对后更正' }, till.adminToken);
      expect(byAdmin.body).toEqual({ memberId: jingan.memberId, birthday: '1990-08-20', previous: '1990-07-16' });

      // Corrected into August after July's gift: August's run gives neither a second gift of the year.
      await correct(westLake, { birthday: '1990-08-03', reason: '会员再次核对' });
      await runOn(stack.app, '2033-08-05');
      expect(await couponKeys(westLake, 'birthday')).toHaveLength(1);
      expect(await couponKeys(jingan, 'birthday')).toHaveLength(1);
      expect((await giftRows(jingan)).map((r) => [r.year, r.birthday])).toEqual([[2033, '1990-07-16']]);
    });
  });
});
