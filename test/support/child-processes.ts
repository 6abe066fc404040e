import type { ChildProcess } from 'node:child_process';

/**
 * Children a test started and must not leave behind. afterAll stops them; this also kills them when
 * the test process itself exits without getting there (a crash, Jest tearing the worker down).
 */
const alive = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of alive) {
    try {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export function track(child: ChildProcess): ChildProcess {
  alive.add(child);
  child.once('exit', () => alive.delete(child));
  return child;
}

/** kill -9 and wait until it is gone. */
export function killHard(child: ChildProcess | null | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it answers true, or fails with `what` after `seconds`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, seconds: number, failFast?: () => string | null): Promise<void> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    if (await probe().catch(() => false)) return;
    const fatal = failFast?.();
    if (fatal) throw new Error(`${what}: ${fatal}`);
    if (Date.now() > until) throw new Error(`${what}: not within ${seconds} s`);
    await sleep(100);
  }
}
