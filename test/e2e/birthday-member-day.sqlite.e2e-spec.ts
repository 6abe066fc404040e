import type { GiftSettings, LoyaltySettings, MemberDayClaim, Order } from '@wemember/shared';
import { BirthdayGifts } from '../../server/src/birthdays/birthday-gifts';
import { createTemplate } from '../support/coupons';
import { TestStack } from '../support/stack';
import { TestTill } from '../support/till';

/** 10:00 in Shanghai on a calendar date; 14 July 2027 is a Wednesday. */
const at = (date: string) => `${date}T02:00:00Z`;

/**
 * The SQLite run (`npm start`) of the birthday job, the once-a-month birthday bonus and the
 * member-day claim: the same keys hold on the database whose write transactions queue in-process.
 */
describe('birthdays and member day (sqlite)', () => {
  let stack: TestStack;
  let till: TestTill;

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'sqlite' });
    stack.clock.travelTo(at('2027-07-01'));
    till = await TestTill.open(stack);
  });
  afterEach(async () => expect((await till.reconcile()).mismatches).toEqual([]));
  afterAll(() => stack?.close());

  it('gives the birthday gift once, takes the once-a-month bonus once and the member-day coupons once', async () => {
    const marketer = await stack.staffToken('marketer');
    const gift = await createTemplate(stack, marketer, { name: '生日蛋糕券', claimable: false, stock: 100, perMemberLimit: 1 });
    const gifts = await stack.api<GiftSettings>('GET', '/staff/settings/gifts', { token: marketer });
    const saved = await stack.api('PUT', '/staff/settings/gifts', {
      token: marketer,
      body: {
        welcome: { points: 0, coupons: [] },
        tierPacks: [],
        birthday: { grantOn: 'month_start', tierCoupons: [{ tier: 'normal', coupons: [{ templateId: gift.id, quantity: 1 }] }] },
        memberDay: { coupons: [{ templateId: gift.id, quantity: 1 }] },
        version: gifts.body.version,
      },
    });
    expect(saved.status).toBe(200);
    const loyalty = await stack.api<LoyaltySettings>('GET', '/staff/settings/loyalty', { token: till.adminToken });
    const rules = { ...loyalty.body.rules, earning: { ...loyalty.body.rules.earning, birthdayBonusMode: 'once_in_month' } };
    expect((await stack.api('PUT', '/staff/settings/loyalty', { token: till.adminToken, body: { version: loyalty.body.version, rules } })).status).toBe(200);

    const member = await till.newMember();
    expect((await stack.api('PUT', '/member/birthday', { token: member.token, body: { birthday: '1990-07-15' } })).status).toBe(200);
    const gifts1 = stack.app.get(BirthdayGifts);
    const runs = await Promise.all([gifts1.run('2027-07-01', stack.chain.brand.id), gifts1.run('2027-07-01', stack.chain.brand.id)]);
    expect(runs.map((r) => r.coupons).sort()).toEqual([0, 1]);
    expect(await stack.db.query('SELECT year FROM birthday_gifts WHERE member_id = ?', [member.memberId])).toEqual([{ year: 2027 }]);
    expect(await stack.db.query("SELECT dedupe_key FROM notifications WHERE member_id = ? AND kind = 'birthday'", [member.memberId])).toEqual([
      { dedupe_key: `birthday:${member.memberId}:2027` },
    ]);

    const bought = await Promise.all([till.buy(member, { amountFen: 10_000 }), till.buy(member, { amountFen: 10_000 })]);
    expect(bought.map((b) => (b.body as Order).pointsEarned).sort()).toEqual([100, 200]);

    stack.clock.travelTo(at('2027-07-14'));
    const claims = await Promise.all(Array.from({ length: 5 }, () => stack.api<MemberDayClaim>('POST', '/member/member-day/claim', { token: member.token })));
    expect(claims.map((c) => c.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const keys = await stack.db.query("SELECT grant_key FROM coupons WHERE member_id = ? AND source = 'member_day'", [member.memberId]);
    expect(keys).toEqual([{ grant_key: `memberday:${member.memberId}:2027-07-14:${gift.id}:1` }]);
  });
});
