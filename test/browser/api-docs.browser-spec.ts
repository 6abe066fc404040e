import { BrowserHarness } from '../support/browser';

/**
 * The API reference a POS integrator opens: /api/docs renders Swagger UI from files the server
 * serves itself (no CDN: this machine, like a store's network, may have no internet) over the
 * OpenAPI document, which stays at its own path for tools.
 */
describe('API reference at /api/docs in Chromium', () => {
  let browser: BrowserHarness;

  beforeAll(async () => {
    browser = await BrowserHarness.start();
  });
  afterAll(() => browser?.close());

  it('lists the routes, expands one to its schema, and loads nothing from elsewhere', async () => {
    const page = await browser.context.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${browser.stack.url}/api/docs`);

    const till = page.locator('.opblock-summary-path[data-path="/api/staff/orders"]').first();
    await till.waitFor({ timeout: 20_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    await till.click();
    await page.locator('.opblock-body').first().waitFor();
    expect(await page.locator('.opblock-body').first().textContent()).toContain('externalNo');
    await browser.shot(page, 'api-docs');

    const origin = new URL(browser.stack.url).origin;
    expect(requested.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);

    const json = await browser.stack.api('GET', '/docs/openapi.json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\./);
    await page.close();
  });
});
