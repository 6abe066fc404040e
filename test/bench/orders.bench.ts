/**
 * Benchmark of POST /api/staff/orders on MariaDB: how many purchases a second one server records,
 * and how close that comes to the bare SQL of a purchase sent straight through mysql2 (the ceiling).
 *
 *   npm run bench                                  # = node -r ./test/bench/register.js test/bench/orders.bench.ts
 *   BENCH_SECONDS=3 BENCH_MEMBERS=50 npm run bench
 *
 * A script, not a test (register.js says why not under Jest); it never touches wemember_test.
 *
 * Settings (environment, defaults in brackets): BENCH_MEMBERS [200], BENCH_CONCURRENCY [32],
 * BENCH_SECONDS [10] per scenario, BENCH_POOL_SIZE [20] for the server and the ceiling alike,
 * BENCH_PROFILE=dir writes a CPU profile of the server during "server distinct",
 * BENCH_DATABASE_URL [TEST_DATABASE_URL's server, database wemember_bench_test — dropped and
 * recreated]. Redis is TEST_REDIS_URL's, under a prefix of its own.
 *
 * Scenarios: "distinct" — each purchase for a random one of the members; "hot" — every purchase
 * for the same member, so they queue on its row lock. Each runs against the server (the tills in a
 * worker thread, over HTTP with keep-alive) and against the ceiling, after a warm-up of each.
 * It prints figures and asserts nothing about timing; at the end it reconciles the ledger, which
 * must still add up after the load (a mismatch sets a non-zero exit code).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Order } from '@wemember/shared';
import type { DataSource } from 'typeorm';
import { MemberCodes } from '../../server/src/members/member-code.service';
import { PointsMaintenance } from '../../server/src/points/points-maintenance';
import { aPhone, TestStack } from '../support/stack';
import { recreateTestDatabase, TEST_DATABASE_URL } from '../support/test-database';
import { CeilingTill, type SeededMember } from './ceiling';
import { drive, failureCount, figures, table, type Figures, type LoadRun } from './load';
import type { TillLoad } from './till.worker';

const settings = {
  members: Number(process.env.BENCH_MEMBERS ?? 200),
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  poolSize: Number(process.env.BENCH_POOL_SIZE ?? 20),
  databaseUrl: process.env.BENCH_DATABASE_URL ?? benchDatabaseOf(TEST_DATABASE_URL),
};

const AMOUNT_FEN = 12_800;
const WARM_UP_SECONDS = 2;
const JOIN_BATCH = 20;
/** Member codes live 60–120 s; the tills get fresh ones well before. */
const CODE_REFRESH_MS = 30_000;

const runId = randomBytes(3).toString('hex');
const print = (text = '') => process.stdout.write(`${text}\n`);

function benchDatabaseOf(testUrl: string): string {
  const url = new URL(testUrl);
  url.pathname = '/wemember_bench_test';
  return url.toString();
}

