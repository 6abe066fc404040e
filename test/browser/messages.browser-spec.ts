import { NOTIFICATION_KIND_LABELS, NOTIFICATION_KINDS, type MemberMessageSettings } from '@wemember/shared';
import type { Page } from 'playwright-core';
import { NotificationSender } from '../../server/src/notifications/notification-sender';
import { BrowserHarness, textOf, visible } from '../support/browser';
import { http } from '../support/http';
import { aPhone, type TestStack } from '../support/stack';
import { configureSubscribeTemplates, subscribeTemplateOf } from '../support/subscribe-templates';
import { TestTill } from '../support/till';

interface SandboxSubscribeMessage {
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }> | null;
}

/**
 * 消息设置 in a real browser on the H5 build, with the real server, MariaDB, Redis and the WeChat
 * sandbox playing the shopper's WeChat: the brand's marketer registers subscribe templates; the
 * shopper joins, closes the card's offer, opens 我的 › 消息设置, taps 开启消息提醒 (the sandbox's user
 * accepts in WeChat's dialog), sees 剩 1 次; a purchase at the till then reaches this shopper's
 * WeChat as a points message, which spends the credit.
 */
describe('H5 in Chromium: 消息设置, subscribing, and the points message after a purchase', () => {
  let stack: TestStack;
  let browser: BrowserHarness;
  let shopper: Page;

  beforeAll(async () => {
    browser = await BrowserHarness.start();
    stack = browser.stack;
    await configureSubscribeTemplates(stack);
  });
  afterAll(() => browser?.close());

  const deliveries = (page: Page) => page.locator(visible('.msg-kind__delivery')).allTextContents();
  const shot = async (page: Page, name: string) => {
    await page.waitForTimeout(400);
    await browser.shot(page, name);
  };
  /** Waits until the element on the page shown now reads exactly `text`. */
  const waitText = (page: Page, selector: string, text: string) =>
    page.waitForFunction(([s, t]) => document.querySelector(`.taro_page:not(.taro_page_shade) ${s}`)?.textContent === t, [selector, text] as const);

  /** The subscribe messages WeChat (the sandbox) received for this WeChat user. */
  async function messagesTo(openid: string): Promise<SandboxSubscribeMessage[]> {
    const result = await http<{ messages: SandboxSubscribeMessage[] }>('GET', `${stack.sandbox.url}/__sandbox/messages?kind=subscribe&touser=${encodeURIComponent(openid)}&appid=${stack.appid}`);
    if (result.status !== 200) throw new Error(`sandbox messages: ${result.status}`);
    return result.body.messages;
  }

  it('subscribes from 消息设置 and receives the points message of a purchase in WeChat', async () => {
    const joined = await browser.joinFromStoreCode(aPhone());
    shopper = joined.page;
    const token = joined.token;
    const openid: string = await shopper.evaluate(() => localStorage.getItem('wemember.sandbox-openid')!);

    // Right after joining, the card offers the points reminder; the shopper closes it, and it stays closed.
    await shopper.locator(visible('.card-subscribe .subscribe-prompt__button')).waitFor();
    expect(await textOf(shopper, '.card-subscribe .subscribe-prompt__button')).toBe('开启积分变动提醒');
    await shot(shopper, 'messages-01-card-offer');
    await shopper.locator(visible('.card-subscribe .subscribe-prompt__close')).click();
    await shopper.locator(visible('.card-subscribe')).waitFor({ state: 'detached' });
    await shopper.reload();
    await shopper.locator(visible('.card-member-no')).waitFor();
    // (A closed offer is decided when the card opens, before it asks the server anything.)
    expect(await shopper.locator(visible('.card-subscribe')).count()).toBe(0);

    // 我的 › 消息设置: every kind, wanted, reaching nobody yet.
    await shopper.locator('.taro-tabbar__tabbar').getByText('我的', { exact: true }).click();
    await shopper.locator(visible('.me-link-messages')).click();
    await shopper.locator(visible('.msg-kind')).first().waitFor();
    expect(await shopper.locator(visible('.msg-kind__label')).allTextContents()).toEqual(NOTIFICATION_KINDS.map((k) => NOTIFICATION_KIND_LABELS[k]));
    expect(await deliveries(shopper)).toEqual(NOTIFICATION_KINDS.map(() => '未开启提醒'));
    expect(await textOf(shopper, '.msg-subscribe-button')).toBe('开启消息提醒');
    expect(await textOf(shopper, '.msg-quiet')).toBe('全天都会及时通知');
    await shot(shopper, 'messages-02-settings');

    // 开启消息提醒: the sandbox's user accepts the three most useful; the rest waits for 继续开启.
    await shopper.locator(visible('.msg-subscribe-button')).click();
    await waitText(shopper, '.msg-kind--points_changed .msg-kind__delivery', '订阅消息 · 剩 1 次');
    expect(await textOf(shopper, '.msg-kind--balance_changed .msg-kind__delivery')).toBe('订阅消息 · 剩 1 次');
    expect(await textOf(shopper, '.msg-kind--coupon_received .msg-kind__delivery')).toBe('订阅消息 · 剩 1 次');
    expect(await textOf(shopper, '.msg-kind--birthday .msg-kind__delivery')).toBe('未开启提醒');
    expect(await textOf(shopper, '.msg-notice')).toBe('已开启 3 种消息提醒，每次允许可收到一条');
    expect(await textOf(shopper, '.msg-subscribe-button')).toBe('继续开启');
    expect(await textOf(shopper, '.msg-subscribe__more')).toBe('还有 4 项提醒待开启，微信每次最多 3 项');
    await shot(shopper, 'messages-03-subscribed');
    const held = (await stack.api<MemberMessageSettings>('GET', '/member/messages/settings', { token })).body;
    expect(held.kinds.find((k) => k.kind === 'points_changed')).toMatchObject({ channel: 'subscribe', credits: 1, subscribeTemplateId: subscribeTemplateOf('points_changed') });
    expect(held.kinds.find((k) => k.kind === 'birthday')).toMatchObject({ channel: null, credits: 0 });

    // A purchase at the till: the points it earned reach the shopper's WeChat as a subscribe message.
    const till = await TestTill.open(stack);
    const order = await till.bought({ token, memberNo: '', memberId: '', phone: '' }, { amountFen: 12_800 });
    expect(order.pointsEarned).toBeGreaterThan(0);
    // The test stack schedules no jobs: each round does what the message sweeper does every few
    // seconds in production (send whatever is due), then looks in WeChat. A bounded poll, because a
    // send already taken by the queue's own job finishes on its own time.
    const sender = stack.app.get(NotificationSender);
    let received: SandboxSubscribeMessage[] = [];
    for (let round = 0; round < 100 && received.length === 0; round++) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      await sender.runDue();
      received = (await messagesTo(openid)).filter((m) => m.templateId === subscribeTemplateOf('points_changed'));
    }
    expect(received).toHaveLength(1);
    // 积分变动: the points the purchase earned, as the shopper reads them in WeChat.
    expect(received[0].data?.number2?.value).toBe(String(order.pointsEarned));

    // The credit is spent: the page, shown again, says so.
    await shopper.locator(visible('.back-bar__back')).click();
    await shopper.locator(visible('.me-link-messages')).click();
    await waitText(shopper, '.msg-kind--points_changed .msg-kind__delivery', '未开启提醒');
    expect(await textOf(shopper, '.msg-kind--balance_changed .msg-kind__delivery')).toBe('订阅消息 · 剩 1 次');
    await shot(shopper, 'messages-04-after-purchase');
  });
});
