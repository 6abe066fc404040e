/**
 * Benchmark of a campaign over a large audience (issue 13): BENCH_MEMBERS members (1M by default)
 * who accepted offers and follow the official account, a campaign giving each treated member a
 * coupon, points and an official-account message (10 % held out), run by the server's own Bull
 * worker. Prints how fast the runner materialises and treats the audience, how fast the messages
 * go out through the sandbox, and the runner process's memory as the run goes (the claim is
 * constant memory: keyset pages of 500 members in chunks of 50, nothing kept per member).
 *
 *   npm run bench:campaign                       # = node -r ./test/bench/register.js test/bench/campaign.bench.ts
 *   BENCH_MEMBERS=100000 npm run bench:campaign  # a shorter look
 *   BENCH_SECONDS=1500 npm run bench:campaign    # 1M members, rates and memory over the first 25 minutes
 *
 * A script, not a test; it asserts no timing, but exits 1 when the run gave anything twice. The
 * server runs as its own process (test/support/server-process.ts) so its memory is its own; the
 * sandbox runs here. It drops and recreates its own database (wemember_campaign_bench_test on
 * TEST_DATABASE_URL's server, or BENCH_DATABASE_URL) and uses its own Redis prefix.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../scripts/wechat-sandbox/src';
import { openDatabase } from '../../server/src/database/data-source';
import { demoBrandPlan, setUpBrand } from '../../server/src/seed/brand-setup';
import { launchScaleCampaign, SCALE_POINTS, seedScaleMembers } from '../support/campaign-scale';
import { freePort } from '../support/own-redis';
import { ServerProcess } from '../support/server-process';
import { recreateTestDatabase, TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/test-database';

const members = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
/** Stop looking after this many seconds from the launch (0: until everything is sent), and report the rates so far. */
const limitSeconds = Number(process.env.BENCH_SECONDS ?? 0);
const databaseUrl = process.env.BENCH_DATABASE_URL ?? databaseOf(TEST_DATABASE_URL, 'wemember_campaign_bench_test');
const HOLDOUT = 10;
const PASSWORD = 'Bench-campaign-Passw0rd';
/** Where the runner's memory is printed: 100k, 500k, 1M members materialised (and the end of a smaller run). */
const MILESTONES = [100_000, 500_000, 1_000_000].filter((n) => n <= members);
if (!MILESTONES.includes(members)) MILESTONES.push(members);

const print = (text = '') => process.stdout.write(`${text}\n`);

