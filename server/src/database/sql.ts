import type { EntityManager } from 'typeorm';

/**
 * Runs one write statement and returns its affected-row count on either database (MySQL counts
 * matched rows, see FOUND_ROWS in data-source.ts), so a conditional UPDATE can be checked.
 */
export async function execute(manager: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return result.affected ?? 0;
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

export function isMysql(manager: EntityManager): boolean {
  return manager.connection.options.type === 'mysql';
}

/** `FOR UPDATE` on MySQL; SQLite write transactions are already one at a time (see UnitOfWork). */
export function forUpdate(manager: EntityManager): string {
  return isMysql(manager) ? ' FOR UPDATE' : '';
}

/**
 * INSERT … or add to the row that is already there: one atomic statement on both databases.
 * `add` lists the columns whose values are added to the existing row's.
 */
export async function upsertAdd(
  manager: EntityManager,
  table: string,
  key: Record<string, unknown>,
  values: Record<string, number | string>,
  add: string[],
): Promise<void> {
  const row = { ...key, ...values };
  const columns = Object.keys(row);
  const placeholders = columns.map(() => '?').join(', ');
  const sets = add.map((c) => (isMysql(manager) ? `${c} = ${c} + VALUES(${c})` : `${c} = ${c} + excluded.${c}`)).join(', ');
  const conflict = isMysql(manager) ? `ON DUPLICATE KEY UPDATE ${sets}` : `ON CONFLICT (${Object.keys(key).join(', ')}) DO UPDATE SET ${sets}`;
  await manager.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders}) ${conflict}`, Object.values(row));
}

/** A UTC instant as DATETIME(3) text, the form TypeORM writes on both databases (raw SQL cannot bind a Date on SQLite). */
export function dbTime(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

/** A DATETIME read by raw SQL: a Date from mysql2, text from SQLite. */
export function fromDbTime(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}

/** BIGINT / SUM() read by raw SQL: a string from mysql2, a number from SQLite. */
export function toInt(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a safe integer: ${String(value)}`);
  return n;
}

/**
 * INSERT the row unless one with the same unique key is there: true when this call inserted it.
 * One statement on both databases, and a duplicate does not abort the surrounding transaction.
 */
export async function insertOnce(manager: EntityManager, table: string, row: Record<string, unknown>): Promise<boolean> {
  const columns = Object.keys(row);
  const placeholders = columns.map(() => '?').join(', ');
  const sql = isMysql(manager)
    ? `INSERT IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${placeholders})`
    : `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders}) ON CONFLICT DO NOTHING`;
  return (await execute(manager, sql, Object.values(row))) === 1;
}

/**
 * Rows inserted in one statement, each unless its key exists (insertOnce for many rows of the same
 * columns). Answers how many were new.
 */
export async function insertManyOnce(manager: EntityManager, table: string, rows: Record<string, unknown>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = Object.keys(rows[0]);
  const values = rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
  const sql = isMysql(manager)
    ? `INSERT IGNORE INTO ${table} (${columns.join(', ')}) VALUES ${values}`
    : `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values} ON CONFLICT DO NOTHING`;
  return execute(manager, sql, rows.flatMap((row) => columns.map((c) => row[c])));
}
