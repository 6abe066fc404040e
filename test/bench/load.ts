/** What a closed-loop run measured: every answer's latency, and what went wrong how often. */
export interface LoadRun {
  latenciesMs: number[];
  /** Failure label (status, code, message) → count. */
  failures: Record<string, number>;
  seconds: number;
}

/**
 * A closed loop: `concurrency` callers, each sending its next request as soon as its last one was
 * answered, until `seconds` have passed. `attempt` resolves to null when the purchase was recorded,
 * or to a short label of what went wrong; a thrown error counts as a failure under its message.
 */
export async function drive(concurrency: number, seconds: number, attempt: () => Promise<string | null>): Promise<LoadRun> {
  const latenciesMs: number[] = [];
  const failures: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const caller = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      let failure: string | null;
      try {
        failure = await attempt();
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
      latenciesMs.push(performance.now() - sent);
      if (failure) failures[failure] = (failures[failure] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { latenciesMs, failures, seconds: (performance.now() - started) / 1000 };
}

export interface Figures {
  scenario: string;
  requests: number;
  errors: number;
  ordersPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of this Node process (server, tills or mysql2 client; not MariaDB) per recorded order. */
  cpuMsPerOrder: number;
}

export function failureCount(run: LoadRun): number {
  return Object.values(run.failures).reduce((sum, n) => sum + n, 0);
}

/** Orders per second counts recorded purchases only; the percentiles cover every answer. */
export function figures(scenario: string, run: LoadRun, cpuMs: number): Figures {
  const sorted = [...run.latenciesMs].sort((a, b) => a - b);
  const errors = failureCount(run);
  return {
    scenario,
    requests: sorted.length,
    errors,
    ordersPerSecond: (sorted.length - errors) / run.seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    cpuMsPerOrder: cpuMs / (sorted.length - errors),
  };
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length, Math.ceil((p / 100) * sorted.length)) - 1];
}

export function table(rows: Figures[]): string {
  const header = ['scenario', 'requests', 'orders/s', 'p50 ms', 'p99 ms', 'errors', 'node cpu ms/order'];
  const cells = rows.map((r) => [
    r.scenario,
    String(r.requests),
    r.ordersPerSecond.toFixed(1),
    r.p50Ms.toFixed(1),
    r.p99Ms.toFixed(1),
    String(r.errors),
    r.cpuMsPerOrder.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
