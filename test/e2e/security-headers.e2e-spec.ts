import { TestStack } from '../support/stack';

describe('security headers on every answer', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ env: { TRUST_PROXY: 'true' } });
  });
  afterAll(() => stack?.close());

  it('nosniff, no referrer, no framing, a CSP; personal answers are never cached', async () => {
    const joined = await stack.join('13900001111');
    const card = await stack.api('GET', '/member/card', { token: joined.token });
    expect(card.status).toBe(200);
    expect(card.headers.get('x-content-type-options')).toBe('nosniff');
    expect(card.headers.get('referrer-policy')).toBe('no-referrer');
    expect(card.headers.get('x-frame-options')).toBe('DENY');
    expect(card.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(card.headers.get('cache-control')).toBe('no-store');
    // Over plain HTTP no HSTS: a development server must not pin browsers to HTTPS.
    expect(card.headers.get('strict-transport-security')).toBeNull();
    // Errors carry the headers too.
    const refused = await stack.api('GET', '/member/card');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('HSTS only on answers that went out over TLS (a trusted proxy says so)', async () => {
    const result = await stack.api('GET', '/platform/config', { headers: { 'x-forwarded-proto': 'https' } });
    expect(result.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });
});

describe('the API document can be switched off', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ env: { API_DOCS: 'false' } });
  });
  afterAll(() => stack?.close());

  it('API_DOCS=false: neither the reference page nor the OpenAPI document exists', async () => {
    for (const path of ['/docs', '/docs/openapi.json', '/docs/assets/swagger-ui-bundle.js']) {
      const result = await stack.api('GET', path);
      expect({ path, status: result.status, code: result.body?.code }).toEqual({ path, status: 404, code: 'ROUTE_NOT_FOUND' });
    }
  });
});