async function benchmark(): Promise<void> {
  await recreateTestDatabase(settings.databaseUrl);
  const stack = await TestStack.start({
    database: 'mysql',
    env: {
      DATABASE_URL: settings.databaseUrl,
      DATABASE_POOL_SIZE: String(settings.poolSize),
      LOG_LEVEL: 'error',
      // Seeding logs in and joins every member from this one address: two hits each.
      RATE_LIMIT_MEMBER_LOGIN_PER_MINUTE: String(2 * settings.members + 10),
      // Thousands of purchases a minute through one POS key: the throughput ceiling per key is not what is measured.
      RATE_LIMIT_CODE_CHECKS_PER_MINUTE: '10000000',
    },
  });
  let ceiling: CeilingTill | undefined;
  try {
    const [{ version }] = await stack.db.query('SELECT VERSION() AS version');
    print(`\nPOST /api/staff/orders — ${cpus().length} cores (load average ${loadavg()[0].toFixed(2)}), Node ${process.version}, MariaDB ${version}`);
    print(`${settings.members} members, ${settings.concurrency} connections, ${settings.seconds} s per scenario, pool ${settings.poolSize}\n`);

    const members = await seedMembers(stack, settings.members);
    const clerkToken = await stack.staffToken('clerk');
    const [clerk] = await stack.db.query('SELECT id, store_id FROM staff WHERE username = ?', [`${stack.usernamePrefix}clerk`]);
    const store = stack.chain.stores.find((s) => s.id === clerk.store_id)!;

    // One purchase with its SQL recorded: what the ceiling sends, and the points it earns.
    let probe!: Order;
    const statements = await recordStatements(stack.db, async () => {
      probe = await purchaseOnce(stack, clerkToken, members[0]);
    });
    print(`One purchase sends ${statements.length} statements:`);
    for (const sql of statements) print(`  ${sql.replace(/\s+/g, ' ').slice(0, 110)}`);

    ceiling = new CeilingTill(settings.databaseUrl, settings.poolSize, {
      brandId: stack.chain.brand.id,
      storeId: store.id,
      storeName: store.name,
      staffId: clerk.id,
      pointsEarned: probe.pointsEarned,
      growthEarned: probe.growthEarned,
      setIsolation: statements.find((sql) => sql.startsWith('SET TRANSACTION ISOLATION LEVEL')) ?? null,
    });
    const server = (label: string, buyers: SeededMember[], seconds: number) => serverRun(stack, clerkToken, label, buyers, seconds);
    const bare = (label: string, buyers: SeededMember[], seconds: number) => ceilingRun(ceiling!, label, buyers, seconds);
    const hot = [members[0]];

    const runs: { scenario: string; run: LoadRun; cpuMs: number }[] = [];
    const measure = async (scenario: string, go: () => Promise<LoadRun>) => {
      const profiling = process.env.BENCH_PROFILE && scenario === 'server distinct' ? await startProfile() : null;
      const cpuBefore = process.cpuUsage();
      const run = await go();
      const cpu = process.cpuUsage(cpuBefore);
      if (profiling) print(`CPU profile of the server (main thread): ${await profiling.stop(process.env.BENCH_PROFILE!)}`);
      runs.push({ scenario, run, cpuMs: (cpu.user + cpu.system) / 1000 });
    };
    await measure('warm-up server', () => server('w', members, WARM_UP_SECONDS));
    await measure('warm-up ceiling', () => bare('w', members, WARM_UP_SECONDS));
    await measure('server distinct', () => server('d', members, settings.seconds));
    await measure('ceiling distinct', () => bare('d', members, settings.seconds));
    await measure('server hot', () => server('h', hot, settings.seconds));
    await measure('ceiling hot', () => bare('h', hot, settings.seconds));

    const measured = runs.filter((r) => !r.scenario.startsWith('warm-up'));
    const rows = new Map(measured.map(({ scenario, run, cpuMs }) => [scenario, figures(scenario, run, cpuMs)] as const));
    print(`\nThe ceiling sends ${ceiling.statementsPerPurchase.toFixed(0)} statements per purchase (the server ${statements.length}).`);
    print(`Load average after the runs: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    print(table([...rows.values()]));
    print();
    for (const kind of ['distinct', 'hot']) print(ratio(kind, rows.get(`server ${kind}`)!, rows.get(`ceiling ${kind}`)!));

    for (const { scenario, run } of runs) {
      for (const [failure, count] of Object.entries(run.failures)) print(`${scenario}: ${count} × ${failure}`);
    }

    // Correctness under the load: every answered purchase is one order, and the ledger adds up.
    const recorded = 1 + runs.reduce((sum, { run }) => sum + run.latenciesMs.length - failureCount(run), 0);
    const [{ n: orders }] = await stack.db.query('SELECT COUNT(*) AS n FROM orders WHERE brand_id = ?', [stack.chain.brand.id]);
    print(`\nOrders in the database: ${orders}; purchases answered as recorded (probe, warm-ups, runs): ${recorded}`);
    const reconciliation = await stack.app.get(PointsMaintenance).reconcile(stack.chain.brand.id);
    print(`Ledger reconciliation: ${reconciliation.checkedMembers} members checked, ${reconciliation.mismatches.length} mismatches`);
    for (const mismatch of reconciliation.mismatches.slice(0, 10)) print(`  ${JSON.stringify(mismatch)}`);
    print();
    if (reconciliation.mismatches.length > 0 || Number(orders) !== recorded) process.exitCode = 1;
  } finally {
    await ceiling?.end();
    await stack.close();
  }
}

/** `count` members joined through WeChat, `JOIN_BATCH` at a time, as (id, member number). */
async function seedMembers(stack: TestStack, count: number): Promise<SeededMember[]> {
  const phones = new Set<string>();
  while (phones.size < count) phones.add(aPhone());
  const queue = [...phones];
  while (queue.length > 0) await Promise.all(queue.splice(0, JOIN_BATCH).map((phone) => stack.join(phone)));
  const rows: { id: string; member_no: string }[] = await stack.db.query('SELECT id, member_no FROM members WHERE brand_id = ? ORDER BY member_no', [
    stack.chain.brand.id,
  ]);
  return rows.map((r) => ({ id: r.id, memberNo: r.member_no }));
}

async function purchaseOnce(stack: TestStack, clerkToken: string, member: SeededMember): Promise<Order> {
  const memberCode = stack.app.get(MemberCodes).issue(stack.chain.brand.id, member.memberNo).code;
  const result = await stack.api<Order>('POST', '/staff/orders', { token: clerkToken, body: { memberCode, amountFen: AMOUNT_FEN, externalNo: `P${runId}` } });
  if (result.status !== 201) throw new Error(`probe purchase failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

/** The SQL the server sends while `work` runs; nothing else may use the database meanwhile. */
async function recordStatements(db: DataSource, work: () => Promise<void>): Promise<string[]> {
  const logger = db.logger;
  const statements: string[] = [];
  db.logger = Object.assign(Object.create(logger), { logQuery: (sql: string) => void statements.push(sql) });
  try {
    await work();
  } finally {
    db.logger = logger;
  }
  return statements;
}

/** Purchases over HTTP from a worker thread (till.worker.ts), with member codes kept fresh. */
async function serverRun(stack: TestStack, clerkToken: string, label: string, buyers: SeededMember[], seconds: number): Promise<LoadRun> {
  const codes = stack.app.get(MemberCodes);
  const liveCodes = () => buyers.map((m) => codes.issue(stack.chain.brand.id, m.memberNo).code);
  const load: TillLoad = {
    url: stack.url,
    clerkToken,
    memberCodes: liveCodes(),
    amountFen: AMOUNT_FEN,
    receiptPrefix: `S${runId}${label}-`,
    concurrency: settings.concurrency,
    seconds,
  };
  const worker = new Worker(`require(${JSON.stringify(join(__dirname, 'register.js'))}); require(${JSON.stringify(join(__dirname, 'till.worker.ts'))});`, {
    eval: true,
    workerData: load,
  });
  const refresh = setInterval(() => worker.postMessage(liveCodes()), CODE_REFRESH_MS);
  try {
    return await new Promise<LoadRun>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the till worker exited (${code}) without a result`)));
    });
  } finally {
    clearInterval(refresh);
  }
}

/** The same purchases as bare statements, from this thread (the server is idle meanwhile). */
function ceilingRun(ceiling: CeilingTill, label: string, buyers: SeededMember[], seconds: number): Promise<LoadRun> {
  let receipts = 0;
  return drive(settings.concurrency, seconds, async () => {
    await ceiling.purchase(buyers[Math.floor(Math.random() * buyers.length)], AMOUNT_FEN, `C${runId}${label}-${++receipts}`);
    return null;
  });
}

function ratio(kind: string, server: Figures, ceiling: Figures): string {
  const share = server.ordersPerSecond / ceiling.ordersPerSecond;
  return `${kind}: server/ceiling = ${share.toFixed(2)} (${server.ordersPerSecond.toFixed(1)} of ${ceiling.ordersPerSecond.toFixed(1)} orders/s), p50 ${server.p50Ms.toFixed(1)} vs ${ceiling.p50Ms.toFixed(1)} ms`;
}

benchmark().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/** A V8 CPU profile of this thread (BENCH_PROFILE=dir): open the file in Chrome DevTools. */
async function startProfile(): Promise<{ stop(dir: string): Promise<string> }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(dir: string) {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      const file = join(dir, `server-distinct-${Date.now()}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}
