import { mediumDatabases } from './database';

/** Medium tests are meant to run on every change: say how long they took, Jest's start included. */
export default function globalTeardown(): void {
  const started = (globalThis as { mediumStartedAt?: number }).mediumStartedAt;
  const tests = started ? `, ${((Date.now() - started) / 1000).toFixed(1)} s of it after the global setup` : '';
  console.log(`\nmedium tests (${mediumDatabases().join(' + ')}): ${process.uptime().toFixed(1)} s wall${tests}`);
}
