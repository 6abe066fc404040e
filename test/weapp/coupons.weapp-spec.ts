import { formatCount, formatYuan, type GiftSettings, type MemberCoupon, type MemberCoupons, type OrderQuote } from '@wemember/shared';
import { createTemplate } from '../support/coupons';
import { aPhone, STAFF_PASSWORD, TestStack } from '../support/stack';
import { TestTill } from '../support/till';
import { MiniProgram } from './harness/mini-program';

/**
 * The coupon pages of the weapp build, mirroring test/browser/coupons: the welcome gift promised
 * on the join page and shown on the card; 领券中心, 我的券 and a coupon's QR, which the clerk's
 * phone scans on the staff scan page and redeems while the shopper's page refreshes to 已使用;
 * 积分商城 and 兑换记录; a coupon scanned into a purchase at the till, on the e-receipt, and given
 * back by a full refund. One shopper's phone and one clerk's phone, in order.
 */
describe('weapp: 领券中心, 我的券, a coupon redeemed at the till, 积分商城', () => {
  let stack: TestStack;
  let till: TestTill;
  let marketer: string;
  let shopper: MiniProgram;
  let clerk: MiniProgram;
  let memberToken = '';
  const phone = aPhone();

  beforeAll(async () => {
    stack = await TestStack.start();
    till = await TestTill.open(stack);
    marketer = await stack.staffToken('marketer');
  });
  // Whatever a page logged as an error fails the step it happened in.
  afterEach(() => {
    expect(shopper?.errors ?? []).toEqual([]);
    expect(clerk?.errors ?? []).toEqual([]);
  });
  afterAll(async () => {
    const errors = [...((await shopper?.close()) ?? []), ...((await clerk?.close()) ?? [])];
    await stack?.close();
    expect(errors).toEqual([]);
  });

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const result = await stack.api<T>(method, path, { token, body });
    if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  const myCoupons = (status: 'usable' | 'used') => api<MemberCoupons>('GET', `/member/coupons?status=${status}`, memberToken);

  it('the join page promises the configured welcome gift; after joining the card shows it once', async () => {
    const gift = await createTemplate(stack, marketer, { name: '新人无门槛券', valueFen: 1_000, thresholdFen: 0, claimable: false });
    const current = await api<GiftSettings>('GET', '/staff/settings/gifts', marketer);
    await api('PUT', '/staff/settings/gifts', marketer, {
      welcome: { points: 300, coupons: [{ templateId: gift.id, quantity: 1 }] },
      tierPacks: [{ tier: 'normal', coupons: [{ templateId: gift.id, quantity: 2 }] }],
      version: current.version,
    });

    const scene = stack.chain.counterScenes.HZ001;
    await stack.printCode(scene);
    const launch = await stack.wechat<{ path: string; query: { scene: string } }>('/scan', { scene });
    shopper = await MiniProgram.launch(stack, { path: launch.path, query: launch.query });
    const join = await shopper.waitForPage('pages/join/index', '入会即送');
    expect(join.text('.join-gift-points')).toBe('300 积分');
    expect(join.text('.join-gift-coupon')).toBe('新人无门槛券（无门槛减10元）');
    await join.tap('.join-check');
    await shopper.waitFor(() => join.has('.join-check--on'), 'the tick');
    await join.pressPhoneButton('.join-submit', { allow: phone });
    const card = await shopper.waitForPage('pages/card/index', '入会礼已到账');
    expect(card.text('.card-gift-points')).toBe('300 积分');
    expect(card.text('.card-gift-coupon')).toBe('新人无门槛券（无门槛减10元）');
    await shopper.waitFor(() => card.text('.card-coupon-count') === '1 张可用 ›', 'the coupon count');
    memberToken = (shopper.device.storage.get('wemember.member-session') as { token: string }).token;
    // Kept for this card page only: nothing left for the next one.
    expect(shopper.device.storage.has('wemember.welcome-gift')).toBe(false);
  });

  it('会员等级 lists each tier’s monthly coupons and leads from the member’s own to 我的券', async () => {
    await shopper.waitFor(() => shopper.page.has('.card-tier-panel'), 'the card loaded');
    await shopper.page.tap('.card-tier-panel');
    const tiers = await shopper.waitForPage('pages/tiers/index', '当前等级');
    const mine = tiers.find('.tier-card--current');
    expect(mine.textContent).toContain('每月领 无门槛减10元 ×2');
    expect(tiers.text('.tier-card--current .tier-card__coupons--mine')).toBe('每月 1 日自动发放到「我的券」，去看看 ›');
    // Tiers without a pack say nothing of coupons.
    expect(tiers.all('.tier-card__coupons')).toHaveLength(1);
    await tiers.tap('.tier-card__coupons--mine');
    await shopper.waitForPage('coupons/mine/index', '新人无门槛券');
    await shopper.back();
    await shopper.back();
    await shopper.waitForPage('pages/card/index');
  });

  it('claims in 领券中心; the clerk’s camera reads the QR in 我的券, and the shopper’s page turns 已使用 on its next refresh', async () => {
    const template = await createTemplate(stack, marketer, { name: '周末满100减20' });
    await shopper.page.tap('.card-coupons-center');
    const center = await shopper.waitForPage('coupons/center/index', '周末满100减20');
    const offer = center.all('.center-offer').find((e) => e.textContent!.includes('周末满100减20'))!;
    await center.tap(offer.querySelector('.center-claim')!);
    await shopper.waitFor(() => center.has('.center-claimed'), 'the claim confirmed');
    expect(center.text('.center-claimed')).toContain('「周末满100减20」已放入我的券');
    await shopper.waitFor(() => center.texts('.center-unavailable').includes('已领取'), 'the offer taken');

    await center.tap('.center-mine');
    const mine = await shopper.waitForPage('coupons/mine/index', '可使用(2)');
    expect(mine.texts('.coupon-tab')).toEqual(['可使用(2)', '已使用(0)', '已过期(0)']);
    const coupon = (await myCoupons('usable')).coupons.find((c) => c.templateId === template.id)!;
    await mine.tap(mine.all('.mine-coupon').find((e) => e.textContent!.includes('周末满100减20'))!);
    const detail = await shopper.waitForPage('coupons/detail/index', coupon.codeDisplay);
    expect(detail.has('.coupon-qr')).toBe(true);
    expect(detail.text('.detail-validity .m-row__value')).toBe(`${coupon.validFrom} 至 ${coupon.validTo}`);

    // The clerk's phone: sign in, scan the coupon's QR on the staff home; the coupon page opens.
    clerk = await MiniProgram.launch(stack, { path: 'staff/login/index' });
    await clerk.waitForPage('staff/login/index', '员工登录');
    await clerk.page.input('.staff-username', `${stack.usernamePrefix}clerk`);
    await clerk.page.input('.staff-password', STAFF_PASSWORD);
    await clerk.page.tap('.staff-login-btn');
    await clerk.waitForPage('staff/scan/index', '西湖店店员小陈');
    // What the QR holds (the browser test decodes the drawn QR itself).
    clerk.device.camera.show(coupon.code);
    await clerk.page.tap('.scan-button');
    const found = await clerk.waitForPage('staff/coupon/index', '确认核销');
    expect(found.text('.found-name')).toBe('周末满100减20');
    expect(found.text('.found-status')).toBe('未使用');
    await found.tap('.coupon-redeem');
    await clerk.waitFor(() => found.has('.coupon-redeemed'), 'the redemption');
    expect(found.text('.coupon-redeemed__title')).toBe('核销成功');
    expect(found.text('.redeemed-store .bill-row__value')).toBe('杭州西湖店');

    // The shopper's page asks again every 5 seconds while the code is shown.
    expect(detail.has('.detail-state')).toBe(false);
    await shopper.advance(5_000);
    await shopper.waitFor(() => detail.has('.detail-state--redeemed'), 'the coupon shown used');
    expect(detail.text('.detail-state')).toBe('已使用');
    expect(detail.has('.coupon-qr')).toBe(false);
    // …and stops asking once it is used.
    const asked = shopper.device.network.sent.length;
    await shopper.advance(15_000);
    expect(shopper.device.network.sent.length).toBe(asked);

    await shopper.back();
    const list = await shopper.waitForPage('coupons/mine/index', '已使用(1)');
    await list.tap('.coupon-tab--used');
    await shopper.waitFor(() => list.has('.mine-used-at__store'), 'the used tab');
    expect(list.text('.mine-coupon .coupon-ticket__name')).toBe('周末满100减20');
    expect(list.text('.mine-used-at__store')).toBe('杭州西湖店');
    await shopper.back();
    await shopper.back();
  });

  it('积分商城 exchanges after a confirmation, and 兑换记录 lists it', async () => {
    const template = await createTemplate(stack, marketer, { name: '积分换5元券', valueFen: 500, thresholdFen: 3_000, claimable: false, pointsPrice: 120 });
    await shopper.tapTab('积分');
    const points = await shopper.waitForPage('pages/points/index', '积分商城');
    await points.tap('.points-link-mall');
    const mall = await shopper.waitForPage('coupons/mall/index', '积分换5元券');
    expect(mall.text('.mall-points')).toBe('300');
    await mall.tap('.mall-exchange');
    await shopper.waitFor(() => mall.has('.confirm-dialog'), 'the confirmation');
    expect(mall.text('.confirm-dialog__body')).toContain('用 120 积分兑换「积分换5元券」');
    await mall.tap('.confirm-ok');
    await shopper.waitFor(() => mall.has('.mall-done'), 'the exchange');
    expect(mall.text('.mall-done')).toContain('已扣 120 积分');
    await shopper.waitFor(() => mall.text('.mall-points') === formatCount(180), 'the balance after');
    expect((await myCoupons('usable')).coupons.map((c) => c.templateId)).toContain(template.id);

    await mall.tap('.mall-records');
    const records = await shopper.waitForPage('coupons/exchanges/index', '积分换5元券');
    expect(records.texts('.exchange-points')).toEqual(['−120 积分']);
    expect(records.texts('.exchange-status')).toEqual(['可使用']);
    await shopper.back();
    await shopper.back();
  });

  it('the till adds a scanned coupon to a purchase, shows what it takes off, redeems it with the purchase and gives it back with a full refund', async () => {
    const template = await createTemplate(stack, marketer, { name: '店庆满100减20' });
    const coupon = await api<MemberCoupon>('POST', `/coupons/${template.id}/claim`, memberToken);
    const memberCode = await till.code(memberToken);

    await clerk.page.tap('.coupon-next');
    await clerk.back();
    await clerk.waitForPage('staff/scan/index', '收银记账');
    await clerk.page.tap('.staff-action--purchase');
    const purchase = await clerk.waitForPage('staff/purchase/index', '消费金额');
    await purchase.input('.purchase-code', memberCode);
    await purchase.input('.purchase-amount', '120');
    await purchase.tap('.purchase-quote-btn');
    await clerk.waitFor(() => purchase.has('.purchase-quote'), 'the quote');
    clerk.device.camera.show(coupon.code);
    await purchase.tap('.coupon-scan');
    await clerk.waitFor(() => purchase.has('.coupon-line__value'), 'the coupon priced');
    const quote = await api<OrderQuote>('POST', '/staff/orders/quote', till.clerkToken, { memberCode, amountFen: 12_000, pointsToRedeem: 0, couponCodes: [coupon.code] });
    expect(purchase.text('.coupon-line__name')).toBe('店庆满100减20（满100减20）');
    expect(purchase.text('.coupon-line__value')).toBe('−¥20.00');
    expect(purchase.text('.quote-payable .bill-row__value')).toBe(formatYuan(quote.payableFen));
    await purchase.tap('.purchase-confirm');
    await clerk.waitFor(() => purchase.has('.purchase-result'), 'the purchase recorded');
    expect(purchase.text('.result-coupon .bill-row__value')).toBe('−¥20.00');
    expect((await myCoupons('used')).coupons.map((c) => c.id)).toContain(coupon.id);

    // The shopper's e-receipt lists the coupon and what it took off.
    await shopper.tapTab('我的');
    await shopper.waitForPage('pages/me/index', '消费记录');
    await shopper.page.tap('.me-link-orders');
    const receipts = await shopper.waitForPage('pages/orders/index', '店庆满100减20');
    expect(receipts.text('.receipt-coupon .receipt-row__label')).toBe('店庆满100减20');
    expect(receipts.text('.receipt-coupon .receipt-row__value')).toBe('−¥20.00');
    expect(receipts.text('.receipt-payable .receipt-row__value')).toBe(formatYuan(quote.payableFen));

    // Refunded in full, the purchase gives the coupon back, and the clerk's page says so.
    await purchase.tap('.purchase-refund');
    await clerk.waitForPage('staff/refund/index');
    await clerk.waitFor(() => clerk.page.has('.preview-refund') && !clerk.page.property('.refund-submit', 'disabled'), 'the refund preview');
    expect(clerk.page.value('.refund-amount')).toBe('120.00');
    await clerk.page.tap('.refund-submit');
    await clerk.waitFor(() => clerk.page.has('.refund-result'), 'the refund');
    expect(clerk.page.text('.result-coupons-returned .bill-row__value')).toBe('1 张');
    expect((await myCoupons('usable')).coupons.map((c) => c.id)).toContain(coupon.id);
  });

  it('a manager over several stores picks the store first, and the look-up says whether the coupon is good there', async () => {
    const westLake = stack.chain.stores.find((store) => store.code === 'HZ001')!;
    const template = await createTemplate(stack, marketer, { name: '西湖店专享券', storeIds: [westLake.id] });
    const coupon = await api<MemberCoupon>('POST', `/coupons/${template.id}/claim`, memberToken);

    const manager = await MiniProgram.launch(stack, { path: 'staff/login/index' });
    try {
      await manager.waitForPage('staff/login/index', '员工登录');
      await manager.page.input('.staff-username', `${stack.usernamePrefix}region`);
      await manager.page.input('.staff-password', STAFF_PASSWORD);
      await manager.page.tap('.staff-login-btn');
      await manager.waitForPage('staff/scan/index', '华东区经理王磊');
      await manager.page.tap('.staff-action--coupon');
      const page = await manager.waitForPage('staff/coupon/index', '核销门店');
      await manager.waitFor(() => page.texts('.store-option').length === 2, 'the region’s stores');
      expect(page.texts('.store-option')).toEqual(['杭州西湖店', '上海静安店']);

      // No store yet: the page asks for one instead of guessing.
      await page.input('.coupon-code-input', coupon.codeDisplay);
      await page.tap('.coupon-lookup');
      await manager.waitFor(() => page.has('.coupon-error'), 'the store asked for');
      expect(page.text('.coupon-error')).toBe('请先选择核销门店');

      // Another store: found, but not usable there, and no button to redeem it.
      await page.tap(page.all('.store-option')[1]);
      await manager.waitFor(() => page.has('.found-problem'), 'the look-up at 上海静安店');
      expect(page.text('.found-problem')).toBe('该券不适用于本门店');
      expect(page.has('.coupon-redeem')).toBe(false);

      await page.tap(page.all('.store-option')[0]);
      await manager.waitFor(() => page.has('.coupon-redeem'), 'the look-up at 杭州西湖店');
      await page.tap('.coupon-redeem');
      await manager.waitFor(() => page.has('.coupon-redeemed'), 'the redemption');
      expect(page.text('.redeemed-store .bill-row__value')).toBe('杭州西湖店');
      expect(manager.errors).toEqual([]);
    } finally {
      expect(await manager.close()).toEqual([]);
    }
  });
});
