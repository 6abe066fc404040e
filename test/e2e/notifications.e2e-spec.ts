import { NOTIFICATION_KINDS, type MessageSettings, type NotificationView } from '@wemember/shared';
import { NotificationSender } from '../../server/src/notifications/notification-sender';
import { TestStack } from '../support/stack';
import { TestTill, type TestMember } from '../support/till';

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
});
