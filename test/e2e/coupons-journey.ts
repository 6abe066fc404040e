import type { CouponCenter, CouponTemplate, MemberCoupon, MemberCoupons } from '@wemember/shared';
import { normalizeCouponCode } from '@wemember/shared';
import { aTemplate, createTemplate } from '../support/coupons';
import { TestStack } from '../support/stack';
import { TestTill } from '../support/till';

/** Tuesday 2 June 2026, 10:00 in Shanghai. */
const TUESDAY = '2026-06-02T02:00:00Z';

/**
 * The issuing journey: a marketer designs a template, members find it in the coupon centre, claim
 * it and see it under "我的券"; editing the template leaves issued coupons alone. Shared by the
 * MariaDB and the SQLite runs.
 */
export function describeCouponJourney(database: 'mysql' | 'sqlite'): void {
  describe(`coupon templates, the coupon centre and my coupons (${database})`, () => {
    let stack: TestStack;
    let till: TestTill;
    let marketer: string;

    beforeAll(async () => {
      stack = await TestStack.start({ database });
      stack.clock.travelTo(TUESDAY);
      till = await TestTill.open(stack);
      marketer = await stack.staffToken('marketer');
    });
    beforeEach(() => stack.clock.travelTo(TUESDAY));
    afterAll(() => stack?.close());

    it('a claimed coupon carries the terms it was claimed with, and shows under 可用 with its code', async () => {
      const template = await createTemplate(stack, marketer, { name: '夏日满100减20', perMemberLimit: 2, storeIds: [stack.store('HZ001').id] });
      expect(template).toMatchObject({
        name: '夏日满100减20',
        summary: '满100减20',
        storeScopeText: '仅限 杭州西湖店',
        validityText: '领取后 30 天内有效',
        stock: 100,
        issued: 0,
        stockLeft: 100,
        status: 'active',
      });

      const member = await till.newMember();
      const center = await stack.api<CouponCenter>('GET', '/coupons/center', { token: member.token });
      expect(center.status).toBe(200);
      expect(center.body.offers.find((o) => o.templateId === template.id)).toMatchObject({ available: true, unavailableReason: null, takenByMe: 0, stockLeft: 100 });

      const claimed = await stack.api<MemberCoupon>('POST', `/coupons/${template.id}/claim`, { token: member.token });
      expect(claimed.status).toBe(201);
      expect(claimed.body).toMatchObject({
        templateId: template.id,
        name: '夏日满100减20',
        summary: '满100减20',
        status: 'issued',
        tab: 'usable',
        source: 'claim',
        sourceName: '领券中心',
        validFrom: '2026-06-02',
        validTo: '2026-07-01',
        expiringSoon: false,
        redeemedAt: null,
      });
      expect(normalizeCouponCode(claimed.body.code)).toBe(claimed.body.code);
      expect(claimed.body.codeDisplay.replace(/ /g, '')).toBe(claimed.body.code);

      // The marketer changes the terms: the coupon in hand keeps its own.
      const edited = await stack.api<CouponTemplate>('PUT', `/staff/coupon-templates/${template.id}`, {
        token: marketer,
        body: { ...aTemplate({ name: '夏日满200减30', valueFen: 3_000, thresholdFen: 20_000, perMemberLimit: 2 }), status: 'active' },
      });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ name: '夏日满200减30', summary: '满200减30', issued: 1, stockLeft: 99, storeScopeText: '全部门店' });
      const mine = await stack.api<MemberCoupon>('GET', `/member/coupons/${claimed.body.id}`, { token: member.token });
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ name: '夏日满100减20', summary: '满100减20', storeScopeText: '仅限 杭州西湖店', code: claimed.body.code });

      const second = await stack.api<MemberCoupon>('POST', `/coupons/${template.id}/claim`, { token: member.token });
      expect(second.body).toMatchObject({ summary: '满200减30' });
      const third = await stack.api('POST', `/coupons/${template.id}/claim`, { token: member.token });
      expect(third.status).toBe(409);
      expect(third.body.code).toBe('COUPON_LIMIT_REACHED');
      const after = await stack.api<CouponCenter>('GET', '/coupons/center', { token: member.token });
      expect(after.body.offers.find((o) => o.templateId === template.id)).toMatchObject({ available: false, unavailableReason: '每人限领 2 张', takenByMe: 2, stockLeft: 98 });

      const list = await stack.api<MemberCoupons>('GET', '/member/coupons?status=usable', { token: member.token });
      expect(list.status).toBe(200);
      expect(list.body.counts).toEqual({ usable: 2, used: 0, expired: 0 });
      expect(list.body.coupons.map((c) => c.id).sort()).toEqual([claimed.body.id, second.body.id].sort());

      // Another member cannot open it.
      const other = await till.newMember();
      const theirs = await stack.api('GET', `/member/coupons/${claimed.body.id}`, { token: other.token });
      expect(theirs.status).toBe(404);
      expect(theirs.body.code).toBe('COUPON_NOT_FOUND');
      const otherList = await stack.api<MemberCoupons>('GET', '/member/coupons', { token: other.token });
      expect(otherList.body).toEqual({ coupons: [], counts: { usable: 0, used: 0, expired: 0 } });

      // Past its last day it moves to 已过期, even before the expiry job has run.
      stack.clock.travelTo('2026-07-02T02:00:00Z');
      const later = await stack.api<MemberCoupons>('GET', '/member/coupons?status=expired', { token: member.token });
      expect(later.body.counts).toEqual({ usable: 0, used: 0, expired: 2 });
      expect(later.body.coupons.map((c) => c.tab)).toEqual(['expired', 'expired']);
    });

    it('the centre says why a member cannot take a coupon, and claiming refuses the same way', async () => {
      const gold = await createTemplate(stack, marketer, { name: '金卡专享', tiers: ['gold', 'diamond'] });
      const grantOnly = await createTemplate(stack, marketer, { name: '入会礼', claimable: false });
      const scarce = await createTemplate(stack, marketer, { name: '限量', stock: 1 });
      const member = await till.newMember();
      const first = await till.newMember();
      expect((await stack.api('POST', `/coupons/${scarce.id}/claim`, { token: first.token })).status).toBe(201);

      const center = await stack.api<CouponCenter>('GET', '/coupons/center', { token: member.token });
      const offer = (id: string) => center.body.offers.find((o) => o.templateId === id);
      expect(offer(gold.id)).toMatchObject({ available: false, unavailableReason: '金卡及以上可领', tierNames: ['金卡会员', '钻石会员'] });
      expect(offer(scarce.id)).toMatchObject({ available: false, unavailableReason: '已领完', stockLeft: 0 });
      expect(offer(grantOnly.id)).toBeUndefined();

      const tier = await stack.api('POST', `/coupons/${gold.id}/claim`, { token: member.token });
      expect(tier.status).toBe(403);
      expect(tier.body.code).toBe('COUPON_TIER_REQUIRED');
      const notClaimable = await stack.api('POST', `/coupons/${grantOnly.id}/claim`, { token: member.token });
      expect(notClaimable.status).toBe(409);
      expect(notClaimable.body.code).toBe('COUPON_NOT_CLAIMABLE');
      const soldOut = await stack.api('POST', `/coupons/${scarce.id}/claim`, { token: member.token });
      expect(soldOut.status).toBe(409);
      expect(soldOut.body.code).toBe('COUPON_SOLD_OUT');
      const unknown = await stack.api('POST', '/coupons/no-such-template/claim', { token: member.token });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('COUPON_TEMPLATE_NOT_FOUND');

      // Paused: gone from the centre, and claiming says so.
      const paused = await stack.api('PUT', `/staff/coupon-templates/${scarce.id}`, { token: marketer, body: { ...aTemplate({ name: '限量', stock: 5 }), status: 'paused' } });
      expect(paused.status).toBe(200);
      const refused = await stack.api('POST', `/coupons/${scarce.id}/claim`, { token: member.token });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('COUPON_NOT_CLAIMABLE');
      const counts = await stack.api<MemberCoupons>('GET', '/member/coupons', { token: member.token });
      expect(counts.body.counts).toEqual({ usable: 0, used: 0, expired: 0 });
    });

    it('staff read templates by role; only HQ admins and marketers write them', async () => {
      const template = await createTemplate(stack, marketer, { name: '店长可见' });
      const manager = await stack.staffToken('manager');
      const list = await stack.api<CouponTemplate[]>('GET', '/staff/coupon-templates?status=active', { token: manager });
      expect(list.status).toBe(200);
      expect(list.body.map((t) => t.id)).toContain(template.id);
      const one = await stack.api('GET', `/staff/coupon-templates/${template.id}`, { token: manager });
      expect(one.body).toMatchObject({ id: template.id, name: '店长可见' });
      const write = await stack.api('POST', '/staff/coupon-templates', { token: manager, body: aTemplate() });
      expect(write.status).toBe(403);
      const clerk = await stack.api('GET', '/staff/coupon-templates', { token: till.clerkToken });
      expect(clerk.status).toBe(403);
    });
  });
}
