import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ConfigError, loadConfig } from './app-config';

const secrets = () => ({
  JWT_SECRET: randomBytes(32).toString('base64url'),
  PII_KEY: randomBytes(32).toString('base64url'),
  MEMBER_CODE_SECRET: randomBytes(32).toString('base64url'),
});

/** A merchant key and certificate as the merchant platform issues them (not the sandbox's). */
function merchantKeys(subject: Array<[string, string]>): { keyPem: string; certPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wemember-cert-'));
  const subj = subject.map(([k, v]) => `/${k}=${v}`).join('');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-utf8', '-subj', subj, '-days', '2', '-set_serial', `0x${SERIAL}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const keys = { keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'), certPem: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  rmSync(dir, { recursive: true, force: true });
  return keys;
}

const SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
const REAL_MERCHANT = merchantKeys([['C', 'CN'], ['O', '微信商户系统'], ['OU', '杭州某某零售有限公司'], ['CN', '1900000109']]);

const REAL_PAY = {
  WECHAT_PAY_BASE: 'https://api.mch.weixin.qq.com',
  WECHAT_PAY_MCHID: '1900000109',
  WECHAT_PAY_SERIAL_NO: SERIAL,
  WECHAT_PAY_PRIVATE_KEY: REAL_MERCHANT.keyPem,
  WECHAT_PAY_CERT: REAL_MERCHANT.certPem,
  WECHAT_PAY_API_V3_KEY: 'Vb3kQ9xZ2mLp7RtY4wN8cJ6hF1sD5gA0',
  WECHAT_PAY_NOTIFY_URL: 'https://member.example.com/api/wechat/pay/notify',
};

const REAL_WECHAT = {
  WECHAT_APPID: 'wx1234567890abcdef',
  WECHAT_SECRET: 'a-real-looking-app-secret-0123456789',
  WECHAT_API_BASE: 'https://api.weixin.qq.com',
};

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to refuse this environment');
}

describe('loadConfig: WeChat settings in production', () => {
  it('refuses to start without WECHAT_APPID, WECHAT_SECRET and WECHAT_API_BASE, naming each', () => {
    const error = configError({ NODE_ENV: 'production', ...secrets() });

    expect(error.message).toMatch(/^Set WECHAT_APPID, WECHAT_SECRET, WECHAT_API_BASE in production/);
    for (const name of ['WECHAT_APPID', 'WECHAT_SECRET', 'WECHAT_API_BASE']) expect(error.message).toContain(`\n  ${name}: `);
  });

  it.each(['WECHAT_APPID', 'WECHAT_SECRET', 'WECHAT_API_BASE'] as const)('names only the missing one when %s alone is unset or blank', (name) => {
    for (const value of [undefined, '', '  ']) {
      const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', ...secrets(), ...REAL_WECHAT, ...REAL_PAY, [name]: value };

      const error = configError(env);

      expect(error.message).toMatch(new RegExp(`^Set ${name} in production`));
      for (const other of Object.keys(REAL_WECHAT).filter((n) => n !== name)) expect(error.message).not.toContain(other);
    }
  });

  it('never prints the secret it was given', () => {
    const error = configError({ NODE_ENV: 'production', ...secrets(), WECHAT_SECRET: REAL_WECHAT.WECHAT_SECRET });

    expect(error.message).not.toContain(REAL_WECHAT.WECHAT_SECRET);
  });

  it('starts in production with all three set, using them as given', () => {
    const config = loadConfig({ NODE_ENV: 'production', ...secrets(), ...REAL_WECHAT, ...REAL_PAY, WECHAT_API_BASE: 'https://api.weixin.qq.com/' });

    expect(config.wechat).toMatchObject({ appid: REAL_WECHAT.WECHAT_APPID, secret: REAL_WECHAT.WECHAT_SECRET, apiBase: 'https://api.weixin.qq.com' });
  });

  it('keeps the sandbox defaults outside production', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const config = loadConfig({ NODE_ENV, ...secrets() });

      expect(config.wechat).toMatchObject({ appid: 'wxdemo0000000001', apiBase: 'http://127.0.0.1:3100' });
    }
  });
});

