import 'reflect-metadata';
import { openDatabase } from '../../../server/src/database/data-source';
import { recreateTestDatabase } from '../../support/test-database';
import { MEDIUM_DATABASE_URL, mediumDatabases } from './database';

/** A fresh MariaDB database with the real migrations, once per run; the clock for the wall time printed at the end. */
export default async function globalSetup(): Promise<void> {
  (globalThis as { mediumStartedAt?: number }).mediumStartedAt = Date.now();
  if (!mediumDatabases().includes('mysql')) return;
  await recreateTestDatabase(MEDIUM_DATABASE_URL);
  const db = await openDatabase({ type: 'mysql', url: MEDIUM_DATABASE_URL, poolSize: 2 });
  await db.destroy();
}
