import Redis from 'ioredis';
import { ACCEPTED_AGREEMENTS, aMobile, FaultStack, STAFF_PASSWORD, type Answer } from '../support/fault-stack';
import { secretsInLog } from '../support/log-secrets';

/**
 * With WeChat failing every way the sandbox can make it fail (injected errcodes on code exchange,
 * phone number, access token and mini-program code; HTTP 502s, dropped connections and HTML pages
 * on the way; tokens expired under the server) and
 * LOG_LEVEL=debug, the server's whole output (stdout and stderr of its process) shows no secret: not
 * the AppSecret, no access token or session key WeChat handed out, no login or phone code, no phone
 * number, no staff token or password (right or wrong), no POS key, not the JWT / PII / member-code
 * secrets. The secrets WeChat handed out are known from a recorder between the server and the
 * sandbox. Also: no WeChat failure is a 500.
 */

interface Scenario {
  path: string;
  errcode: number;
  times?: number;
  exercise: () => Promise<Answer>;
}

describe('the server logs no secret, whatever WeChat answers', () => {
  let stack: FaultStack;
  let redis: Redis;
  let admin: string;
  const wrongPasswords = ['Wrong-Passw0rd-4711', `${STAFF_PASSWORD}-nope`, 'p@ss w0rd 中文 密码'];
  const answers: { what: string; status: number; code?: string }[] = [];
  const report = { logLines: 0, secretValues: 0, faultsInjected: 0, faultsAnswered: 0, broken: 0, wechatCalls: 0, leaks: 0 };

  beforeAll(async () => {
    stack = await FaultStack.start({ database: 'sqlite', recordWechat: true });
    redis = new Redis(stack.redis.url);
  }, 180_000);

  afterAll(async () => {
    const statuses = new Map<string, number>();
    for (const a of answers) statuses.set(`${a.status} ${a.code ?? ''}`.trim(), (statuses.get(`${a.status} ${a.code ?? ''}`.trim()) ?? 0) + 1);
    console.log(
      `log secrets: ${report.faultsInjected} WeChat faults injected, ${report.faultsAnswered} answered by the sandbox as faults, ${report.broken} calls broken on the way (502, reset, HTML), ${report.wechatCalls} WeChat calls recorded; ` +
        `answers ${[...statuses.entries()].map(([k, n]) => `${k}×${n}`).join(', ')}; ${report.logLines} log lines checked for ${report.secretValues} secret values: ${report.leaks} found`,
    );
    if (process.env.FAULTS_SERVER_LOG) console.log(answers.map((a) => `${a.what}: ${a.status} ${a.code ?? ''}`).join('\n'));
    redis?.disconnect();
    await stack?.close();
  });

  async function fault(path: string, errcode: number, times = 1): Promise<void> {
    await stack.wechat('/faults', { path, errcode, times });
    report.faultsInjected += times;
  }

  /** Forget the cached access token, so the next WeChat call asks stable_token. */
  const dropToken = () => redis.del(`${stack.redisPrefix}wechat:access-token:${stack.appid}`);

  const login = async (): Promise<Answer> => {
    const { code } = await stack.loginCode();
    const answer = await stack.api('POST', '/auth/login', { body: { code } });
    if (answer.status === 200) stack.minted.tokens.push(answer.body.token);
    return answer;
  };

  const join = async (): Promise<Answer> => {
    const signedIn = await login();
    if (signedIn.status !== 200) return signedIn;
    const answer = await stack.api('POST', '/auth/phone', { token: signedIn.body.token, body: { phoneCode: await stack.phoneCode(aMobile()), acceptedAgreements: ACCEPTED_AGREEMENTS } });
    if (answer.status === 200) stack.minted.tokens.push(answer.body.token);
    return answer;
  };

  const storeCode = (): Promise<Answer> => stack.api('GET', `/staff/stores/${stack.store('HZ001').id}/wxacode`, { token: admin });

  it('no secret in the server output through WeChat failures of every kind', async () => {
    admin = await stack.staffToken('admin');
    await stack.staffToken('clerk');
    await stack.posKey(admin);
    for (const password of wrongPasswords) {
      const refused = await stack.api('POST', '/staff/auth/login', { body: { username: `${stack.usernamePrefix}clerk`, password } });
      answers.push({ what: 'wrong password', status: refused.status, code: refused.body?.code });
    }
    // Everything working first: a token, session keys and phone numbers are handed out.
    expect((await join()).status).toBe(200);
    expect((await storeCode()).status).toBe(200);

    const scenarios: Scenario[] = [
      ...[-1, 40029, 40163, 40226, 45011, 40001, 40013].map((errcode) => ({ path: '/sns/jscode2session', errcode, exercise: login })),
      ...[-1, 40029, 45011, 40001, 42001, 47001].map((errcode) => ({ path: '/wxa/business/getuserphonenumber', errcode, exercise: join })),
      ...[-1, 45009, 45011, 40013, 40125, 48001].map((errcode) => ({ path: '/cgi-bin/stable_token', errcode, exercise: async () => (await dropToken(), join()) })),
      { path: '/cgi-bin/stable_token', errcode: 40001, times: 2, exercise: async () => (await dropToken(), storeCode()) },
      ...[-1, 45009, 45011, 40001, 41030, 40169, 40129, 40097].map((errcode) => ({ path: '/wxa/getwxacodeunlimit', errcode, exercise: storeCode })),
    ];
    for (const s of scenarios) {
      await fault(s.path, s.errcode, s.times);
      const answer = await s.exercise();
      answers.push({ what: `${s.path} ${s.errcode}`, status: answer.status, code: answer.body?.code });
      await stack.wechat('/faults', undefined, 'DELETE');
    }
    // The network or a proxy fails instead: an HTTP 502, a dropped connection, a page that is not JSON.
    // co-wechat-api puts the whole URL (AppSecret, js_code, access_token) in such errors.
    const breakable: [string, () => Promise<Answer>][] = [
      ['/sns/jscode2session', login],
      ['/wxa/business/getuserphonenumber', join],
      ['/cgi-bin/stable_token', async () => (await dropToken(), join())],
      ['/wxa/getwxacodeunlimit', storeCode],
    ];
    for (const [path, exercise] of breakable) {
      for (const how of ['http-502', 'reset', 'html'] as const) {
        stack.recorder!.breakNext(path, how);
        report.broken += 1;
        const answer = await exercise();
        answers.push({ what: `${path} ${how}`, status: answer.status, code: answer.body?.code });
      }
    }
    // A code exchange that got no JSON back signs nobody in: an openid read from an HTML page was
    // "undefined", one identity for everyone who logged in while it lasted (and the member card of
    // whoever of them joined first).
    // Likewise a phone number or a store-code image read from such a page: WeChat is unavailable
    // (503), not "a foreign number" or an HTML page printed as a code.
    const broken = answers.filter((a) => /(http-502|reset|html)$/.test(a.what)).map((a) => `${a.what}: ${a.status}`);
    expect(broken).toEqual(breakable.flatMap(([path]) => ['http-502', 'reset', 'html'].map((how) => `${path} ${how}: 503`)));
    // WeChat expires the tokens under the server: the next calls refresh and retry.
    await stack.wechat('/tokens/expire', { appid: stack.appid });
    answers.push({ what: 'join after the token expired', status: (await join()).status });
    await stack.wechat('/tokens/expire', { appid: stack.appid });
    answers.push({ what: 'code after the token expired', status: (await storeCode()).status });
    // And everything works again.
    expect((await join()).status).toBe(200);
    expect((await storeCode()).status).toBe(200);

    const recorded = await stack.wechat<{ requests: { fault?: true }[] }>('/requests');
    report.faultsAnswered = recorded.requests.filter((r) => r.fault).length;
    report.wechatCalls = stack.recorder!.exchanges.length;
    expect(report.faultsAnswered).toBe(report.faultsInjected);
    // No WeChat failure is the server's own error.
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);

    const output = stack.server.output;
    report.logLines = output.split('\n').length;
    // The failures were logged (so the check below looked at the lines that matter).
    expect(output).toMatch(/WeChat call failed/);
    expect(output).toMatch(/access token unavailable/);

    const secrets: Record<string, string[]> = {
      ...stack.knownSecrets(),
      'wrong staff password': wrongPasswords,
      // What the server itself sent WeChat: the codes it exchanged, the token it used.
      'code sent to WeChat': stack.recorder!.values('js_code', 'code'),
      'access token used': stack.recorder!.values('access_token'),
    };
    report.secretValues = new Set(Object.values(secrets).flat()).size;
    expect(secrets['access token']?.length).toBeGreaterThan(0);
    expect(secrets['session key']?.length).toBeGreaterThan(0);
    const leaks = secretsInLog(output, secrets);
    report.leaks = leaks.length;
    expect(leaks).toEqual([]);
  });
});
