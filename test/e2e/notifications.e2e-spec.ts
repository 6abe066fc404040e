import { addDays, NOTIFICATION_KINDS, type MessageSettings, type NotificationView } from '@wemember/shared';
import { CouponMaintenance } from '../../server/src/coupons/coupon-maintenance';
import { NotificationSender } from '../../server/src/notifications/notification-sender';
import { PointsMaintenance } from '../../server/src/points/points-maintenance';
import { http } from '../support/http';
import { TestStack } from '../support/stack';
import { aReceiptNo, TestTill, type TestMember } from '../support/till';
import { creditStoredValue } from '../support/wallet';

/**
 * Telling members what happened on their card, end to end: the brand's templates, the member's
 * subscribe accepts reported by the mini-program, a purchase at the till, the sender taking the
 * outbox to the WeChat sandbox, and what the member's WeChat shows (GET /__sandbox/messages).
 */

const SUB = {
  points_changed: 'sub-points-changed',
  points_expiring: 'sub-points-expiring',
  coupon_received: 'sub-coupon-received',
  coupon_expiring: 'sub-coupon-expiring',
  balance_changed: 'sub-balance-changed',
  tier_changed: 'sub-tier-changed',
  birthday: 'sub-birthday',
} as const;
const OA_POINTS = 'oa-points-changed';
/** 12:00 in Shanghai: outside the default quiet hours (21:30–08:30). */
const NOON = '2026-06-02T04:00:00Z';

