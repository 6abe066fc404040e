import { formatCount, formatYuan, type MemberProfile, type MemberTiers, type Refund } from '@wemember/shared';
import { aPhoto } from '../support/images';
import { aPhone, TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';
import { MiniProgram } from './harness/mini-program';

/**
 * 我的 and the pages it opens, on the weapp build, mirroring test/browser/member-centre: the
 * profile (birthday once through the date picker, nickname from WeChat's nickname keyboard,
 * gender, consent switch, avatar from WeChat's avatar sheet), 消费记录 with a refund's charge-back,
 * 会员等级, 我的门店 with the phone to call, and closing the card. One shopper, one phone, in order.
 */
describe('weapp: 我的, 消费记录, 会员等级, 我的门店, closing the card', () => {
  let stack: TestStack;
  let till: TestTill;
  let mp: MiniProgram;
  let member: TestMember;

  beforeAll(async () => {
    stack = await TestStack.start();
    till = await TestTill.open(stack);
    const phone = aPhone();
    const { openid } = await stack.loginCode();
    const joined = await stack.join(phone, { openid, scene: stack.chain.counterScenes.HZ001 });
    member = { token: joined.token, memberNo: joined.member!.memberNo, memberId: '', phone };
    mp = await MiniProgram.launch(stack, { path: 'pages/join/index', openid });
    await mp.waitForPage('pages/card/index', member.memberNo);
  });
  // Whatever a page logged as an error fails the step it happened in.
  afterEach(() => expect(mp.errors).toEqual([]));
  afterAll(async () => {
    const errors = (await mp?.close()) ?? [];
    await stack?.close();
    expect(errors).toEqual([]);
  });

  const profile = async () => (await stack.api<MemberProfile>('GET', '/member/profile', { token: member.token })).body;

  it('我的: the birthday is set once through the date picker and a confirmation', async () => {
    await mp.tapTab('我的');
    const me = await mp.waitForPage('pages/me/index', `会员号 ${member.memberNo}`);
    expect(me.text('.me-member-no')).toBe(`会员号 ${member.memberNo} · ${member.phone.slice(0, 3)}****${member.phone.slice(-4)}`);

    // The date picker, then the app's own confirmation.
    await me.pick('.me-birthday-picker', '1990-05-20');
    await mp.waitFor(() => me.has('.confirm-dialog'), 'the birthday confirmation');
    expect(me.text('.confirm-dialog__title')).toBe('确认生日');
    expect(me.text('.confirm-dialog__body')).toContain('1990年5月20日');
    expect(me.text('.confirm-dialog__body')).toContain('生日只能设置一次');
    await me.tap('.confirm-ok');
    await mp.waitFor(() => me.has('.me-birthday'), 'the birthday set');
    expect(me.text('.me-birthday')).toBe('1990年5月20日');
    expect(me.has('.me-birthday-picker')).toBe(false);
    expect(me.text('.me-saved')).toBe('生日已设置');
    expect((await profile()).birthday).toBe('1990-05-20');
    // The notice goes after a moment.
    await mp.advance(2500);
    await mp.waitFor(() => !me.has('.me-saved'), 'the notice gone');
  });

  it('我的: a photo from WeChat’s avatar sheet becomes the avatar, served to the <image>', async () => {
    const me = mp.page;
    await me.chooseAvatar('.me-avatar', aPhoto());
    await mp.waitFor(() => me.has('.me-avatar__image'), 'the avatar');
    expect(me.text('.me-saved')).toBe('头像已更新');
    const saved = await profile();
    const src = String(me.property('.me-avatar__image', 'src'));
    expect(src).toContain(saved.avatarUrl!.split('/').pop());
    const image = await fetch(mp.device.network.locate(src));
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toMatch(/^image\//);
    await mp.advance(2500);
    await mp.waitFor(() => !me.has('.me-saved'), 'the notice gone');
  });

  it('我的: nickname from WeChat’s nickname keyboard, gender and consent are saved and shown again', async () => {
    const me = mp.page;
    // The name is saved when the field loses focus.
    await me.input('.me-nickname', '爱喝咖啡的小王');
    await me.blur('.me-nickname');
    // (wx.request has no PATCH: the page must reach PATCH /member/profile some other way.)
    await mp.waitFor(() => me.has('.me-error') || me.has('.me-saved'), 'the answer to the change');
    expect(me.has('.me-error') ? me.text('.me-error') : '').toBe('');
    expect(me.text('.me-saved')).toBe('已保存');
    await me.tap('.me-gender--female');
    await mp.waitFor(() => me.has('.me-gender--female.me-gender--on'), 'the gender chosen');
    expect(me.text('.me-gender--on')).toBe('女');
    expect(me.property('.me-consent-switch', 'checked')).toBe(false);
    await me.toggle('.me-consent-switch');
    await mp.waitFor(() => me.property('.me-consent-switch', 'checked') === true, 'the consent switched on');
    expect(await profile()).toMatchObject({ nickname: '爱喝咖啡的小王', gender: 'female', marketingConsent: true });

    // Shown again (back from another tab), the page shows what the server keeps.
    await mp.tapTab('会员卡');
    await mp.tapTab('我的');
    await mp.waitFor(() => mp.page.value('.me-nickname') === '爱喝咖啡的小王', 'the nickname after coming back');
    expect(mp.page.text('.me-gender--on')).toBe('女');
  });

  it('消费记录 shows the e-receipt with the refund and the points it charged back', async () => {
    const receiptNo = aReceiptNo('POS-');
    const first = await till.buy(member, { amountFen: 10_000, receiptNo, items: [{ name: '挂耳咖啡礼盒', quantity: 2, amountFen: 10_000 }] });
    expect(first.status).toBe(201);
    const second = await till.bought(member, { amountFen: 1_000, pointsToRedeem: 100 });
    const refunded = await till.refund(first.body.id, { amountFen: 4_000, reason: '部分退货' });
    expect(refunded.status).toBe(201);
    const refund = refunded.body as Refund;
    expect(refund.pointsChargedBack).toBeGreaterThan(0);

    await mp.page.tap('.me-link-orders');
    const orders = await mp.waitForPage('pages/orders/index', '小票号');
    expect(mp.routes).toEqual(['pages/me/index', 'pages/orders/index']);
    expect(orders.all('.receipt')).toHaveLength(2);
    const [newest, older] = orders.all('.receipt');
    const value = (receipt: Element, row: string) => receipt.querySelector(`${row} .receipt-row__value`)?.textContent;
    expect(value(newest, '.receipt-redeemed')).toBe(`−${formatYuan(second.pointsDeductFen)}`);
    expect(value(newest, '.receipt-payable')).toBe(formatYuan(second.payableFen));
    expect(older.querySelector('.receipt-no')?.textContent).toBe(`小票号 ${receiptNo}`);
    expect(older.querySelector('.receipt-store')?.textContent).toBe('杭州西湖店');
    expect(older.querySelector('.receipt-status')?.textContent).toBe('部分退款');
    expect(older.querySelector('.receipt-item')?.textContent).toBe('挂耳咖啡礼盒 × 2¥100.00');
    expect(value(older, '.receipt-payable')).toBe(formatYuan(first.body.payableFen));
    expect(value(older, '.receipt-earned')).toBe(`+${formatCount(first.body.pointsEarned)}`);
    const shown = older.querySelector('.receipt-refund')!;
    expect(value(shown, '.refund-goods')).toBe('¥40.00');
    expect(value(shown, '.refund-money')).toBe(formatYuan(refund.refundFen));
    expect(value(shown, '.refund-chargeback')).toBe(formatYuan(refund.chargebackFen));
    expect(shown.querySelector('.receipt-refund__note')?.textContent).toContain(`${formatCount(refund.pointsChargedBack)} 积分已经使用`);
    await mp.back();
  });

  it('会员等级 shows every tier, the member’s own and the way to the next', async () => {
    const tiers = (await stack.api<MemberTiers>('GET', '/member/tiers', { token: member.token })).body;
    await mp.page.tap('.me-link-tiers');
    const page = await mp.waitForPage('pages/tiers/index', '当前等级');
    expect(page.texts('.tier-card__name')).toEqual(tiers.tiers.map((tier) => tier.name));
    expect(page.text('.tier-card--current .tier-card__name')).toBe(tiers.tierName);
    expect(page.text('.tiers-growth')).toBe(`近 12 个月成长值 ${formatCount(tiers.growth)}`);
    expect(page.text('.tiers-progress-text')).toContain(`再获得 ${formatCount(tiers.progress!.growthNeeded)} 成长值升级为${tiers.progress!.nextTierName}`);
    await mp.back();
  });

  it('我的门店 shows the home store, and its number can be called', async () => {
    await mp.page.tap('.me-store--home');
    const store = await mp.waitForPage('pages/store/index', '入会门店');
    expect(store.text('.store-name')).toBe('杭州西湖店');
    expect(store.text('.store-address .store-row__value')).toBe('浙江省杭州市西湖区文三路 259 号');
    expect(store.text('.store-hours .store-row__value')).toBe('周一至周日 08:00–22:00');
    await store.tap('.store-call');
    await mp.waitFor(() => mp.device.calls.length === 1, 'the call offered');
    // The dialer gets the number as the store wrote it; its digits are the store's.
    expect(mp.device.calls.map((number) => number.replace(/\D/g, ''))).toEqual(['057188236601']);
    await mp.back();
    expect(mp.routes).toEqual(['pages/me/index']);
  });

  it('closing the card takes two confirmations, then the join page says the card is gone', async () => {
    await mp.page.tap('.me-close');
    await mp.waitFor(() => mp.page.has('.confirm-dialog'), 'the explanation');
    expect(mp.page.text('.confirm-dialog__body')).toContain('个人信息将被删除');
    await mp.page.tap('.confirm-ok');
    await mp.waitFor(() => mp.page.text('.confirm-dialog__title') === '确定注销吗？', 'the last question');
    expect(mp.page.text('.confirm-dialog__body')).toContain(member.memberNo);
    await mp.page.tap('.confirm-ok');

    const join = await mp.waitForPage('pages/join/index', '会员卡已注销');
    expect(mp.routes).toEqual(['pages/join/index']);
    expect(mp.tabs).toEqual([]);
    expect(join.text('.join-notice')).toContain('会员卡已注销');
    const manager = await stack.staffToken('manager');
    expect((await stack.api('POST', '/staff/members/resolve', { token: manager, body: { code: member.phone } })).status).toBe(404);
  });
});
