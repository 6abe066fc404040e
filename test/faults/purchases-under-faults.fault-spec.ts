import { isDeepStrictEqual } from 'node:util';
import { POINTS_SCHEDULE } from '../../server/src/jobs/points-jobs';
import { sleep, waitFor } from '../support/child-processes';
import { aMobile, FaultStack, type JoinedMember } from '../support/fault-stack';
import { secretsInLog } from '../support/log-secrets';

/**
 * Purchases keep coming while everything under them fails: the server is killed -9 and started
 * again (twice), Redis is killed -9 and started empty on the same port, MariaDB is killed -9 and
 * started again on the same data. A till whose request got no answer (connection lost, 5xx) sends
 * the same purchase again with the same externalNo until it gets one, as a POS system would.
 * Afterwards every purchase answered 201/200 exists exactly once, a replay of each answers the same
 * order with the same figures, the points reconcile, the schedule is back in Redis, and the server
 * logged none of the secrets.
 */

const PURCHASES = Number(process.env.FAULT_PURCHASES ?? 300);
const CONCURRENCY = 8;
const MEMBERS = 10;

interface Purchase {
  i: number;
  externalNo: string;
  member: JoinedMember;
  amountFen: number;
  pointsToRedeem?: number;
  via: 'clerk' | 'pos-key';
  attempts: number;
  /** Why each attempt before the answer got none. */
  lost: string[];
  answer?: { status: number; body: any };
}

interface FaultEvent {
  what: string;
  atAnswered: number;
  seconds: number;
}

const FIGURES_IGNORED = new Set(['replayed']);
const figures = (order: Record<string, unknown>) => Object.fromEntries(Object.entries(order).filter(([k]) => !FIGURES_IGNORED.has(k)));

