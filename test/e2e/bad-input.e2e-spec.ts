import { ACCEPTED_AGREEMENTS, aPhone, TestStack } from '../support/stack';

/** Every bad request gets a 4xx naming the field and the reason, and writes nothing. */
describe('bad input on the join endpoints', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(() => stack?.close());

  async function expectNothingWritten(action: () => Promise<void>): Promise<void> {
    const before = await stack.counts();
    await action();
    expect(await stack.counts()).toEqual(before);
  }

  it('a missing code names the field', async () => {
    await expectNothingWritten(async () => {
      const result = await stack.api('POST', '/auth/login', { body: {} });
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(result.body.issues).toEqual([{ field: 'code', message: '缺少登录凭证 code' }]);
    });
  });

  it('a code of the wrong type, an unknown field and a bad scene are each named', async () => {
    const wrongType = await stack.api('POST', '/auth/login', { body: { code: 12345 } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.issues[0].field).toBe('code');

    const extra = await stack.api('POST', '/auth/login', { body: { code: 'abc', admin: true } });
    expect(extra.status).toBe(400);
    expect(extra.body.issues[0].message).toMatch(/admin/);

    const badScene = await stack.api('POST', '/auth/login', { body: { code: 'abc', scene: '门店%20' } });
    expect(badScene.status).toBe(400);
    expect(badScene.body.issues[0]).toEqual({ field: 'scene', message: 'scene 含有不允许的字符' });
  });

  it('malformed JSON, a wrong content type and an oversized body are 4xx in the same shape', async () => {
    const malformed = await stack.api('POST', '/auth/login', { rawBody: '{"code": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('MALFORMED_BODY');

    const wrongType = await stack.api('POST', '/auth/login', { rawBody: 'code=abc', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(wrongType.status).toBeGreaterThanOrEqual(400);
    expect(wrongType.status).toBeLessThan(500);

    const huge = await stack.api('POST', '/auth/login', { body: { code: 'x'.repeat(300_000) } });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('BODY_TOO_LARGE');
  });

  it('an unknown, a reused and an expired login code are refused and write nothing', async () => {
    await expectNothingWritten(async () => {
      const unknown = await stack.api('POST', '/auth/login', { body: { code: 'no-such-code' } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.code).toBe('WECHAT_CODE_INVALID');
    });

    const { code } = await stack.loginCode();
    expect((await stack.api('POST', '/auth/login', { body: { code } })).status).toBe(200);
    const reused = await stack.api('POST', '/auth/login', { body: { code } });
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('WECHAT_CODE_USED');

    const stale = await stack.loginCode();
    stack.clock.advance(6 * 60 * 1000);
    try {
      await expectNothingWritten(async () => {
        const expired = await stack.api('POST', '/auth/login', { body: { code: stale.code } });
        expect(expired.status).toBe(400);
        expect(expired.body.code).toBe('WECHAT_CODE_INVALID');
      });
    } finally {
      stack.clock.advance(-6 * 60 * 1000);
    }
  });

  it('an unknown store scene is a 404 and does not spend the login code', async () => {
    const { code } = await stack.loginCode();
    await expectNothingWritten(async () => {
      const result = await stack.api('POST', '/auth/login', { body: { code, scene: 'NoSuchStore1' } });
      expect(result.status).toBe(404);
      expect(result.body.code).toBe('SCENE_UNKNOWN');
    });
    expect((await stack.api('POST', '/auth/login', { body: { code } })).status).toBe(200);
    expect((await stack.api('GET', '/stores/scene/NoSuchStore1')).status).toBe(404);
  });

  it('a reused, expired or wrong-kind phone code is refused and creates no member', async () => {
    const login = await stack.login();
    const token = login.body.token;
    const phone = aPhone();
    const phoneCode = await stack.phoneCode(phone);
    expect((await stack.api('POST', '/auth/phone', { token, body: { phoneCode, acceptedAgreements: ACCEPTED_AGREEMENTS } })).status).toBe(200);

    const other = (await stack.login()).body.token;
    await expectNothingWritten(async () => {
      const reused = await stack.api('POST', '/auth/phone', { token: other, body: { phoneCode, acceptedAgreements: ACCEPTED_AGREEMENTS } });
      expect(reused.status).toBe(400);
      expect(reused.body.code).toBe('PHONE_CODE_INVALID');

      const loginCodeAsPhone = await stack.api('POST', '/auth/phone', { token: other, body: { phoneCode: (await stack.loginCode()).code, acceptedAgreements: ACCEPTED_AGREEMENTS } });
      expect(loginCodeAsPhone.body.code).toBe('PHONE_CODE_INVALID');

      const stale = await stack.phoneCode(aPhone());
      stack.clock.advance(6 * 60 * 1000);
      const expired = await stack.api('POST', '/auth/phone', { token: other, body: { phoneCode: stale, acceptedAgreements: ACCEPTED_AGREEMENTS } });
      stack.clock.advance(-6 * 60 * 1000);
      expect(expired.body.code).toBe('PHONE_CODE_INVALID');

      const missing = await stack.api('POST', '/auth/phone', { token: other, body: { phone: '13800000000' } });
      expect(missing.status).toBe(400);
      expect(missing.body.issues.map((i: { field: string }) => i.field)).toEqual(expect.arrayContaining(['phoneCode']));
    });
  });

  it('a phone number that is not a mainland mobile is refused', async () => {
    const token = (await stack.login()).body.token;
    await expectNothingWritten(async () => {
      const result = await stack.api('POST', '/auth/phone', { token, body: { phoneCode: await stack.phoneCode('12345678901'), acceptedAgreements: ACCEPTED_AGREEMENTS } });
      expect(result.status).toBe(400);
      expect(result.body.code).toBe('PHONE_NOT_SUPPORTED');
    });
  });

  it('the join endpoint needs a login token; a forged or staff token is refused', async () => {
    const body = { phoneCode: 'whatever' };
    expect((await stack.api('POST', '/auth/phone', { body })).status).toBe(401);
    expect((await stack.api('POST', '/auth/phone', { token: 'not.a.jwt', body })).status).toBe(401);
    const staff = await stack.api('POST', '/auth/phone', { token: await stack.staffToken('clerk'), body });
    expect(staff.status).toBe(403);
    expect(staff.body.code).toBe('WRONG_AUDIENCE');
  });

  it('unknown routes are a 404 in the API error shape', async () => {
    const result = await stack.api('GET', '/no/such/route');
    expect(result.status).toBe(404);
    expect(result.body.code).toBe('ROUTE_NOT_FOUND');
  });
});
