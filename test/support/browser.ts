import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { TestStack } from './stack';

export const H5_DIR = join(__dirname, '../../miniapp/dist/h5');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The page Taro shows now (earlier pages stay in the DOM, hidden). */
export const visible = (selector: string) => `.taro_page:not(.taro_page_shade) ${selector}`;

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
    page.on('pageerror', (error) => console.error('page error:', error.message));
    // The server's Content-Security-Policy must fit the H5 build: anything it blocks fails the suite.
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) this.blockedByCsp.push(message.text());
    });
    await page.goto(`${this.stack.url}/#/${path}`);
    return page;
  }

  /** With SCREENSHOT_DIR set, saves a full-page screenshot there, to look at the pages by eye. */
  async shot(page: Page, name: string): Promise<void> {
    const dir = process.env.SCREENSHOT_DIR;
    if (dir) await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  }

  /** What the CSP refused on any page opened so far. */
  readonly blockedByCsp: string[] = [];

  async close(): Promise<void> {
    await this.context.close();
    await this.stack.close();
    rmSync(this.profileDir, { recursive: true, force: true });
    if (this.blockedByCsp.length) throw new Error(`the Content-Security-Policy blocked:\n${this.blockedByCsp.join('\n')}`);
  }
}
