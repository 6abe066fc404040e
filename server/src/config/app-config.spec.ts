import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './app-config';

const secrets = () => ({
  JWT_SECRET: randomBytes(32).toString('base64url'),
  PII_KEY: randomBytes(32).toString('base64url'),
  MEMBER_CODE_SECRET: randomBytes(32).toString('base64url'),
});

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
      const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', ...secrets(), ...REAL_WECHAT, [name]: value };

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
    const config = loadConfig({ NODE_ENV: 'production', ...secrets(), ...REAL_WECHAT, WECHAT_API_BASE: 'https://api.weixin.qq.com/' });

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
    const error = configError({ NODE_ENV: 'production', ...REAL_WECHAT, ...secrets(), JWT_SECRET: weak });
    expect(error.message).toContain('JWT_SECRET looks guessable');
    expect(error.message).not.toContain(weak);
  });

  it('refuses a short phrase repeated to length', () => {
    expect(configError({ NODE_ENV: 'production', ...REAL_WECHAT, ...secrets(), PII_KEY: 'abcd1234'.repeat(5) }).message).toContain('PII_KEY looks guessable');
  });

  it('accepts random base64 and hex secrets, whatever the environment', () => {
    for (let i = 0; i < 200; i++) {
      const env = { NODE_ENV: 'production', ...REAL_WECHAT, JWT_SECRET: randomBytes(32).toString('base64url'), PII_KEY: randomBytes(32).toString('hex'), MEMBER_CODE_SECRET: randomBytes(24).toString('base64') };
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
    expect(loadConfig({ NODE_ENV: 'production', ...REAL_WECHAT, ...secrets() }).apiDocs).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', ...REAL_WECHAT, ...secrets(), API_DOCS: 'true' }).apiDocs).toBe(true);
  });
});