describe('loadConfig: secrets must be real', () => {
  it('refuses a secret of one repeated character, naming it but never echoing it', () => {
    const weak = 'a'.repeat(40);
    const error = configError({ NODE_ENV: 'production', ...REAL_WECHAT, ...REAL_PAY, ...secrets(), JWT_SECRET: weak });
    expect(error.message).toContain('JWT_SECRET looks guessable');
    expect(error.message).not.toContain(weak);
  });

  it('refuses a short phrase repeated to length', () => {
    expect(configError({ NODE_ENV: 'production', ...REAL_WECHAT, ...REAL_PAY, ...secrets(), PII_KEY: 'abcd1234'.repeat(5) }).message).toContain('PII_KEY looks guessable');
  });

  it('accepts random base64 and hex secrets, whatever the environment', () => {
    for (let i = 0; i < 200; i++) {
      const env = { NODE_ENV: 'production', ...REAL_WECHAT, ...REAL_PAY, JWT_SECRET: randomBytes(32).toString('base64url'), PII_KEY: randomBytes(32).toString('hex'), MEMBER_CODE_SECRET: randomBytes(24).toString('base64') };
      expect(() => loadConfig(env)).not.toThrow();
    }
  });
});

describe('loadConfig: which proxies are trusted', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: '/nonexistent-never-written', ...secrets() };
  it.each([
    ['false', false],
    ['true', 1],
    ['2', 2],
    ['10.0.0.1, 10.0.0.0/8', ['10.0.0.1', '10.0.0.0/8']],
  ])('TRUST_PROXY=%s → %p', (value, expected) => {
    expect(loadConfig({ ...base, TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });
  it('refuses anything else', () => {
    expect(configError({ ...base, TRUST_PROXY: 'everyone' }).message).toContain('TRUST_PROXY');
  });
});

describe('loadConfig: the API document', () => {
  it('is served outside production, off in production unless API_DOCS=true', () => {
    expect(loadConfig({ NODE_ENV: 'test', DATA_DIR: '/nonexistent-never-written', ...secrets() }).apiDocs).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', ...REAL_WECHAT, ...REAL_PAY, ...secrets() }).apiDocs).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', ...REAL_WECHAT, ...REAL_PAY, ...secrets(), API_DOCS: 'true' }).apiDocs).toBe(true);
  });
});