describe('notifications', () => {
  let stack: TestStack;
  let till: TestTill;
  let marketer: string;
  let sender: NotificationSender;

  beforeAll(async () => {
    stack = await TestStack.start();
    till = await TestTill.open(stack);
    marketer = await stack.staffToken('marketer');
    sender = stack.app.get(NotificationSender);
    stack.clock.travelTo(NOON);
  });
  afterAll(() => stack?.close());
  // A fault a test left unused must not fail the next test's send.
  afterEach(() => http('DELETE', `${stack.sandbox.url}/__sandbox/faults`));

  async function settings(): Promise<MessageSettings> {
    return (await stack.api<MessageSettings>('GET', '/staff/settings/messages', { token: marketer })).body;
  }

  async function configure(change: Partial<Omit<MessageSettings, 'version' | 'updatedAt' | 'updatedBy'>> = {}): Promise<MessageSettings> {
    const { version, quietHours, dailyCapPerMember } = await settings();
    const templates = NOTIFICATION_KINDS.map((kind) => ({ kind, officialTemplateId: kind === 'points_changed' ? OA_POINTS : null, subscribeTemplateId: SUB[kind] }));
    const saved = await stack.api<MessageSettings>('PUT', '/staff/settings/messages', { token: marketer, body: { templates, quietHours, dailyCapPerMember, ...change, version } });
    expect(saved.status).toBe(200);
    return saved.body;
  }

  async function openidOf(member: TestMember): Promise<string> {
    const [row] = await stack.db.query('SELECT openid FROM wechat_identities WHERE member_id = ? AND appid = ?', [member.memberId, stack.appid]);
    return row.openid;
  }

  /** The member taps 允许 in wx.requestSubscribeMessage `times` times; the mini-program reports each answer. */
  async function accept(member: TestMember, templateId: string, times = 1): Promise<void> {
    const openid = await openidOf(member);
    for (let i = 0; i < times; i++) {
      await stack.wechat('/subscribe-accept', { appid: stack.appid, openid, templateId });
      const reported = await stack.api('POST', '/member/messages/subscriptions', { token: member.token, body: { results: { [templateId]: 'accept' } } });
      expect(reported.status).toBe(200);
    }
  }

  async function credits(member: TestMember, kind: keyof typeof SUB): Promise<number> {
    const view = await stack.api('GET', '/member/messages/settings', { token: member.token });
    return view.body.kinds.find((k: { kind: string }) => k.kind === kind).credits;
  }

  /** Runs the sender over whatever is due and waits until no send is mid-flight (a Bull job may hold one). */
  async function settle(): Promise<void> {
    for (let round = 0; round < 200; round++) {
      await sender.runDue();
      const [busy] = await stack.db.query("SELECT COUNT(*) AS n FROM notifications WHERE brand_id = ? AND status = 'sending'", [stack.chain.brand.id]);
      if (Number(busy.n) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('a notification stayed in sending');
  }

  async function log(member: TestMember): Promise<NotificationView[]> {
    const result = await stack.api('GET', `/staff/notifications?memberId=${member.memberId}`, { token: marketer });
    expect(result.status).toBe(200);
    return result.body.notifications;
  }

  async function inbox(member: TestMember): Promise<any[]> {
    return (await stack.wechat(`/messages?kind=subscribe&touser=${await openidOf(member)}`)).messages;
  }

  it('defaults to no templates, quiet hours 21:30–08:30 and 5 a day', async () => {
    expect(await settings()).toMatchObject({ templates: [], quietHours: { start: '21:30', end: '08:30' }, dailyCapPerMember: 5, version: 0 });
  });

  it('the brand’s message settings: trimmed template ids, one entry per kind, versioned and audited, marketing only', async () => {
    const body = {
      templates: [{ kind: 'points_changed', officialTemplateId: '  oa-1  ', subscribeTemplateId: null }],
      quietHours: null,
      dailyCapPerMember: 3,
    };
    const twice = await stack.api('PUT', '/staff/settings/messages', {
      token: marketer,
      body: { ...body, templates: [body.templates[0], { kind: 'points_changed', officialTemplateId: null, subscribeTemplateId: 'x' }], version: 0 },
    });
    expect(twice.status).toBe(400);
    expect(twice.body.issues).toEqual([expect.objectContaining({ field: 'templates' })]);
    const same = await stack.api('PUT', '/staff/settings/messages', { token: marketer, body: { ...body, quietHours: { start: '22:00', end: '22:00' }, version: 0 } });
    expect(same.status).toBe(400);
    expect((await stack.api('PUT', '/staff/settings/messages', { token: await stack.staffToken('clerk'), body: { ...body, version: 0 } })).status).toBe(403);
    expect((await settings()).version).toBe(0);

    const saved = await stack.api('PUT', '/staff/settings/messages', { token: marketer, body: { ...body, version: 0 } });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ templates: [{ kind: 'points_changed', officialTemplateId: 'oa-1', subscribeTemplateId: null }], quietHours: null, version: 1 });
    expect(saved.body.updatedBy).toEqual(expect.any(String));
    // An editor still holding version 0 cannot overwrite it.
    const stale = await stack.api('PUT', '/staff/settings/messages', { token: marketer, body: { ...body, dailyCapPerMember: 9, version: 0 } });
    expect(stale.status).toBe(409);
    const [audit] = await stack.db.query("SELECT detail FROM audit_log WHERE brand_id = ? AND action = 'message_settings.update'", [stack.chain.brand.id]);
    expect(JSON.parse(audit.detail)).toMatchObject({ fromVersion: 0, before: { templates: [], dailyCapPerMember: 5 }, after: { dailyCapPerMember: 3 } });
    // Back to the defaults' quiet hours and cap for the tests below.
    await configure({ quietHours: { start: '21:30', end: '08:30' }, dailyCapPerMember: 5 });
  });

  it('a purchase tells a member holding a subscribe credit: the points message reaches WeChat with its data and page', async () => {
    await configure();
    const member = await till.newMember();
    expect(await credits(member, 'points_changed')).toBe(0);
    await accept(member, SUB.points_changed, 2);
    expect(await credits(member, 'points_changed')).toBe(2);

    const order = await till.bought(member, { amountFen: 12_300 });
    await settle();

    const messages = await inbox(member);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      templateId: SUB.points_changed,
      page: 'pages/points/index',
      data: { number2: { value: String(order.pointsEarned) }, number3: { value: String(order.pointsEarned) }, time4: { value: '2026-06-02 12:00' } },
    });
    expect(messages[0].data.thing1.value).toContain('消费');
    expect(await credits(member, 'points_changed')).toBe(1);
    const [record] = await log(member);
    expect(record).toMatchObject({ kind: 'points_changed', status: 'sent', channel: 'subscribe', templateId: SUB.points_changed, attempts: 1, data: messages[0].data });
    expect(record.sentAt).not.toBeNull();

    // Sending again finds nothing to do: the row is sent.
    await settle();
    expect(await inbox(member)).toHaveLength(1);
  });

  it('counts only accepts of the brand’s own templates; an unknown template is refused, naming it, with nothing counted', async () => {
    const member = await till.newMember();
    const refused = await stack.api('POST', '/member/messages/subscriptions', {
      token: member.token,
      body: { results: { [SUB.points_changed]: 'accept', 'someone-elses-template': 'accept' } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'SUBSCRIBE_TEMPLATE_UNKNOWN', issues: [{ field: 'results.someone-elses-template' }] });
    expect(await credits(member, 'points_changed')).toBe(0);

    const answered = await stack.api('POST', '/member/messages/subscriptions', {
      token: member.token,
      body: { results: { [SUB.points_changed]: 'accept', [SUB.coupon_received]: 'reject', [SUB.tier_changed]: 'ban', [SUB.birthday]: 'filter' } },
    });
    expect(answered.status).toBe(200);
    const kinds = Object.fromEntries(answered.body.kinds.map((k: any) => [k.kind, k]));
    expect(kinds.points_changed).toMatchObject({ label: '积分变动', enabled: true, channel: 'subscribe', subscribeTemplateId: SUB.points_changed, credits: 1 });
    expect(kinds.coupon_received).toMatchObject({ channel: null, credits: 0 });
    expect(kinds.tier_changed).toMatchObject({ channel: null, credits: 0 });
    expect(answered.body).toMatchObject({ followsOfficialAccount: false, quietHours: { start: '21:30', end: '08:30' }, maxTemplatesPerRequest: 3 });
  });

  it('ten purchases at once with one credit send exactly one message; the rest are unreachable', async () => {
    stack.clock.travelTo(NOON);
    const member = await till.newMember();
    await accept(member, SUB.points_changed, 1);
    await Promise.all(Array.from({ length: 10 }, (_, i) => till.bought(member, { amountFen: 1_000 + i * 100 })));
    // Several senders at once over the same rows, as two instances and a Bull job would.
    await Promise.all([sender.runDue(), sender.runDue(), sender.runDue(), sender.runDue()]);
    await settle();

    expect(await inbox(member)).toHaveLength(1);
    expect(await credits(member, 'points_changed')).toBe(0);
    const records = await log(member);
    expect(records).toHaveLength(10);
    expect(records.filter((r) => r.status === 'sent')).toHaveLength(1);
    expect(records.filter((r) => r.status === 'unreachable')).toHaveLength(9);
  });

  it('43101: a credit WeChat does not know of is cleared and the notification recorded unreachable', async () => {
    stack.clock.travelTo(NOON);
    const member = await till.newMember();
    // The report reached us but WeChat never recorded the accept.
    await stack.api('POST', '/member/messages/subscriptions', { token: member.token, body: { results: { [SUB.points_changed]: 'accept' } } });
    expect(await credits(member, 'points_changed')).toBe(1);
    await till.bought(member, { amountFen: 5_000 });
    await settle();

    expect(await inbox(member)).toHaveLength(0);
    expect(await credits(member, 'points_changed')).toBe(0);
    const [record] = await log(member);
    expect(record).toMatchObject({ status: 'unreachable', lastErrcode: 43101, attempts: 1, sentAt: null });
  });

  it('quiet hours hold a message until they end', async () => {
    stack.clock.travelTo('2026-06-02T14:00:00Z'); // 22:00 in Shanghai
    const member = await till.newMember();
    await accept(member, SUB.points_changed);
    await till.bought(member, { amountFen: 8_800 });
    await settle();

    const [held] = await log(member);
    expect(held).toMatchObject({ status: 'pending', attempts: 0, notBefore: '2026-06-03T00:30:00.000Z' }); // 08:30 the next morning
    expect(await inbox(member)).toHaveLength(0);

    stack.clock.travelTo('2026-06-03T00:29:00Z');
    await settle();
    expect(await inbox(member)).toHaveLength(0);
    stack.clock.travelTo('2026-06-03T00:31:00Z');
    await settle();
    expect(await inbox(member)).toHaveLength(1);
    expect((await log(member))[0]).toMatchObject({ status: 'sent', channel: 'subscribe' });
  });

  it('the daily cap holds the rest of the day’s messages until the next morning', async () => {
    await configure({ dailyCapPerMember: 2 });
    stack.clock.travelTo('2026-06-05T04:00:00Z');
    const member = await till.newMember();
    await accept(member, SUB.points_changed, 3);
    for (const amountFen of [1_000, 2_000, 3_000]) {
      await till.bought(member, { amountFen });
      await settle();
    }
    expect(await inbox(member)).toHaveLength(2);
    const waiting = (await log(member)).filter((r) => r.status === 'pending');
    expect(waiting).toHaveLength(1);
    expect(waiting[0].notBefore).toBe('2026-06-06T00:30:00.000Z'); // the next day, after its quiet hours

    stack.clock.travelTo('2026-06-06T01:00:00Z');
    await settle();
    expect(await inbox(member)).toHaveLength(3);
    expect(await credits(member, 'points_changed')).toBe(0);
    await configure({ dailyCapPerMember: 5 });
  });

  it('45009 (WeChat’s daily quota) waits for the next day and keeps the credit', async () => {
    stack.clock.travelTo('2026-06-08T04:00:00Z');
    const member = await till.newMember();
    await accept(member, SUB.points_changed);
    await stack.wechat('/faults', { path: '/cgi-bin/message/subscribe/send', errcode: 45009, times: 1 });
    await till.bought(member, { amountFen: 4_000 });
    await settle();

    const [waiting] = await log(member);
    expect(waiting).toMatchObject({ status: 'pending', lastErrcode: 45009, attempts: 1, notBefore: '2026-06-09T00:30:00.000Z' });
    expect(await credits(member, 'points_changed')).toBe(1);

    stack.clock.travelTo('2026-06-09T02:00:00Z');
    await settle();
    expect(await inbox(member)).toHaveLength(1);
    expect((await log(member))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('-1 (WeChat busy) is retried with a back-off and sent once', async () => {
    stack.clock.travelTo('2026-06-10T04:00:00Z');
    const member = await till.newMember();
    await accept(member, SUB.points_changed);
    await stack.wechat('/faults', { path: '/cgi-bin/message/subscribe/send', errcode: -1, times: 1 });
    await till.bought(member, { amountFen: 4_000 });
    await settle();

    const [retrying] = await log(member);
    expect(retrying).toMatchObject({ status: 'pending', lastErrcode: -1, attempts: 1 });
    expect(Date.parse(retrying.notBefore)).toBeGreaterThan(Date.parse('2026-06-10T04:00:00Z'));
    expect(await inbox(member)).toHaveLength(0);

    stack.clock.travelTo('2026-06-10T04:05:00Z');
    await settle();
    await settle();
    expect(await inbox(member)).toHaveLength(1);
    expect((await log(member))[0]).toMatchObject({ status: 'sent', attempts: 2, lastErrcode: -1 });
  });

  it('WeChat’s -1 on every attempt ends failed after five, the credit kept', async () => {
    stack.clock.travelTo('2026-06-11T04:00:00Z');
    const member = await till.newMember();
    await accept(member, SUB.points_changed);
    await stack.wechat('/faults', { path: '/cgi-bin/message/subscribe/send', errcode: -1, times: 5 });
    await till.bought(member, { amountFen: 4_000 });
    for (let hour = 1; hour <= 5; hour++) {
      stack.clock.travelTo(new Date(Date.parse('2026-06-11T04:00:00Z') + hour * 3600_000));
      await settle();
    }
    expect((await log(member))[0]).toMatchObject({ status: 'failed', attempts: 5, lastErrcode: -1 });
    expect(await inbox(member)).toHaveLength(0);
    expect(await credits(member, 'points_changed')).toBe(1);
  });

  it('47003 (data WeChat refuses) fails at once, without retry', async () => {
    stack.clock.travelTo('2026-06-12T04:00:00Z');
    const member = await till.newMember();
    await accept(member, SUB.points_changed);
    await stack.wechat('/faults', { path: '/cgi-bin/message/subscribe/send', errcode: 47003, times: 1 });
    await till.bought(member, { amountFen: 4_000 });
    await settle();
    expect((await log(member))[0]).toMatchObject({ status: 'failed', attempts: 1, lastErrcode: 47003 });
    expect(await credits(member, 'points_changed')).toBe(1);
  });

  it('a kind the member turned off is recorded disabled and not sent', async () => {
    stack.clock.travelTo(NOON);
    const member = await till.newMember();
    await accept(member, SUB.points_changed);
    const off = await stack.api('PUT', '/member/messages/settings', { token: member.token, body: { kinds: { points_changed: false } } });
    expect(off.status).toBe(200);
    expect(off.body.kinds.find((k: any) => k.kind === 'points_changed')).toMatchObject({ enabled: false, credits: 1 });
    await till.bought(member, { amountFen: 6_000 });
    await settle();

    expect(await inbox(member)).toHaveLength(0);
    expect(await credits(member, 'points_changed')).toBe(1);
    const disabled = await stack.api('GET', `/staff/notifications?memberId=${member.memberId}&status=disabled`, { token: marketer });
    expect(disabled.body.notifications).toEqual([expect.objectContaining({ kind: 'points_changed', status: 'disabled', attempts: 0 })]);

    // Turned back on: the next purchase is told.
    await stack.api('PUT', '/member/messages/settings', { token: member.token, body: { kinds: { points_changed: true } } });
    await till.bought(member, { amountFen: 6_000 });
    await settle();
    expect(await inbox(member)).toHaveLength(1);
  });

  it('refunds, staff adjustments, tier upgrades and granted coupons each record their notification once', async () => {
    stack.clock.travelTo(NOON);
    const member = await till.newMember();
    const order = await till.bought(member, { amountFen: 520_000 }); // enough for 金卡
    expect(order.tierAfter).not.toBe('normal');
    expect((await till.refund(order.id, { amountFen: 10_000 })).status).toBe(201);
    expect((await till.adjust(member, -5, '客诉更正', 'ADJ-notify-1')).status).toBe(201);
    // The same adjustment sent again changes nothing and tells nothing new.
    expect((await till.adjust(member, -5, '客诉更正', 'ADJ-notify-1')).status).toBe(200);
    const template = stack.chain.couponTemplates[Object.keys(stack.chain.couponTemplates)[0]];
    const grant = { memberId: member.memberId, requestId: 'grant-notify-1' };
    const granted = await stack.api('POST', `/staff/coupon-templates/${template.id}/grants`, { token: marketer, body: grant });
    expect([200, 201]).toContain(granted.status);

    const kinds = (await log(member)).map((r) => r.kind).sort();
    expect(kinds).toEqual(['coupon_received', 'points_changed', 'points_changed', 'points_changed', 'tier_changed']);
    const [row] = await stack.db.query("SELECT payload FROM notifications WHERE member_id = ? AND kind = 'tier_changed'", [member.memberId]);
    expect(JSON.parse(row.payload)).toMatchObject({ from: '普通会员' });
  });
  it('stored value paid in and spent at the till: a balance message for each movement', async () => {
    stack.clock.travelTo(NOON);
    const member = await till.newMember();
    await accept(member, SUB.balance_changed, 2);
    await creditStoredValue(stack, member.memberId, { principalFen: 50_000, bonusFen: 5_000 });
    const paid = await stack.api('POST', '/staff/orders', {
      token: till.clerkToken,
      body: { memberCode: await till.code(member.token), externalNo: aReceiptNo(), amountFen: 10_000, balanceFen: 3_000 },
    });
    expect(paid.status).toBe(201);
    await settle();

    const messages = (await inbox(member)).filter((m) => m.templateId === SUB.balance_changed);
    expect(messages.map((m) => [m.data.phrase2.value, m.data.amount3.value, m.data.amount4.value, m.page])).toEqual([
      ['增加', '550.00', '550.00', 'wallet/balance/index'],
      ['减少', '30.00', '520.00', 'wallet/balance/index'],
    ]);
  });

  it('the daily jobs’ reminders of expiring points and coupons are told once each', async () => {
    stack.clock.travelTo(NOON);
    const member = await till.newMember();
    await accept(member, SUB.points_expiring);
    await accept(member, SUB.coupon_expiring);
    await till.bought(member, { amountFen: 20_000 });
    const template = stack.chain.couponTemplates[Object.keys(stack.chain.couponTemplates)[0]];
    expect((await stack.api('POST', `/staff/coupon-templates/${template.id}/grants`, { token: marketer, body: { memberId: member.memberId, requestId: 'grant-expiring-1' } })).status).toBe(201);
    const [lot] = await stack.db.query('SELECT expires_on, remaining FROM point_lots WHERE member_id = ?', [member.memberId]);
    const [coupon] = await stack.db.query('SELECT name, valid_to FROM coupons WHERE member_id = ?', [member.memberId]);
    const brandId = stack.chain.brand.id;
    for (let run = 0; run < 2; run++) {
      await stack.app.get(PointsMaintenance).expire(addDays(lot.expires_on, -10), brandId);
      await stack.app.get(CouponMaintenance).expire(addDays(coupon.valid_to, -1), brandId);
    }
    await settle();

    const records = await log(member);
    expect(records.filter((r) => r.kind === 'points_expiring')).toHaveLength(1);
    expect(records.filter((r) => r.kind === 'coupon_expiring')).toHaveLength(1);
    const messages = await inbox(member);
    expect(messages.find((m) => m.templateId === SUB.points_expiring)).toMatchObject({
      page: 'pages/points/index',
      data: { number1: { value: String(lot.remaining) }, date2: { value: lot.expires_on } },
    });
    expect(messages.find((m) => m.templateId === SUB.coupon_expiring)).toMatchObject({
      page: 'coupons/mine/index',
      data: { thing1: { value: coupon.name }, number2: { value: '1' }, date3: { value: coupon.valid_to } },
    });
  });

  describe('through the official account', () => {
    /** The member follows the brand's account (matched by the unionid of their mini-program login); the server learns it from WeChat's push. */
    async function follow(member: TestMember): Promise<string> {
      const [identity] = await stack.db.query('SELECT unionid FROM wechat_identities WHERE member_id = ? AND appid = ?', [member.memberId, stack.appid]);
      const followed = await stack.wechat<{ openid: string }>('/follow', { appid: stack.oaAppid, unionid: identity.unionid });
      for (let i = 0; i < 300; i++) {
        const view = await stack.api('GET', '/member/messages/settings', { token: member.token });
        if (view.body.followsOfficialAccount) return followed.openid;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('the follow never reached the server');
    }

    async function templates(oaOpenid: string): Promise<any[]> {
      return (await stack.wechat(`/messages?kind=template&touser=${oaOpenid}`)).messages;
    }

    it('a follower gets a template message that opens the mini-program, and keeps their subscribe credit', async () => {
      stack.clock.travelTo(NOON);
      const member = await till.newMember();
      await accept(member, SUB.points_changed);
      const oaOpenid = await follow(member);
      const view = await stack.api('GET', '/member/messages/settings', { token: member.token });
      expect(view.body.kinds.find((k: any) => k.kind === 'points_changed')).toMatchObject({ channel: 'official_account', credits: 1 });
      // Kinds without an official template still go by subscribe message (or not at all).
      expect(view.body.kinds.find((k: any) => k.kind === 'coupon_received')).toMatchObject({ channel: null });

      const order = await till.bought(member, { amountFen: 9_900 });
      await settle();

      const [message] = await templates(oaOpenid);
      const [record] = await log(member);
      expect(message).toMatchObject({
        templateId: OA_POINTS,
        miniprogram: { appid: stack.appid, pagepath: 'pages/points/index' },
        clientMsgId: record.id,
        data: { number2: { value: String(order.pointsEarned) } },
      });
      expect(record).toMatchObject({ status: 'sent', channel: 'official_account', templateId: OA_POINTS, attempts: 1 });
      const [row] = await stack.db.query('SELECT wechat_msgid FROM notifications WHERE id = ?', [record.id]);
      expect(row.wechat_msgid).toBe(message.msgid);
      expect(await inbox(member)).toHaveLength(0);
      expect(await credits(member, 'points_changed')).toBe(1);
      // WeChat's TEMPLATESENDJOBFINISH push lands on the record.
      for (let i = 0; i < 300 && (await log(member))[0].finishStatus === null; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await log(member))[0].finishStatus).toBe('success');
    });

    it('43004 (the member left without us hearing of it): forgotten as a follower, the subscribe message goes instead', async () => {
      stack.clock.travelTo(NOON);
      const member = await till.newMember();
      await accept(member, SUB.points_changed);
      const oaOpenid = await follow(member);
      await stack.wechat('/faults', { path: '/cgi-bin/message/template/send', errcode: 43004, times: 1 });
      await till.bought(member, { amountFen: 9_900 });
      await settle();

      expect(await templates(oaOpenid)).toHaveLength(0);
      expect(await inbox(member)).toHaveLength(1);
      expect((await log(member))[0]).toMatchObject({ status: 'sent', channel: 'subscribe', templateId: SUB.points_changed });
      const [follower] = await stack.db.query('SELECT following FROM oa_followers WHERE appid = ? AND openid = ?', [stack.oaAppid, oaOpenid]);
      expect(Number(follower.following)).toBe(0);
      expect((await stack.api('GET', '/member/messages/settings', { token: member.token })).body.followsOfficialAccount).toBe(false);
    });

    it('the account’s daily template quota used up (45009): the message waits for the next day', async () => {
      stack.clock.travelTo('2026-06-15T04:00:00Z');
      const member = await till.newMember();
      const oaOpenid = await follow(member);
      await stack.wechat('/official-account', { appid: stack.oaAppid, templateDailyQuota: 0 });
      try {
        await till.bought(member, { amountFen: 9_900 });
        await settle();
        expect((await log(member))[0]).toMatchObject({ status: 'pending', lastErrcode: 45009, notBefore: '2026-06-16T00:30:00.000Z' });
      } finally {
        await stack.wechat('/official-account', { appid: stack.oaAppid, templateDailyQuota: 100_000 });
      }
      stack.clock.travelTo('2026-06-16T01:00:00Z');
      await settle();
      expect(await templates(oaOpenid)).toHaveLength(1);
      expect((await log(member))[0]).toMatchObject({ status: 'sent', channel: 'official_account', attempts: 2 });
    });
  });
});
