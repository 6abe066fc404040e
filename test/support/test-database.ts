import { createConnection } from 'mysql2/promise';

/** The MariaDB database the tests own. Never point this at a database you did not create for tests. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/wemember_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Drops and recreates the test database (only a database whose name says it is for tests). */
export async function recreateTestDatabase(url = TEST_DATABASE_URL): Promise<void> {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.slice(1));
  if (!/test/i.test(name)) throw new Error(`refusing to recreate "${name}": the test database's name must contain "test"`);
  parsed.pathname = '/';
  const connection = await createConnection({ uri: parsed.toString() });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}
