import type { MessageSettings } from '@wemember/shared';
import { NotificationSender } from '../../server/src/notifications/notification-sender';
import { TestStack } from '../support/stack';
import { TestTill, type TestMember } from '../support/till';

/**
 * The notification path on SQLite (what `npm start` runs): settings, a member's choices and
 * subscribe reports, a purchase's points message sent, a turned-off kind recorded, the staff log.
 * The MariaDB suite (notifications.e2e-spec.ts) covers the WeChat failures and the races.
 */
describe('notifications on SQLite', () => {
  let stack: TestStack;
  let till: TestTill;
  let marketer: string;

  beforeAll(async () => {
    stack = await TestStack.start({ database: 'sqlite' });
    till = await TestTill.open(stack);
    marketer = await stack.staffToken('marketer');
    stack.clock.travelTo('2026-06-02T04:00:00Z');
  });
  afterAll(() => stack?.close());

  async function openidOf(member: TestMember): Promise<string> {
    const [row] = await stack.db.query('SELECT openid FROM wechat_identities WHERE member_id = ?', [member.memberId]);
    return row.openid;
  }

  it('a purchase’s points message reaches the member; a kind turned off is recorded and not sent', async () => {
    const saved = await stack.api<MessageSettings>('PUT', '/staff/settings/messages', {
      token: marketer,
      body: {
        templates: [
          { kind: 'points_changed', officialTemplateId: null, subscribeTemplateId: 'sub-points' },
          { kind: 'tier_changed', officialTemplateId: null, subscribeTemplateId: 'sub-tier' },
        ],
        quietHours: { start: '21:30', end: '08:30' },
        dailyCapPerMember: 5,
        version: 0,
      },
    });
    expect(saved.status).toBe(200);
    const member = await till.newMember();
    const openid = await openidOf(member);
    for (const templateId of ['sub-points', 'sub-tier']) await stack.wechat('/subscribe-accept', { appid: stack.appid, openid, templateId });
    const reported = await stack.api('POST', '/member/messages/subscriptions', { token: member.token, body: { results: { 'sub-points': 'accept', 'sub-tier': 'accept' } } });
    expect(reported.status).toBe(200);
    const off = await stack.api('PUT', '/member/messages/settings', { token: member.token, body: { kinds: { tier_changed: false } } });
    expect(off.body.kinds.find((k: { kind: string }) => k.kind === 'tier_changed')).toMatchObject({ enabled: false, credits: 1 });

    await till.bought(member, { amountFen: 520_000 }); // points and an upgrade
    // The job queued at the commit may be sending already: run the sender until nothing is mid-flight.
    for (let round = 0; round < 200; round++) {
      await stack.app.get(NotificationSender).runDue();
      const [busy] = await stack.db.query("SELECT COUNT(*) AS n FROM notifications WHERE status IN ('pending', 'sending')");
      if (Number(busy.n) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const { messages } = await stack.wechat(`/messages?kind=subscribe&touser=${openid}`);
    expect(messages.map((m: { templateId: string }) => m.templateId)).toEqual(['sub-points']);
    const log = await stack.api('GET', `/staff/notifications?memberId=${member.memberId}`, { token: marketer });
    expect(log.body.notifications.map((n: { kind: string; status: string }) => [n.kind, n.status]).sort()).toEqual([
      ['points_changed', 'sent'],
      ['tier_changed', 'disabled'],
    ]);
    const view = await stack.api('GET', '/member/messages/settings', { token: member.token });
    expect(view.body.kinds.find((k: { kind: string }) => k.kind === 'points_changed')).toMatchObject({ credits: 0, channel: null });
  });
});