describe('loadConfig: WeChat Pay', () => {
  const production = (pay: Record<string, string | undefined>) => ({ NODE_ENV: 'production', ...secrets(), ...REAL_WECHAT, ...pay });

  it('refuses to start in production without the merchant settings, naming each', () => {
    const error = configError(production({}));

    expect(error.message).toMatch(/^Set WECHAT_PAY_BASE, WECHAT_PAY_MCHID, WECHAT_PAY_SERIAL_NO, WECHAT_PAY_PRIVATE_KEY, WECHAT_PAY_CERT, WECHAT_PAY_API_V3_KEY, WECHAT_PAY_NOTIFY_URL in production/);
  });

  it("refuses the sandbox's merchant certificate in production", () => {
    const sandbox = merchantKeys([['C', 'CN'], ['O', '微信商户系统'], ['OU', '沙箱商户'], ['CN', '1600000001']]);

    const error = configError(production({ ...REAL_PAY, WECHAT_PAY_PRIVATE_KEY: sandbox.keyPem, WECHAT_PAY_CERT: sandbox.certPem }));

    expect(error.message).toContain("WECHAT_PAY_CERT is the WeChat sandbox's merchant certificate");
    expect(error.message).not.toContain('PRIVATE KEY');
  });

  it.each(['http://127.0.0.1:3100', 'http://localhost:3100', 'http://api.mch.weixin.qq.com'])('refuses WECHAT_PAY_BASE=%s in production', (base) => {
    expect(configError(production({ ...REAL_PAY, WECHAT_PAY_BASE: base })).message).toContain('WECHAT_PAY_BASE must be WeChat Pay over https');
  });

  it('starts in production with real settings, the keys given inline or as files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wemember-pay-'));
    writeFileSync(join(dir, 'apiclient_key.pem'), REAL_MERCHANT.keyPem);
    writeFileSync(join(dir, 'apiclient_cert.pem'), REAL_MERCHANT.certPem);

    const inline = loadConfig(production(REAL_PAY));
    const files = loadConfig(production({ ...REAL_PAY, WECHAT_PAY_PRIVATE_KEY: join(dir, 'apiclient_key.pem'), WECHAT_PAY_CERT: join(dir, 'apiclient_cert.pem') }));

    for (const config of [inline, files]) {
      expect(config.pay).toMatchObject({ base: 'https://api.mch.weixin.qq.com', sandboxUrl: null, notifyUrl: REAL_PAY.WECHAT_PAY_NOTIFY_URL });
      expect(config.pay.merchant).toMatchObject({ mchid: '1900000109', serialNo: SERIAL, privateKeyPem: REAL_MERCHANT.keyPem, certPem: REAL_MERCHANT.certPem, publicKey: null });
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the WeChat Pay public key (PUB_KEY_ID_…) only with its id', () => {
    const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;

    const config = loadConfig(production({ ...REAL_PAY, WECHAT_PAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0119000001092025', WECHAT_PAY_PUBLIC_KEY: publicKey }));

    expect(config.pay.merchant?.publicKey).toEqual({ id: 'PUB_KEY_ID_0119000001092025', pem: publicKey });
    expect(configError(production({ ...REAL_PAY, WECHAT_PAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0119000001092025' })).message).toContain('WECHAT_PAY_PUBLIC_KEY');
  });

  it('reads the merchant from the sandbox outside production, and refuses half a merchant', () => {
    const config = loadConfig({ NODE_ENV: 'development', ...secrets(), WECHAT_SANDBOX_URL: 'http://127.0.0.1:3999' });

    expect(config.pay).toMatchObject({ base: 'http://127.0.0.1:3999', merchant: null, sandboxUrl: 'http://127.0.0.1:3999' });
    expect(configError({ NODE_ENV: 'development', ...secrets(), WECHAT_PAY_MCHID: '1900000109' }).message).toContain('missing WECHAT_PAY_SERIAL_NO');
  });
});

describe('loadConfig: Tencent Cloud SMS', () => {
  const production = (sms: Record<string, string | undefined>) => ({ NODE_ENV: 'production', ...secrets(), ...REAL_WECHAT, ...REAL_PAY, ...sms });
  const REAL_SMS = {
    SMS_ENABLED: 'true',
    SMS_SECRET_ID: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
    SMS_SECRET_KEY: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
    SMS_SDK_APP_ID: '1400787878',
    SMS_SIGN_NAME: '杭州某某',
    SMS_REPLY_TOKEN: 'q8Vd2LkP0zXw5nRt7yBh',
  };

  it('is off in production unless SMS_ENABLED=true, and then needs every credential, naming the missing ones', () => {
    expect(loadConfig(production({})).sms).toBeNull();
    expect(configError(production({ SMS_ENABLED: 'true', SMS_SECRET_ID: REAL_SMS.SMS_SECRET_ID })).message).toMatch(
      /^SMS_ENABLED=true in production needs SMS_SECRET_KEY, SMS_SDK_APP_ID, SMS_SIGN_NAME, SMS_REPLY_TOKEN/,
    );
  });

  it('talks to Tencent Cloud over https in production, never to the sandbox', () => {
    expect(loadConfig(production(REAL_SMS)).sms).toMatchObject({ endpoint: 'sms.tencentcloudapi.com', protocol: 'https://', sdkAppId: '1400787878', signName: '杭州某某', region: 'ap-guangzhou' });
    expect(configError(production({ ...REAL_SMS, SMS_ENDPOINT: 'http://127.0.0.1:3100' })).message).toContain('SMS_ENDPOINT must be Tencent Cloud over https');
  });

  it('is on outside production, against the sandbox and its demo account', () => {
    const config = loadConfig({ NODE_ENV: 'development', ...secrets(), WECHAT_SANDBOX_URL: 'http://127.0.0.1:3999' });

    expect(config.sms).toMatchObject({ endpoint: '127.0.0.1:3999', protocol: 'http://', sdkAppId: '1400000001', signName: '微会员' });
    expect(loadConfig({ NODE_ENV: 'development', ...secrets(), SMS_ENABLED: 'false' }).sms).toBeNull();
  });
});