describe('purchases while the server, Redis and MariaDB are killed', () => {
  let stack: FaultStack;
  let clerkToken: string;
  let adminToken: string;
  let posKey: string;
  const members: JoinedMember[] = [];
  const purchases: Purchase[] = [];
  const events: FaultEvent[] = [];
  const report = {
    tried: 0,
    answered2xx: 0,
    answeredOther: new Map<string, number>(),
    lost: new Map<string, number>(),
    retriedPurchases: 0,
    /** Retried purchases whose answer was a replay: the lost attempt had been recorded. */
    recordedBeforeLoss: 0,
    duplicates: 0,
    missing: 0,
    extra: 0,
    replayMismatches: 0,
    reconcileMismatches: -1,
    scheduleBackAfterRedisSeconds: -1,
    leaks: 0,
  };
  const started = Date.now();

  beforeAll(async () => {
    stack = await FaultStack.start({ database: 'own-mariadb' });
    adminToken = await stack.staffToken('admin');
    clerkToken = await stack.staffToken('clerk');
    posKey = await stack.posKey(adminToken);
    for (let i = 0; i < MEMBERS; i++) members.push(await stack.join(aMobile()));
    // The code the test computes is the one the card shows.
    const shown = await stack.api('GET', '/member/code', { token: members[0].token });
    expect(shown.body.code.slice(0, 10)).toBe(members[0].memberNo);
    for (let i = 0; i < PURCHASES; i++) {
      purchases.push({
        i,
        externalNo: `F${stack.run}-${String(i).padStart(4, '0')}`,
        member: members[i % MEMBERS],
        amountFen: 1_000 + ((i * 7_919) % 90_000),
        // Some spend points (refused with 422 until the member has enough: an answer like any other).
        ...(i % 7 === 6 && { pointsToRedeem: 100 }),
        via: i % 2 ? 'pos-key' : 'clerk',
        attempts: 0,
        lost: [],
      });
    }
  }, 180_000);

  afterAll(async () => {
    const lost = [...report.lost.entries()].map(([k, n]) => `${k}×${n}`).join(', ') || 'none';
    const other = [...report.answeredOther.entries()].map(([k, n]) => `${k}×${n}`).join(', ') || 'none';
    const faults = events.map((e) => `${e.what} at ${e.atAnswered} answered (${e.seconds.toFixed(1)} s)`).join('; ');
    console.log(
      `faults: ${report.tried} purchases tried, ${report.answered2xx} answered 201/200, other answers: ${other}; ` +
        `answers lost and retried: ${[...report.lost.values()].reduce((a, b) => a + b, 0)} (${lost}) over ${report.retriedPurchases} purchases (${report.recordedBeforeLoss} of them recorded before the answer was lost); ` +
        `duplicates found: ${report.duplicates}, missing: ${report.missing}, unexpected orders: ${report.extra}, replay mismatches: ${report.replayMismatches}, ` +
        `reconciliation mismatches: ${report.reconcileMismatches}, schedule back ${report.scheduleBackAfterRedisSeconds.toFixed(1)} s after Redis restarted, ` +
        `secrets in logs: ${report.leaks}; faults: ${faults}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    await stack?.close();
  });

  /** Sends the purchase until it gets an answer that is not a 5xx, with the same externalNo each time. */
  async function settle(p: Purchase, deadline: number): Promise<void> {
    for (;;) {
      if (Date.now() > deadline) throw new Error(`purchase ${p.externalNo} got no answer in time (lost: ${p.lost.join(', ')})`);
      p.attempts += 1;
      report.tried += p.attempts === 1 ? 1 : 0;
      try {
        const answer = await stack.api('POST', '/staff/orders', {
          ...(p.via === 'clerk' ? { token: clerkToken } : { headers: { 'x-api-key': posKey } }),
          // A fresh code each time, as the member's card shows it; the member is the same, so is the purchase.
          body: { memberCode: stack.memberCode(p.member.memberNo), amountFen: p.amountFen, externalNo: p.externalNo, ...(p.pointsToRedeem && { pointsToRedeem: p.pointsToRedeem }) },
          timeoutMs: 15_000,
        });
        if (answer.status < 500) {
          p.answer = answer;
          return;
        }
        p.lost.push(`${answer.status} ${answer.body?.code ?? ''}`.trim());
      } catch (error) {
        const e = error as Error & { cause?: { code?: string } };
        p.lost.push(e.name === 'TimeoutError' ? 'timeout' : `connection (${e.cause?.code ?? e.message})`);
      }
      await sleep(100 + Math.random() * 300);
    }
  }

  it('every purchase answered exists exactly once, replays give the same order, the points reconcile, the schedule is back', async () => {
    const deadline = Date.now() + 150_000;
    const answered = () => purchases.filter((p) => p.answer).length;
    let next = 0;
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      while (next < purchases.length) await settle(purchases[next++], deadline);
    });

    /** Runs one fault once `threshold` purchases are answered, with requests in flight. */
    const at = async (threshold: number, what: string, fault: () => Promise<void>) => {
      await waitFor(`${threshold} answered before "${what}"`, async () => answered() >= threshold, 120, () =>
        answered() === purchases.length ? 'every purchase was answered before the fault' : null,
      );
      const t = Date.now();
      await fault();
      events.push({ what, atAnswered: threshold, seconds: (Date.now() - t) / 1000 });
    };
    const chaos = (async () => {
      await at(40, 'server kill -9 and restart', async () => {
        await stack.server.kill();
        await stack.server.start();
      });
      await at(100, 'Redis kill -9 and start empty', async () => {
        await stack.redis.kill();
        await sleep(300);
        await stack.redis.up();
        const t = Date.now();
        await waitFor('the schedule back in Redis', async () => (await stack.scheduledJobs()).length === Object.keys(POINTS_SCHEDULE).length, 30);
        report.scheduleBackAfterRedisSeconds = (Date.now() - t) / 1000;
      });
      await at(160, 'MariaDB kill -9 and restart', async () => {
        await stack.mariadb!.kill();
        await sleep(1_000);
        await stack.mariadb!.up();
      });
      await at(230, 'server kill -9 and restart', async () => {
        await stack.server.kill();
        await sleep(200);
        await stack.server.start();
      });
    })();
    await Promise.all([...workers, chaos]);

    for (const p of purchases) {
      if (p.lost.length) report.retriedPurchases += 1;
      if (p.lost.length && p.answer!.status === 200 && p.answer!.body?.replayed) report.recordedBeforeLoss += 1;
      for (const why of p.lost) report.lost.set(why, (report.lost.get(why) ?? 0) + 1);
      const status = p.answer!.status;
      if (status === 200 || status === 201) report.answered2xx += 1;
      else {
        const key = `${status} ${p.answer!.body?.code ?? ''}`;
        report.answeredOther.set(key, (report.answeredOther.get(key) ?? 0) + 1);
      }
    }
    expect(events.map((e) => e.what)).toHaveLength(4);
    // The only refusals expected are spending points the member does not have yet, and paying
    // twice with one member code (two spends of one member within the same minute).
    expect([...report.answeredOther.keys()].filter((k) => k !== '422 POINTS_INSUFFICIENT' && k !== '409 MEMBER_CODE_USED')).toEqual([]);
    // While a part was down, the server said so (503) — never a 500 of its own.
    expect([...report.lost.keys()].filter((k) => /^5\d\d/.test(k) && !k.startsWith('503'))).toEqual([]);

    // Exactly once: the orders of the brand are the purchases answered 201/200, no more, no fewer.
    const succeeded = purchases.filter((p) => p.answer!.status === 200 || p.answer!.status === 201);
    const rows = await stack.mariadb!.query<{ id: string; external_no: string; n: number }[]>(
      stack.databaseName,
      'SELECT MIN(id) AS id, external_no, COUNT(*) AS n FROM orders WHERE brand_id = ? GROUP BY store_id, external_no',
      [stack.chain.brand.id],
    );
    const byNo = new Map(rows.map((r) => [r.external_no, r]));
    report.duplicates = rows.filter((r) => Number(r.n) > 1).length;
    report.missing = succeeded.filter((p) => byNo.get(p.externalNo)?.id !== p.answer!.body.id).length;
    const answeredNos = new Set(succeeded.map((p) => p.externalNo));
    report.extra = rows.filter((r) => !answeredNos.has(r.external_no)).length;
    expect({ duplicates: report.duplicates, missing: report.missing, extra: report.extra }).toEqual({ duplicates: 0, missing: 0, extra: 0 });

    // A replay of every purchase answered: the same order and figures, answered 200 as a replay.
    const mismatches: string[] = [];
    let r = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (r < succeeded.length) {
          const p = succeeded[r++];
          const replay = await stack.api('POST', '/staff/orders', {
            ...(p.via === 'clerk' ? { token: clerkToken } : { headers: { 'x-api-key': posKey } }),
            body: { memberCode: stack.memberCode(p.member.memberNo), amountFen: p.amountFen, externalNo: p.externalNo, ...(p.pointsToRedeem && { pointsToRedeem: p.pointsToRedeem }) },
          });
          if (replay.status !== 200 || replay.body.replayed !== true || !isDeepStrictEqual(figures(replay.body), figures(p.answer!.body))) {
            const differ = Object.keys(figures(p.answer!.body)).filter((k) => !isDeepStrictEqual(replay.body?.[k], p.answer!.body[k]));
            mismatches.push(`${p.externalNo}: replay ${replay.status} replayed=${replay.body?.replayed} differs in ${differ.join(', ')}`);
          }
        }
      }),
    );
    report.replayMismatches = mismatches.length;
    expect(mismatches).toEqual([]);

    // Points: every member's ledger, balance and lots agree (asked over HTTP, after a fresh staff
    // login, which needs the restarted Redis).
    const admin = await stack.staffToken('admin');
    const reconciled = await stack.api('POST', '/staff/points/reconcile', { token: admin });
    expect(reconciled.status).toBe(200);
    report.reconcileMismatches = reconciled.body.mismatches.length;
    expect(reconciled.body.mismatches).toEqual([]);
    expect(reconciled.body.checkedMembers).toBeGreaterThanOrEqual(MEMBERS);

    // The schedule is in Redis, once.
    await waitFor('the schedule in Redis', async () => (await stack.scheduledJobs()).length === Object.keys(POINTS_SCHEDULE).length, 30);
    expect(await stack.scheduledJobs()).toEqual(Object.keys(POINTS_SCHEDULE).sort());

    // Nothing secret in what the server printed through all of it (LOG_LEVEL=debug).
    const leaks = secretsInLog(stack.server.output, stack.knownSecrets());
    report.leaks = leaks.length;
    expect(leaks).toEqual([]);
  }, 220_000);
});
