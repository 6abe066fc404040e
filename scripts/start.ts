/**
 * `npm start`: the whole product on the embedded default, on one machine, with nothing to set up.
 * Builds what is missing or stale, finds (or starts) Redis, starts the WeChat sandbox, opens SQLite
 * (or DATABASE_URL) with the migrations applied, seeds the demo chain once, serves the API and the
 * H5 app, and prints where everything is.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { payOptionsFromEnv, startSandbox } from './wechat-sandbox/src';

const root = join(__dirname, '..');
const env = process.env;
const port = Number(env.PORT ?? 3000);
const sandboxPort = Number(env.WECHAT_SANDBOX_PORT ?? 3100);
const dataDir = resolve(root, env.DATA_DIR ?? 'data');
const appid = env.WECHAT_APPID ?? 'wxdemo0000000001';
const secret = env.WECHAT_SECRET ?? 'demo-miniprogram-secret';

function fail(message: string): never {
  console.error(`\n✗ ${message}\n`);
  process.exit(1);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Runs `npm run <script>` when the output is missing or older than any of the sources. */
function buildIfStale(label: string, sources: string[], output: string, args: string[]): void {
  const built = existsSync(output) ? statSync(output).mtimeMs : 0;
  if (built && sources.every((s) => newestMtime(join(root, s)) < built)) return;
  console.log(`… building ${label}`);
  const result = spawnSync('npm', ['run', '--silent', ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail(`building ${label} failed (npm run ${args.join(' ')})`);
}

function answers(host: string, p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(p, host);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as { port: number };
      server.close(() => resolve(p));
    });
  });
}

/** REDIS_URL, else a Redis on 127.0.0.1:6379, else a redis-server of our own for this run. */
async function redisUrl(): Promise<string> {
  if (env.REDIS_URL) return env.REDIS_URL;
  if (await answers('127.0.0.1', 6379)) return 'redis://127.0.0.1:6379';
  const which = spawnSync('sh', ['-c', 'command -v redis-server']);
  if (which.status !== 0) {
    fail(
      'wemember needs Redis for its job queues and shared state, and none answers on 127.0.0.1:6379.\n' +
        '  Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis),\n' +
        '  or set REDIS_URL=redis://host:port to use one you already run.',
    );
  }
  const p = await freePort();
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(p), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  process.on('exit', () => child.kill());
  for (let i = 0; i < 40 && !(await answers('127.0.0.1', p)); i++) await new Promise((r) => setTimeout(r, 100));
  console.log(`… started redis-server on 127.0.0.1:${p} for this run`);
  return `redis://127.0.0.1:${p}`;
}

/** DEMO_PASSWORD, or one generated on the first start and kept in the data folder. */
function demoPassword(): string {
  if (env.DEMO_PASSWORD) return env.DEMO_PASSWORD;
  const file = join(dataDir, 'demo-password.txt');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const generated = randomBytes(9).toString('base64url');
  writeFileSync(file, generated + '\n', { mode: 0o600 });
  return generated;
}

async function main(): Promise<void> {
  buildIfStale('@wemember/shared', ['shared/src'], join(root, 'shared/dist/index.js'), ['build', '-w', '@wemember/shared']);
  buildIfStale('the server', ['server/src', 'shared/src'], join(root, 'server/dist/main.js'), ['build', '-w', '@wemember/server']);
  buildIfStale('the H5 app', ['miniapp/src', 'shared/src'], join(root, 'miniapp/dist/h5/index.html'), ['build:h5', '-w', '@wemember/miniapp']);

  const useSandbox = !env.WECHAT_API_BASE;
  const sandbox = useSandbox
    ? await startSandbox({
        port: sandboxPort,
        apps: [{ appid, secret, kind: 'miniprogram' }],
        // The released pages codes and messages open (messages: shared notificationPage).
        pages: ['pages/join/index', 'pages/card/index', 'pages/points/index', 'pages/tiers/index', 'coupons/mine/index', 'wallet/balance/index'],
        // Where the sandbox's WeChat Pay posts payment and refund results: this server (read back from its merchant).
        payNotifyUrl: `http://127.0.0.1:${port}/api/wechat/pay/notify`,
        ...payOptionsFromEnv(env),
      }).catch(
        (error: Error) => fail(`the WeChat sandbox could not listen on port ${sandboxPort} (${error.message}); set WECHAT_SANDBOX_PORT`),
      )
    : null;

  Object.assign(env, {
    DATA_DIR: dataDir,
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    REDIS_URL: await redisUrl(),
    WECHAT_APPID: appid,
    WECHAT_SECRET: secret,
    H5_DIR: env.H5_DIR ?? join(root, 'miniapp/dist/h5'),
    ...(sandbox && { WECHAT_API_BASE: sandbox.url, WECHAT_SANDBOX_URL: sandbox.url }),
  });

  // The server as built by tsc (Nest needs its decorator metadata), in this process.
  require('reflect-metadata');
  const { loadConfig, ConfigError } = require('../server/dist/config/app-config');
  const { createApp } = require('../server/dist/app.factory');
  const { demoBrandPlan, setUpBrand } = require('../server/dist/seed/brand-setup');
  const { UnitOfWork } = require('../server/dist/database/unit-of-work');

  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    fail(error instanceof ConfigError ? (error as Error).message : String(error));
  }
  const app = await createApp(config);
  const uow = app.get(UnitOfWork);
  const password = demoPassword();
  const [existing] = await uow.reader.query('SELECT id FROM brands WHERE wechat_appid = ?', [appid]);
  if (!existing) {
    await setUpBrand(uow, demoBrandPlan(appid, password, '', true));
    console.log('… seeded the demo chain');
  }
  await app.listen(port, config.host).catch((error: Error) => fail(`the server could not listen on port ${port} (${error.message}); set PORT`));

  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const stores: { code: string; name: string; scene: string }[] = await uow.reader.query(
    "SELECT s.code, s.name, c.scene FROM stores s JOIN brands b ON b.id = s.brand_id JOIN store_scenes c ON c.store_id = s.id AND c.channel = 'counter' WHERE b.wechat_appid = ? ORDER BY s.code",
    [appid],
  );
  console.log(`
wemember is running (${config.database.type === 'sqlite' ? `SQLite ${config.database.path}` : 'MySQL'}, Redis ${env.REDIS_URL})

  会员端 H5     ${base}/
  扫门店码入会  ${stores.map((s) => `\n    ${s.name}  ${base}/#/pages/join/index?scene=${s.scene}`).join('')}
  员工端        ${base}/#/staff/login/index
                accounts admin, marketer, region, manager, clerk — password ${password}
  API docs      ${base}/api/docs
  WeChat        ${sandbox ? `sandbox ${sandbox.url}/__sandbox/health` : env.WECHAT_API_BASE}
`);
}

main().catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
