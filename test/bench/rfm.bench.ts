/**
 * Benchmark of the nightly RFM scoring on MariaDB: how long RfmScoring takes for a brand of N
 * members from their member_rfm rows (the month shift, the quintile cut points, the batched UPDATEs
 * with the stage history), against the bare SQL that aggregates every order and scores with NTILE.
 *
 *   npm run bench:rfm                                   # = node -r ./test/bench/register.js test/bench/rfm.bench.ts
 *   BENCH_RFM_MEMBERS=1000000 BENCH_RFM_ORDERS=10000000 npm run bench:rfm   # the issue's 1M / 10M
 *
 * A script, not a test (register.js says why not under Jest); it prints figures and asserts no
 * timing. It never touches wemember_test: it drops and recreates its own database.
 *
 * Before each night after the first, a day of purchases moves BENCH_RFM_DAILY_PERCENT [3] % of the
 * members' rows as the till would (the last purchase that day, one more purchase, more spend), untimed: the nights after the first write only the rows that can have changed.
 *
 * Settings (environment, defaults in brackets): BENCH_RFM_MEMBERS [200000], BENCH_RFM_ORDERS
 * [10 per member], BENCH_RFM_DAILY_PERCENT [3], BENCH_DATABASE_URL [TEST_DATABASE_URL's server,
 * database wemember_rfm_bench_test].
 */
import { cpus, loadavg } from 'node:os';
import { addDays } from '@wemember/shared';
import { RfmScoring } from '../../server/src/loyalty/rfm-scoring';
import { rollingStartMonth } from '../../server/src/loyalty/member-growth';
import { TestStack } from '../support/stack';
import { recreateTestDatabase, TEST_DATABASE_URL } from '../support/test-database';

const members = Number(process.env.BENCH_RFM_MEMBERS ?? 200_000);
const settings = {
  members,
  orders: Number(process.env.BENCH_RFM_ORDERS ?? members * 10),
  dailyPercent: Number(process.env.BENCH_RFM_DAILY_PERCENT ?? 3),
  databaseUrl: process.env.BENCH_DATABASE_URL ?? databaseOf(TEST_DATABASE_URL, 'wemember_rfm_bench_test'),
};

/**
 * The nights timed: the first night ever (every row scored for the first time) on the 1st of
 * February, an ordinary night (the 2nd: it stages 1/27 of the month that leaves on 1 March), the
 * last night of February (the 28th, run straight after: it stages what the 25 nights between would
 * have), and the 1st of March, when that month leaves the rolling 12 months.
 */
const FIRST_NIGHT = '2027-02-01';
const ORDINARY_NIGHT = '2027-02-02';
const LAST_NIGHT = '2027-02-28';
const TODAY = '2027-03-01';
const print = (text = '') => process.stdout.write(`${text}\n`);

