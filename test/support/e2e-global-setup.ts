import 'reflect-metadata';
import { openDatabase } from '../../server/src/database/data-source';
import { recreateTestDatabase, TEST_DATABASE_URL } from './test-database';

/** A fresh test database with the real migrations, once per run, before any test file boots a server. */
export default async function globalSetup(): Promise<void> {
  await recreateTestDatabase();
  const db = await openDatabase({ type: 'mysql', url: TEST_DATABASE_URL, poolSize: 2 });
  await db.destroy();
}
