import type { Page } from 'playwright-core';
import { BrowserHarness, decodeQr, visible } from '../support/browser';
import { aPhone, STAFF_PASSWORD, TestStack } from '../support/stack';

/**
 * Journey 1 in a real browser on the H5 build: a shopper scans a store code, authorises a phone
 * number and sees the card whose QR code is the current dynamic member code; a clerk signs in on
 * the staff pages and looks the member up with that code.
 */
describe('H5 in Chromium: scan → join → card → clerk resolves', () => {
  let stack: TestStack;
  let browser: BrowserHarness;

  beforeAll(async () => {
    browser = await BrowserHarness.start();
    stack = browser.stack;
  });
  afterAll(() => browser?.close());

  const openPage = (path: string): Promise<Page> => browser.open(path);

  it('joins from the store code and shows a card whose QR is the live member code', async () => {
    const scene = stack.chain.counterScenes.HZ001;
    await stack.printCode(scene);
    const launch = await stack.wechat<{ path: string; query: { scene: string } }>('/scan', { scene });

    const page = await openPage(`${launch.path}?scene=${launch.query.scene}`);
    await page.waitForSelector(visible('.join-welcome:has-text("杭州西湖店")'));
    const phone = aPhone();
    await page.locator(visible('.join-phone input')).fill(phone);
    // The join button only asks until the agreements are ticked.
    await page.locator(visible('.join-submit')).click();
    await page.waitForSelector(visible('.join-consent__hint:has-text("请先阅读并勾选同意")'));
    expect(await page.locator(visible('.card-member-no')).count()).toBe(0);
    await page.locator(visible('.join-check')).click();
    await page.locator(visible('.join-submit')).click();

    const memberNoText = page.locator(visible('.card-member-no'));
    await memberNoText.waitFor();
    await page.waitForFunction(() => /^\d{10}$/.test(document.querySelector('.taro_page:not(.taro_page_shade) .card-member-no')?.textContent ?? ''));
    const memberNo = (await memberNoText.textContent())!;
    expect(await page.locator(visible('.card-tier')).textContent()).toBe('普通会员');
    expect(await page.locator(visible('.card-phone')).textContent()).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);

    const qr = page.locator(visible('.member-qr'));
    await qr.waitFor();
    await page.waitForTimeout(400); // let the page transition settle before the screenshot
    const shown = await qr.getAttribute('data-code');
    const decoded = decodeQr(await qr.screenshot());
    expect(decoded).toMatch(/^\d{20}$/);
    expect(decoded).toBe(shown);
    expect(decoded!.startsWith(memberNo)).toBe(true);

    // The code in the QR is the one the server issues now: the clerk's scan finds this member.
    const clerk = await stack.staffToken('clerk');
    const resolved = await stack.api('POST', '/staff/members/resolve', { token: clerk, body: { code: decoded } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.memberNo).toBe(memberNo);

    // The barcode carries the same code, printed under it for reading out.
    expect((await page.locator(visible('.member-code-text')).textContent())!.replace(/\s/g, '')).toBe(decoded);
    await page.close();

    // The clerk's side, in the staff pages of the same H5 build.
    const staffPage = await openPage('staff/login/index');
    await staffPage.locator(visible('.staff-username input')).fill(`${stack.usernamePrefix}clerk`);
    await staffPage.locator(visible('.staff-password input')).fill(STAFF_PASSWORD);
    await staffPage.locator(visible('.staff-login-btn')).click();
    await staffPage.waitForSelector(visible('.staff-name:has-text("西湖店店员小陈")'));
    await staffPage.locator(visible('.scan-input input')).fill(decoded!);
    await staffPage.locator(visible('.scan-submit')).click();
    const summary = staffPage.locator(visible('.member-summary'));
    await summary.waitFor();
    expect(await staffPage.locator(visible('.summary-member-no')).textContent()).toContain(memberNo);
    expect(await summary.textContent()).toContain(`${phone.slice(0, 3)}****${phone.slice(-4)}`);

    // A forged code is refused with a message the clerk can act on.
    await staffPage.locator(visible('.scan-input input')).fill(decoded!.slice(0, 19) + ((Number(decoded!.at(-1)) + 1) % 10));
    await staffPage.locator(visible('.scan-submit')).click();
    await staffPage.waitForSelector(visible('.scan-error:has-text("会员码无效")'));
    await staffPage.close();
  });

  it('a shopper who already joined goes straight to the card when scanning again', async () => {
    const phone = aPhone();
    const page = await openPage(`pages/join/index?scene=${stack.chain.counterScenes.SH001}`);
    // A new WeChat user on this browser: the H5 platform keeps its openid in localStorage.
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.locator(visible('.join-phone input')).fill(phone);
    // The join button only asks until the agreements are ticked.
    await page.locator(visible('.join-submit')).click();
    await page.waitForSelector(visible('.join-consent__hint:has-text("请先阅读并勾选同意")'));
    expect(await page.locator(visible('.card-member-no')).count()).toBe(0);
    await page.locator(visible('.join-check')).click();
    await page.locator(visible('.join-submit')).click();
    await page.waitForFunction(() => /^\d{10}$/.test(document.querySelector('.taro_page:not(.taro_page_shade) .card-member-no')?.textContent ?? ''));
    const memberNo = await page.locator(visible('.card-member-no')).textContent();

    // Same browser (same WeChat user): scanning another store's code opens the same card.
    await page.goto(`${stack.url}/#/pages/join/index?scene=${stack.chain.counterScenes.GZ001}`);
    await page.reload();
    await page.waitForFunction(
      (no) => document.querySelector('.taro_page:not(.taro_page_shade) .card-member-no')?.textContent === no,
      memberNo,
    );
    await page.close();
  });
});