function databaseOf(testUrl: string, name: string): string {
  const url = new URL(testUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function previousMonth(month: string): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 2;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const ms = (result as { ms?: Record<string, number> } | undefined)?.ms;
  const steps = ms ? `   (${Object.entries(ms).map(([step, spent]) => `${step} ${(spent / 1000).toFixed(1)}`).join(', ')})` : '';
  print(`${label.padEnd(62)} ${seconds.toFixed(2).padStart(8)} s${steps}`);
  return result;
}

/** INSERT … SELECT over MariaDB's sequence engine (seq_1_to_N), in chunks so no one statement holds a huge undo log. */
async function generate(stack: TestStack, total: number, chunk: number, sql: (from: number, to: number) => string): Promise<void> {
  for (let from = 1; from <= total; from += chunk) await stack.db.query(sql(from, Math.min(total, from + chunk - 1)));
}

async function benchmark(): Promise<void> {
  await recreateTestDatabase(settings.databaseUrl);
  const stack = await TestStack.start({ database: 'mysql', env: { DATABASE_URL: settings.databaseUrl, LOG_LEVEL: 'error' } });
  try {
    const brandId = stack.chain.brand.id;
    const [{ version }] = await stack.db.query('SELECT VERSION() AS version');
    print(`\nRFM nightly scoring — ${cpus().length} cores (load average ${loadavg()[0].toFixed(2)}), Node ${process.version}, MariaDB ${version}`);
    print(`${settings.members} members, ${settings.orders} orders in the bare table, scored on ${FIRST_NIGHT}, ${ORDINARY_NIGHT}, ${LAST_NIGHT} and ${TODAY}\n`);

    const windowStart = rollingStartMonth(TODAY);
    const leaving = previousMonth(windowStart);
    // Members straight into the table (joining through WeChat would test the join), then each
    // one's member_rfm row as purchases and refunds would have left it in February (the window
    // from March 2026); a third of them bought in that month, which leaves on 1 March (member_months).
    await timed('seed: members', () =>
      generate(
        stack,
        settings.members,
        100_000,
        (from, to) => `INSERT INTO members (id, brand_id, member_no, phone_hash, phone_cipher, phone_masked, joined_at)
          SELECT UUID(), '${brandId}', LPAD(seq, 10, '0'), SHA2(CONCAT('bench-', seq), 256), 'bench', '139****0000', TIMESTAMP('2024-01-01') + INTERVAL (seq % 1150) DAY
          FROM seq_${from}_to_${to}`,
      ),
    );
    await timed('seed: member_rfm rows (10 % never bought)', () =>
      stack.db.query(
        `INSERT INTO member_rfm (member_id, brand_id, joined_at, window_start_month, purchases_12m, spend_12m_fen, last_purchase_on)
         SELECT id, brand_id, joined_at, ?, IF(h % 10 = 0, 0, (h DIV 7) % 25), IF(h % 10 = 0, 0, ((h DIV 7) % 25) * ((h DIV 13) % 20000 + 500)),
           IF(h % 10 = 0, NULL, DATE_FORMAT(DATE_SUB(?, INTERVAL (h DIV 10) % 730 + 1 DAY), '%Y-%m-%d'))
         FROM (SELECT id, brand_id, joined_at, CRC32(id) AS h FROM members WHERE brand_id = ?) m`,
        [leaving, FIRST_NIGHT, brandId],
      ),
    );
    await timed('seed: member_months of the month leaving the window', () =>
      stack.db.query(
        `INSERT INTO member_months (member_id, month, brand_id, purchases, spend_fen, growth)
         SELECT member_id, ?, brand_id, LEAST(purchases_12m, 1), LEAST(spend_12m_fen, 1000), 0 FROM member_rfm WHERE brand_id = ? AND CRC32(member_id) % 3 = 0`,
        [leaving, brandId],
      ),
    );
    const bare = settings.orders > 0;
    if (bare) await timed(`seed: bare orders table (${settings.orders} rows)`, async () => {
      await stack.db.query(
        `CREATE TABLE bench_orders (member_no INT NOT NULL, id BIGINT NOT NULL, business_date VARCHAR(10) NOT NULL, payable_fen BIGINT NOT NULL, status VARCHAR(24) NOT NULL, PRIMARY KEY (member_no, id))`,
      );
      await generate(
        stack,
        settings.orders,
        500_000,
        (from, to) => `INSERT INTO bench_orders SELECT seq % ${settings.members}, seq, DATE_FORMAT(DATE_SUB('${TODAY}', INTERVAL (seq * 7919) % 730 DAY), '%Y-%m-%d'),
          (seq * 31) % 50000 + 100, IF(seq % 50 = 0, 'refunded', 'completed') FROM seq_${from}_to_${to}`,
      );
    });
    await stack.db.query(`ANALYZE TABLE members, member_rfm, member_months${bare ? ', bench_orders' : ''}`);
    print();

    const scoring = stack.app.get(RfmScoring);
    // The day before `night`: a share of the members buy once, as rfmPurchased moves their rows.
    const dayOfPurchases = (night: string) =>
      stack.db.query(
        `UPDATE member_rfm SET last_purchase_on = ?, purchases_12m = purchases_12m + 1, spend_12m_fen = spend_12m_fen + (CRC32(member_id) % 20000) + 500
         WHERE brand_id = ? AND CRC32(CONCAT(member_id, ?)) % 1000 < ?`,
        [addDays(night, -1), brandId, night, Math.round(settings.dailyPercent * 10)],
      );
    const first = await timed(`first night ${FIRST_NIGHT} (every row scored the first time)`, () => scoring.run(FIRST_NIGHT, brandId));
    const bought = (await dayOfPurchases(ORDINARY_NIGHT)) as { affectedRows?: number };
    print(`(${bought.affectedRows ?? '?'} members bought the day before each night from here on)`);
    const ordinary = await timed(`ordinary night ${ORDINARY_NIGHT}`, () => scoring.run(ORDINARY_NIGHT, brandId));
    await dayOfPurchases(LAST_NIGHT);
    const lastNight = await timed(`last night of the month ${LAST_NIGHT} (stages the rest)`, () => scoring.run(LAST_NIGHT, brandId));
    await dayOfPurchases(TODAY);
    const monthFirst = await timed(`first of the month ${TODAY} (a month leaves the window)`, () => scoring.run(TODAY, brandId));
    const again = await timed('the same night again (recorded)', () => scoring.run(TODAY, brandId));
    await timed('RfmScoring.boundaries (net of a leaving month: one pass over the table), alone', () => scoring.boundaries(brandId, TODAY));
    print();
    if (bare) await timed('bare SQL: aggregate every order + NTILE(5) × 3', () =>
      stack.db.query(
        `CREATE TEMPORARY TABLE bench_ntile AS
         SELECT member_no, NTILE(5) OVER (ORDER BY last_on) AS r_score, NTILE(5) OVER (ORDER BY f) AS f_score, NTILE(5) OVER (ORDER BY m) AS m_score FROM (
           SELECT member_no, MAX(CASE WHEN status <> 'refunded' THEN business_date END) AS last_on,
             SUM(CASE WHEN business_date >= ? AND status <> 'refunded' THEN 1 ELSE 0 END) AS f,
             SUM(CASE WHEN business_date >= ? THEN payable_fen ELSE 0 END) AS m
           FROM bench_orders GROUP BY member_no) a`,
        [`${windowStart}-01`, `${windowStart}-01`],
      ),
    );
    print();
    print(`first night ${JSON.stringify(first)}`);
    print(`ordinary night ${JSON.stringify(ordinary)}`);
    print(`last night of the month ${JSON.stringify(lastNight)}`);
    print(`first of the month ${JSON.stringify(monthFirst)}; again ${JSON.stringify(again)}`);
    const spread = (await stack.db.query(
      `SELECT stage, rfm_class AS class, COUNT(*) AS members FROM member_rfm WHERE brand_id = ? GROUP BY stage, rfm_class ORDER BY stage, rfm_class`,
      [brandId],
    )) as { stage: string; class: string; members: unknown }[];
    print(spread.map((s) => `${s.stage}/${s.class} ${Number(s.members)}`).join(', '));
  } finally {
    await stack.close();
  }
}

benchmark().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