function databaseOf(testUrl: string, name: string): string {
  const url = new URL(testUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** VmRSS and VmHWM (the peak) of a process, in MB. */
function memoryOf(pid: number | undefined): { rss: number; peak: number } {
  if (!pid) return { rss: NaN, peak: NaN };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

async function benchmark(): Promise<void> {
  const run = randomBytes(4).toString('hex');
  const appid = `wxbench${run}`;
  const oaAppid = `wxbenchoa${run}`;
  const unionidPrefix = `ub${run}-`;
  const tempDir = mkdtempSync(join(tmpdir(), 'wemember-campaign-bench-'));
  const sandbox = await startSandbox({
    apps: [
      { appid, secret: `secret-${run}`, kind: 'miniprogram' },
      { appid: oaAppid, secret: `oa-secret-${run}`, kind: 'official_account', pushToken: `token${run}` },
    ],
    pages: ['pages/join/index', 'pages/card/index'],
  });
  let server: ServerProcess | null = null;
  try {
    await recreateTestDatabase(databaseUrl);
    const db = await openDatabase({ type: 'mysql', url: databaseUrl, poolSize: 4 });
    const query = (sql: string, params?: unknown[]) => db.query(sql, params);
    const [{ version }] = await query('SELECT VERSION() AS version');
    print(`\nCampaign run — ${cpus().length} cores (load average ${loadavg()[0].toFixed(2)}), Node ${process.version}, MariaDB ${version}`);
    print(`${members} members, ${HOLDOUT} % held out; each treated member: 1 coupon, ${SCALE_POINTS} points, 1 official-account message\n`);

    const chain = await setUpBrand(db, demoBrandPlan(appid, PASSWORD, `b${run}-`));
    const brandId = chain.brand.id;
    let t = Date.now();
    await seedScaleMembers(query, { brandId, appid, oaAppid, count: members, unionidPrefix });
    const control = async (path: string, body: unknown) => {
      const answer = await fetch(`${sandbox.url}/__sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (answer.status !== 200) throw new Error(`sandbox ${path}: ${answer.status} ${await answer.text()}`);
      return answer.json();
    };
    await control('/bulk', { followers: { appid: oaAppid, count: members, unionidPrefix } });
    await control('/official-account', { appid: oaAppid, templateDailyQuota: members * 2 });
    print(`seed: ${members} members, identities and follows in ${seconds(Date.now() - t)} s`);

    server = new ServerProcess(await freePort(), {
      NODE_ENV: 'test',
      DATA_DIR: join(tempDir, 'data'),
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `wemember-bench:${run}:`,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      PII_KEY: randomBytes(32).toString('base64url'),
      MEMBER_CODE_SECRET: randomBytes(32).toString('base64url'),
      WECHAT_APPID: appid,
      WECHAT_SECRET: `secret-${run}`,
      WECHAT_API_BASE: sandbox.url,
      WECHAT_SANDBOX_URL: sandbox.url,
      WECHAT_OA_APPID: oaAppid,
      WECHAT_OA_SECRET: `oa-secret-${run}`,
      WECHAT_OA_TOKEN: `token${run}`,
      // The sender's shared limit (where there is one) is not what is measured here.
      MESSAGES_SEND_PER_SECOND: '10000',
      LOG_LEVEL: 'warn',
      SCHEDULE_JOBS: 'true',
    });
    await server.start();
    const idle = memoryOf(server.pid);
    print(`server started: RSS ${idle.rss.toFixed(0)} MB\n`);

    const api = async (method: string, path: string, options: { token?: string; body?: unknown }) => {
      const answer = await fetch(`${server!.url}/api${path}`, {
        method,
        headers: { ...(options.token && { authorization: `Bearer ${options.token}` }), ...(options.body !== undefined && { 'content-type': 'application/json' }) },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      return { status: answer.status, body: await answer.json() };
    };
    const login = await api('POST', '/staff/auth/login', { body: { username: `b${run}-marketer`, password: PASSWORD } });
    const { campaign } = await launchScaleCampaign(api, login.body.token, { count: members, holdoutPercent: HOLDOUT });
    const launched = Date.now();
    t = launched;

    const count = async (sql: string, params: unknown[]) => Number((await query(sql, params))[0].n);
    const milestones = [...MILESTONES];
    const memory: string[] = [];
    let materialised = 0;
    let runDoneAt = 0;
    let firstSentAt = 0;
    let lastSent = 0;
    let lastSentAt = 0;
    let printedAt = 0;
    let stoppedAt = 0;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const now = Date.now();
      materialised = await count('SELECT COUNT(*) AS n FROM campaign_members WHERE campaign_id = ?', [campaign.id]);
      const byStatus = new Map(
        ((await query('SELECT status, COUNT(*) AS n FROM notifications WHERE brand_id = ? GROUP BY status', [brandId])) as { status: string; n: unknown }[]).map((r) => [r.status, Number(r.n)]),
      );
      const sent = byStatus.get('sent') ?? 0;
      const open = (byStatus.get('pending') ?? 0) + (byStatus.get('sending') ?? 0);
      if (sent > 0 && !firstSentAt) firstSentAt = now;
      if (sent > lastSent) [lastSent, lastSentAt] = [sent, now];
      const mem = memoryOf(server.pid);
      while (milestones.length && materialised >= milestones[0]) {
        memory.push(`${milestones.shift()} members: RSS ${mem.rss.toFixed(0)} MB (peak so far ${mem.peak.toFixed(0)} MB) at ${seconds(now - launched)} s`);
        print(`  ${memory[memory.length - 1]}`);
      }
      const [state] = (await query('SELECT c.status, r.status AS run_status FROM campaigns c LEFT JOIN campaign_runs r ON r.campaign_id = c.id WHERE c.id = ?', [campaign.id])) as {
        status: string;
        run_status: string | null;
      }[];
      if (!runDoneAt && state.run_status === 'done') runDoneAt = now;
      if (now - printedAt >= 10_000) {
        printedAt = now;
        print(`${seconds(now - launched).padStart(7)} s  materialised ${String(materialised).padStart(8)}  sent ${String(sent).padStart(8)}  waiting ${String(open).padStart(7)}  RSS ${mem.rss.toFixed(0)} MB`);
      }
      if (state.status !== 'running' && state.status !== 'scheduled' && open === 0) break;
      if (limitSeconds > 0 && now - launched >= limitSeconds * 1000) {
        stoppedAt = now;
        break;
      }
    }
    const peak = memoryOf(server.pid).peak;
    // Stopped early, the run is still going: stop the server so that the counts below agree with each other.
    if (stoppedAt) {
      await server.kill();
      server = null;
    }

    const treated = await count("SELECT COUNT(*) AS n FROM campaign_members WHERE campaign_id = ? AND arm = 'treated'", [campaign.id]);
    const coupons = await count('SELECT COUNT(*) AS n FROM coupons WHERE grant_key LIKE ?', [`campaign:${campaign.id}:%`]);
    const couponHolders = await count('SELECT COUNT(DISTINCT member_id) AS n FROM coupons WHERE grant_key LIKE ?', [`campaign:${campaign.id}:%`]);
    const entries = await count('SELECT COUNT(*) AS n FROM ledger_entries WHERE business_key LIKE ?', [`campaign:${campaign.id}:%`]);
    const summary = (await (await fetch(`${sandbox.url}/__sandbox/messages/summary?appid=${oaAppid}`)).json()) as { count: number; recipients: number; repeatedRecipients: number };
    const runSeconds = ((runDoneAt || stoppedAt) - launched) / 1000;
    if (stoppedAt) print(`\nstopped looking ${seconds(stoppedAt - launched)} s after the launch (BENCH_SECONDS), the run ${runDoneAt ? 'done' : 'still going'}: the rates below are over that time`);
    const sendSeconds = (lastSentAt - firstSentAt) / 1000;
    print();
    print(`run: ${materialised} members materialised, ${treated} treated, in ${runSeconds.toFixed(1)} s`);
    print(`  enqueue rate: ${(materialised / runSeconds).toFixed(0)} members/s materialised, ${(treated / runSeconds).toFixed(0)} members/s treated (coupon + points + message recorded)`);
    print(`send: ${summary.count} messages delivered to ${summary.recipients} followers, from ${seconds(firstSentAt - launched)} s to ${seconds(lastSentAt - launched)} s after launch`);
    print(`  send rate: ${(lastSent / Math.max(sendSeconds, 1)).toFixed(0)} messages/s; everything done ${seconds(Date.now() - launched)} s after launch`);
    print(`memory of the server process (runner and sender): idle ${idle.rss.toFixed(0)} MB; ${memory.join('; ') || 'no milestone reached'}; peak ${peak.toFixed(0)} MB`);
    const twice = { coupons: coupons - couponHolders, messages: summary.count - summary.recipients, couponsNotTreated: coupons - treated, entriesNotTreated: entries - treated };
    print(`given twice or missing: ${JSON.stringify(twice)}`);
    // Stopped early, messages and grants are still on their way: only what was given twice counts then.
    const failed = stoppedAt ? twice.coupons !== 0 || twice.messages !== 0 : Object.values(twice).some((n) => n !== 0) || summary.recipients !== treated;
    if (failed) process.exitCode = 1;
    await db.destroy();
  } finally {
    await server?.kill();
    await sandbox.close();
    rmSync(tempDir, { recursive: true, force: true });
  }
}

benchmark().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
