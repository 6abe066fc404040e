import { MigrationInterface, QueryRunner } from 'typeorm';

/** The idempotency keys a client or the server chooses, and their column lengths. */
const KEYS: [table: string, column: string, length: number][] = [
  ['orders', 'external_no', 64],
  ['order_refunds', 'refund_no', 64],
  ['ledger_entries', 'business_key', 128],
  ['tier_changes', 'business_key', 128],
];

/**
 * Idempotency keys compare exactly: `CASE1` is another receipt than `case1`. SQLite compares text
 * byte for byte already; MariaDB's default utf8mb4 collation ignores case and accents, so there a
 * replay of `case1` would have answered `CASE1`'s purchase. The key columns get a binary collation.
 */
export class ExactKeys1796083200000 implements MigrationInterface {
  name = 'ExactKeys1796083200000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'mysql') return;
    for (const [table, column, length] of KEYS) {
      await q.query(`ALTER TABLE ${table} MODIFY ${column} VARCHAR(${length}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'mysql') return;
    for (const [table, column, length] of KEYS) {
      await q.query(`ALTER TABLE ${table} MODIFY ${column} VARCHAR(${length}) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL`);
    }
  }
}
