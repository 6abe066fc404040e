import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { TestStack } from './stack';

export const H5_DIR = join(__dirname, '../../miniapp/dist/h5');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Reads the QR code in a screenshot the way a clerk's scanner would. */
export function decodeQr(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

/** The page Taro shows now (earlier pages stay in the DOM, hidden). */
export const visible = (selector: string) => `.taro_page:not(.taro_page_shade) ${selector}`;

/** The text of the first shown element matching `selector`. */
export const textOf = (page: Page, selector: string) => page.locator(visible(selector)).first().textContent();

/**
 * Chromium logs every 4xx answer as a console error ("Failed to load resource…"). An API's 4xx is an
 * answer the page handles (it shows the message, the test checks it); a 4xx of anything else (a
 * missing script, style or icon) and every 5xx is a fault.
 */
function isApiRefusal(text: string, url: string): boolean {
  return /^Failed to load resource: the server responded with a status of 4\d\d/.test(text) && /\/api\//.test(url);
}

/**
 * A wemember serving the H5 build and Debian's Chromium on a phone-sized screen, with its own
 * profile: what every browser test starts from.
 */
export class BrowserHarness {
  private constructor(
    readonly stack: TestStack,
    readonly context: BrowserContext,
    private readonly profileDir: string,
  ) {}

  static async start(): Promise<BrowserHarness> {
    const stack = await TestStack.start({ h5Dir: H5_DIR });
    const profileDir = mkdtempSync(join(tmpdir(), 'wemember-chromium-'));
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    return new BrowserHarness(stack, context, profileDir);
  }

  /** Opens a page of the H5 app (a Taro route such as `pages/card/index`). */
  async open(path: string): Promise<Page> {
    const page = await this.context.newPage();
    // An uncaught error or a console.error on any page fails the suite (in close()), as a CSP block does.
    page.on('pageerror', (error) => this.pageErrors.push(`${path}: ${error.stack ?? error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // The server's Content-Security-Policy must fit the H5 build: anything it blocks fails the suite.
      if (/Content Security Policy/i.test(message.text())) this.blockedByCsp.push(message.text());
      else if (!this.expectedErrors.some((expected) => expected.test(message.text())) && !isApiRefusal(message.text(), message.location().url)) {
        const { url, lineNumber } = message.location();
        this.pageErrors.push(`${path}: console.error ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
      }
    });
    await page.goto(`${this.stack.url}/#/${path}`);
    return page;
  }

  /**
   * A new shopper (fresh storage) scans store HZ001's code and joins with `phone`, through the join
   * page as a shopper would; answers once the card shows, with the page and the member's token.
   */
  async joinFromStoreCode(phone: string): Promise<{ page: Page; token: string }> {
    const page = await this.open(`pages/join/index?scene=${this.stack.chain.counterScenes.HZ001}`);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.locator(visible('.join-phone input')).fill(phone);
    await page.locator(visible('.join-check')).click();
    await page.locator(visible('.join-submit')).click();
    await page.waitForFunction(() => /^\d{10}$/.test(document.querySelector('.taro_page:not(.taro_page_shade) .card-member-no')?.textContent ?? ''));
    const token: string = await page.evaluate(() => JSON.parse(localStorage.getItem('wemember.member-session')!).data.token);
    return { page, token };
  }

  /** With SCREENSHOT_DIR set, saves a full-page screenshot there, to look at the pages by eye. */
  async shot(page: Page, name: string): Promise<void> {
    const dir = process.env.SCREENSHOT_DIR;
    if (dir) await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  }

  /** What the CSP refused on any page opened so far. */
  readonly blockedByCsp: string[] = [];

  /** Uncaught errors and console.error calls on any page opened so far. */
  readonly pageErrors: string[] = [];

  /**
   * Console errors a test provokes on purpose and checks itself (a connection it cuts is logged as
   * "Failed to load resource: net::ERR_CONNECTION_RESET"); any other fails the suite.
   */
  readonly expectedErrors: RegExp[] = [];

  async close(): Promise<void> {
    await this.context.close();
    await this.stack.close();
    rmSync(this.profileDir, { recursive: true, force: true });
    const problems = [
      ...(this.blockedByCsp.length ? [`the Content-Security-Policy blocked:\n${this.blockedByCsp.join('\n')}`] : []),
      ...(this.pageErrors.length ? [`errors in the browser console:\n${this.pageErrors.join('\n')}`] : []),
    ];
    if (problems.length) throw new Error(problems.join('\n\n'));
  }
}
