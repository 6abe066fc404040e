import type { CouponCenter, CouponStats, CouponTemplate, ExchangeResult, GiftSettings, GiftSettingsInput, MemberCoupon, MemberCoupons, MemberTiers, PointsMall, StaffCoupon } from '@wemember/shared';
import { normalizeCouponCode } from '@wemember/shared';
import { CouponMaintenance } from '../../server/src/coupons/coupon-maintenance';
import { WelcomeGifts } from '../../server/src/coupons/welcome-gifts';
import { PointsJobs } from '../../server/src/jobs/points-jobs';
import { aTemplate, createTemplate } from '../support/coupons';
import { ACCEPTED_AGREEMENTS, aPhone, TestStack } from '../support/stack';
import { aReceiptNo, POINT_ENTRIES, TestTill } from '../support/till';

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
    afterEach(async () => expect((await till.reconcile()).mismatches).toEqual([]));
    afterAll(() => stack?.close());

    /** Saves the brand's gifts (as the marketer would, with the version read). */
    async function setGifts(gifts: GiftSettingsInput): Promise<GiftSettings> {
      const current = await stack.api<GiftSettings>('GET', '/staff/settings/gifts', { token: marketer });
      const saved = await stack.api<GiftSettings>('PUT', '/staff/settings/gifts', { token: marketer, body: { ...gifts, version: current.body.version } });
      if (saved.status !== 200) throw new Error(`gift settings: ${saved.status} ${JSON.stringify(saved.body)}`);
      return saved.body;
    }
    const NO_GIFTS: GiftSettingsInput = { welcome: { points: 0, coupons: [] }, tierPacks: [] };
    const brandCoupons = async (memberId: string) =>
      (await stack.db.query('SELECT source, grant_key, status FROM coupons WHERE member_id = ? ORDER BY grant_key', [memberId])) as { source: string; grant_key: string | null; status: string }[];

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

    it('a marketer grants a coupon once per requestId, and revokes one that was not used', async () => {
      const template = await createTemplate(stack, marketer, { name: '投诉补偿券', claimable: false, valueFen: 1_000, thresholdFen: 0 });
      const member = await till.newMember();
      const other = await till.newMember();
      const requestId = aReceiptNo('GR');
      const grant = () => stack.api<StaffCoupon>('POST', `/staff/coupon-templates/${template.id}/grants`, { token: marketer, body: { memberId: member.memberId, requestId, note: '投诉补偿' } });
      const first = await grant();
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ templateId: template.id, summary: '无门槛减10元', status: 'issued', memberNo: member.memberNo, usableHere: true, problem: null });
      const again = await grant();
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      const reused = await stack.api('POST', `/staff/coupon-templates/${template.id}/grants`, { token: marketer, body: { memberId: other.memberId, requestId } });
      expect(reused.status).toBe(409);
      expect(reused.body.code).toBe('GRANT_CONFLICT');
      const unknown = await stack.api('POST', `/staff/coupon-templates/${template.id}/grants`, { token: marketer, body: { memberId: 'nobody', requestId: aReceiptNo('GR') } });
      expect(unknown.status).toBe(404);
      expect(unknown.body.issues).toEqual([{ field: 'memberId', message: '未找到该会员' }]);

      const mine = await stack.api<MemberCoupons>('GET', '/member/coupons', { token: member.token });
      expect(mine.body.coupons.map((c) => [c.id, c.sourceName])).toEqual([[first.body.id, '品牌赠送']]);
      expect(await brandCoupons(other.memberId)).toEqual([]);

      const revoked = await stack.api<StaffCoupon>('POST', `/staff/coupons/${first.body.id}/revoke`, { token: marketer, body: { reason: '重复补偿' } });
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ status: 'revoked', usableHere: false, problem: '该券已作废：重复补偿' });
      expect((await stack.api('POST', `/staff/coupons/${first.body.id}/revoke`, { token: marketer, body: { reason: '重复补偿' } })).body.status).toBe('revoked');
      const expiredTab = await stack.api<MemberCoupons>('GET', '/member/coupons?status=expired', { token: member.token });
      expect(expiredTab.body.coupons.map((c) => [c.id, c.status, c.tab])).toEqual([[first.body.id, 'revoked', 'expired']]);
      const audit = await stack.db.query("SELECT action FROM audit_log WHERE brand_id = ? AND action IN ('coupon.grant', 'coupon.revoke') ORDER BY action", [stack.chain.brand.id]);
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['coupon.grant', 'coupon.revoke']);
      const missing = await stack.api('POST', '/staff/coupons/no-such-coupon/revoke', { token: marketer, body: { reason: '测试作废' } });
      expect(missing.status).toBe(404);
    });

    it('the welcome gift: promised before joining, given once on joining, nothing on a welcome back', async () => {
      const welcome = stack.chain.couponTemplates.welcome;
      const settings = await setGifts({ welcome: { points: 100, coupons: [{ templateId: welcome.id, quantity: 2 }] }, tierPacks: [] });
      expect(settings.welcome).toEqual({ points: 100, coupons: [{ templateId: welcome.id, quantity: 2 }] });

      const phone = aPhone();
      const login = await stack.login();
      const preview = await stack.api('GET', '/member/welcome-gift', { token: login.body.token });
      expect(preview.status).toBe(200);
      expect(preview.body).toEqual({ points: 100, coupons: [{ templateId: welcome.id, name: '入会礼 无门槛减5元', summary: '无门槛减5元', quantity: 2 }] });
      const joined = await stack.api('POST', '/auth/phone', { token: login.body.token, body: { phoneCode: await stack.phoneCode(phone), acceptedAgreements: ACCEPTED_AGREEMENTS } });
      expect(joined.status).toBe(200);
      expect(joined.body.welcomeBack).toBe(false);
      expect(joined.body.welcomeGift.points).toBe(100);
      expect(joined.body.welcomeGift.coupons.map((c: MemberCoupon) => [c.summary, c.sourceName, c.status])).toEqual([
        ['无门槛减5元', '入会礼', 'issued'],
        ['无门槛减5元', '入会礼', 'issued'],
      ]);
      const token = joined.body.token as string;
      const card = await stack.api('GET', '/member/card', { token });
      expect(card.body.points).toBe(100);
      const [{ id: memberId }] = await stack.db.query('SELECT id FROM members WHERE brand_id = ? AND member_no = ?', [stack.chain.brand.id, joined.body.member.memberNo]);
      const entries = await stack.db.query(`SELECT l.kind, l.delta FROM ${POINT_ENTRIES} l WHERE l.member_id = ?`, [memberId]);
      expect(entries.map((e: { kind: string; delta: unknown }) => [e.kind, Number(e.delta)])).toEqual([['welcome', 100]]);

      // The same gift given again (a retried join, the same keys): nothing new.
      const retry = await stack.app.get(WelcomeGifts).give({ id: memberId, brandId: stack.chain.brand.id });
      expect(retry).toEqual({ points: 0, coupons: [] });
      const back = await stack.join(phone);
      expect(back.welcomeBack).toBe(true);
      expect(back.welcomeGift).toBeNull();
      expect((await stack.api('GET', '/member/card', { token: back.token })).body.points).toBe(100);
      expect((await brandCoupons(memberId)).map((c) => c.grant_key)).toEqual([`welcome:${memberId}:${welcome.id}:1`, `welcome:${memberId}:${welcome.id}:2`]);

      // A paused template is neither promised nor given; the join still succeeds with the points.
      const terms = { name: welcome.name, type: 'cash', valueFen: 500, stock: 1_000_000, perMemberLimit: 1, validity: { kind: 'relative', days: 30 }, claimable: false };
      const paused = await stack.api('PUT', `/staff/coupon-templates/${welcome.id}`, { token: marketer, body: { ...terms, status: 'paused' } });
      expect(paused.status).toBe(200);
      const login2 = await stack.login();
      expect((await stack.api('GET', '/member/welcome-gift', { token: login2.body.token })).body).toEqual({ points: 100, coupons: [] });
      const late = await stack.join(aPhone());
      expect(late.welcomeGift).toEqual({ points: 100, coupons: [] });

      await setGifts(NO_GIFTS);
      expect((await stack.api('PUT', `/staff/coupon-templates/${welcome.id}`, { token: marketer, body: { ...terms, status: 'active' } })).status).toBe(200);
      expect((await stack.join(aPhone())).welcomeGift).toEqual({ points: 0, coupons: [] });
    });

    it('the points mall: an exchange takes the points and gives the coupon, once per requestId', async () => {
      const tissues = stack.chain.couponTemplates.tissues;
      const other = await createTemplate(stack, marketer, { name: '积分换满50减5', claimable: false, valueFen: 500, thresholdFen: 5_000, pointsPrice: 200 });
      const member = await till.newMember();
      await till.bought(member, { amountFen: 80_000 });
      const mall = await stack.api<PointsMall>('GET', '/points-mall', { token: member.token });
      expect(mall.status).toBe(200);
      expect(mall.body.pointsBalance).toBe(800);
      expect(mall.body.offers.find((o) => o.templateId === tissues.id)).toMatchObject({ summary: '赠 抽纸一提', pointsPrice: 500, available: true });

      const requestId = aReceiptNo('EX');
      const first = await stack.api<ExchangeResult>('POST', `/points-mall/${tissues.id}/exchange`, { token: member.token, body: { requestId } });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ pointsBalance: 300, replayed: false, exchange: { points: 500, name: '抽纸一提', couponStatus: 'issued' }, coupon: { source: 'exchange', giftName: '抽纸一提' } });
      const replay = await stack.api<ExchangeResult>('POST', `/points-mall/${tissues.id}/exchange`, { token: member.token, body: { requestId } });
      expect(replay.status).toBe(200);
      expect(replay.body).toMatchObject({ replayed: true, pointsBalance: 300, coupon: { id: first.body.coupon.id } });
      const conflict = await stack.api('POST', `/points-mall/${other.id}/exchange`, { token: member.token, body: { requestId } });
      expect(conflict.status).toBe(409);
      expect(conflict.body.code).toBe('EXCHANGE_CONFLICT');
      const short = await stack.api('POST', `/points-mall/${tissues.id}/exchange`, { token: member.token, body: { requestId: aReceiptNo('EX') } });
      expect(short.status).toBe(422);
      expect(short.body.code).toBe('POINTS_INSUFFICIENT');
      const notInMall = await stack.api('POST', `/points-mall/${stack.chain.couponTemplates.claimable.id}/exchange`, { token: member.token, body: { requestId: aReceiptNo('EX') } });
      expect(notInMall.status).toBe(409);
      expect(notInMall.body.code).toBe('COUPON_NOT_EXCHANGEABLE');

      const after = await stack.api<PointsMall>('GET', '/points-mall', { token: member.token });
      expect(after.body.offers.find((o) => o.templateId === tissues.id)).toMatchObject({ available: false, unavailableReason: '积分不足', takenByMe: 1 });
      expect(after.body.offers.find((o) => o.templateId === other.id)).toMatchObject({ available: true });
      const history = await stack.api('GET', '/member/exchanges', { token: member.token });
      expect(history.body.exchanges).toEqual([expect.objectContaining({ id: first.body.exchange.id, templateId: tissues.id, points: 500, couponId: first.body.coupon.id })]);
      const entries = await stack.db.query(`SELECT l.kind, l.delta FROM ${POINT_ENTRIES} l WHERE l.member_id = ? ORDER BY l.seq`, [member.memberId]);
      expect(entries.map((e: { kind: string; delta: unknown }) => [e.kind, Number(e.delta)])).toEqual([
        ['earn', 800],
        ['exchange', -500],
      ]);
    });

    it('tier packs: the monthly job gives each member of a tier its pack once a month; the tier page says so', async () => {
      const monthly = stack.chain.couponTemplates.silverMonthly;
      await setGifts({ welcome: { points: 0, coupons: [] }, tierPacks: [{ tier: 'silver', coupons: [{ templateId: monthly.id, quantity: 2 }] }] });
      const silver = await till.newMember();
      await till.bought(silver, { amountFen: 100_000 });
      const normal = await till.newMember();

      const tiers = await stack.api<MemberTiers>('GET', '/member/tiers', { token: silver.token });
      expect(tiers.body.tier).toBe('silver');
      const silverInfo = tiers.body.tiers.find((t) => t.code === 'silver')!;
      expect(silverInfo.monthlyCoupons).toEqual([{ templateId: monthly.id, name: '银卡月礼 9折券', summary: '9折 最高减50元', quantity: 2 }]);
      expect(silverInfo.benefits).toContain('每月领 9折 最高减50元 ×2');
      expect(tiers.body.tiers.find((t) => t.code === 'normal')!.monthlyCoupons).toEqual([]);

      stack.clock.travelTo('2026-07-01T00:30:00Z');
      const jobs = stack.app.get(PointsJobs);
      const run = await (await jobs.runFor('tier-packs', '2026-07-01', stack.chain.brand.id)).finished();
      expect(run).toMatchObject({ month: '2026-07', members: 1, coupons: 2 });
      const again = await stack.app.get(CouponMaintenance).tierPacks('2026-07', stack.chain.brand.id);
      expect(again).toMatchObject({ members: 0, coupons: 0 });
      expect((await brandCoupons(silver.memberId)).map((c) => [c.source, c.grant_key])).toEqual([
        ['tier_pack', `tier:${silver.memberId}:${monthly.id}:2026-07:1`],
        ['tier_pack', `tier:${silver.memberId}:${monthly.id}:2026-07:2`],
      ]);
      expect(await brandCoupons(normal.memberId)).toEqual([]);
      const august = await stack.app.get(CouponMaintenance).tierPacks('2026-08', stack.chain.brand.id);
      expect(august).toMatchObject({ members: 1, coupons: 2 });
      await setGifts(NO_GIFTS);
    });

    it('the expiry job expires what ended and flags members whose coupons end within 3 days, once', async () => {
      const short = await createTemplate(stack, marketer, { name: '三天券', validity: { kind: 'relative', days: 3 }, perMemberLimit: 5 });
      const member = await till.newMember();
      const claim = async () => (await stack.api<MemberCoupon>('POST', `/coupons/${short.id}/claim`, { token: member.token })).body;
      const early = await claim();
      expect(early).toMatchObject({ validTo: '2026-06-04', expiringSoon: true });
      const maintenance = stack.app.get(CouponMaintenance);
      const first = await maintenance.expire('2026-06-02', stack.chain.brand.id);
      expect(first.expired).toBe(0);
      expect(first.remindersMarked).toBeGreaterThanOrEqual(1);
      const reminders = await stack.db.query('SELECT remind_date, coupons, first_valid_to FROM coupon_reminders WHERE member_id = ?', [member.memberId]);
      expect(reminders).toEqual([{ remind_date: '2026-06-02', coupons: 1, first_valid_to: '2026-06-04' }]);
      expect((await maintenance.expire('2026-06-02', stack.chain.brand.id)).remindersMarked).toBe(0);

      stack.clock.travelTo('2026-06-04T02:00:00Z');
      const later = await claim();
      stack.clock.travelTo('2026-06-05T00:10:00Z');
      const run = await maintenance.expire('2026-06-05', stack.chain.brand.id);
      expect(run.expired).toBeGreaterThanOrEqual(1);
      const mine = await stack.api<MemberCoupons>('GET', '/member/coupons?status=expired', { token: member.token });
      expect(mine.body.coupons.map((c) => [c.id, c.status])).toEqual([[early.id, 'expired']]);
      expect((await stack.api<MemberCoupon>('GET', `/member/coupons/${later.id}`, { token: member.token })).body).toMatchObject({ status: 'issued', tab: 'usable', validTo: '2026-06-06' });
      expect((await maintenance.expire('2026-06-05', stack.chain.brand.id)).expired).toBe(0);
    });

    it('a template’s figures: issued by source, redeemed and revenue by store, and managers see their own stores', async () => {
      const template = await createTemplate(stack, marketer, { name: '统计券', perMemberLimit: 3, pointsPrice: 100 });
      const [a, b] = [await till.newMember(), await till.newMember()];
      await till.bought(a, { amountFen: 20_000 });
      const claimed = [];
      for (const m of [a, b]) claimed.push((await stack.api<MemberCoupon>('POST', `/coupons/${template.id}/claim`, { token: m.token })).body);
      expect((await stack.api('POST', `/points-mall/${template.id}/exchange`, { token: a.token, body: { requestId: aReceiptNo('EX') } })).status).toBe(201);
      const granted = await stack.api<StaffCoupon>('POST', `/staff/coupon-templates/${template.id}/grants`, { token: marketer, body: { memberId: b.memberId, requestId: aReceiptNo('GR') } });
      await stack.api('POST', `/staff/coupons/${granted.body.id}/revoke`, { token: marketer, body: { reason: '发错了' } });

      // At 杭州西湖店: a's coupon alone, b's in a ¥120 purchase (¥20 off → ¥100 paid), then ¥60 of it refunded (¥50 back).
      expect((await stack.api('POST', '/staff/coupons/redeem', { token: till.clerkToken, body: { code: claimed[0].code, externalNo: aReceiptNo('V') } })).status).toBe(200);
      const order = await till.bought(b, { amountFen: 12_000, couponCodes: [claimed[1].code] });
      expect(order.payableFen).toBe(10_000);
      expect((await till.refund(order.id, { amountFen: 6_000 })).body.refundFen).toBe(5_000);

      const stats = await stack.api<CouponStats>('GET', `/staff/coupon-templates/${template.id}/stats`, { token: marketer });
      expect(stats.status).toBe(200);
      const hz = stack.store('HZ001');
      expect(stats.body).toEqual({
        templateId: template.id,
        name: '统计券',
        issued: 4,
        claimed: 2,
        exchanged: 1,
        granted: 1,
        redeemed: 2,
        expired: 0,
        revoked: 1,
        redemptionRateBp: 5_000,
        revenueFen: 5_000,
        byStore: [{ storeId: hz.id, storeName: hz.name, redeemed: 2, revenueFen: 5_000 }],
      });
      const manager = await stack.staffToken('manager');
      expect((await stack.api<CouponStats>('GET', `/staff/coupon-templates/${template.id}/stats?from=2026-06-01&to=2026-06-30`, { token: manager })).body).toMatchObject({
        redeemed: 2,
        revenueFen: 5_000,
        byStore: [{ storeId: hz.id }],
      });
      // Another month's figures count no redemption; a region manager elsewhere sees no store of theirs.
      expect((await stack.api<CouponStats>('GET', `/staff/coupon-templates/${template.id}/stats?from=2026-07-01`, { token: manager })).body).toMatchObject({ redeemed: 0, byStore: [] });
      const [east, south] = ['华东区', '华南区'].map((name) => stack.chain.regions.find((r) => r.name === name)!);
      const moveRegionManager = (regionId: string) => stack.db.query('UPDATE staff SET region_id = ? WHERE username = ?', [regionId, `${stack.usernamePrefix}region`]);
      await moveRegionManager(south.id);
      try {
        const elsewhere = await stack.api<CouponStats>('GET', `/staff/coupon-templates/${template.id}/stats`, { token: await stack.staffToken('region') });
        expect(elsewhere.body).toMatchObject({ issued: 4, redeemed: 0, revenueFen: 0, byStore: [] });
      } finally {
        await moveRegionManager(east.id);
      }
      const backwards = await stack.api('GET', `/staff/coupon-templates/${template.id}/stats?from=2026-06-30&to=2026-06-01`, { token: manager });
      expect(backwards.status).toBe(400);
      expect(backwards.body.issues).toEqual([{ field: 'to', message: '结束日期不能早于开始日期' }]);
    });
  });
}
