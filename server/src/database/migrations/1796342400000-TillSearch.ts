import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { id, ref, text, time } from './columns';

const index = (name: string, columnNames: string[]) => new TableIndex({ name, columnNames });

/**
 * The till's search and the one-time member code (issue 9):
 * - `orders.receipt_no`, the POS's printed receipt number, searchable by exact value or prefix;
 * - indexes for the till's order list — a store's business day, newest first — and for its search
 *   by receipt number and by the member's masked phone;
 * - `member_code_spends`: a dynamic member code that paid with points once is spent, unique per
 *   (member, code), so it can never pay again.
 */
export class TillSearch1796342400000 implements MigrationInterface {
  name = 'TillSearch1796342400000';

  async up(q: QueryRunner): Promise<void> {
    // Plain ALTER on both databases (SQLite adds a nullable column in place, without rebuilding the table).
    await q.query('ALTER TABLE orders ADD COLUMN receipt_no VARCHAR(32) NULL');
    await q.createIndex('orders', index('ix_orders_store_day', ['store_id', 'business_date', 'created_at']));
    await q.createIndex('orders', index('ix_orders_store_receipt', ['store_id', 'receipt_no']));
    await q.createIndex('orders', index('ix_orders_brand_day_receipt', ['brand_id', 'business_date', 'receipt_no']));
    await q.createIndex('members', index('ix_members_brand_masked', ['brand_id', 'phone_masked']));
    await q.createTable(
      new Table({
        name: 'member_code_spends',
        columns: [id(), ref('brand_id'), ref('member_id'), text('code', 32), text('purpose', 16), text('ref', 64), time('created_at')],
        indices: [new TableIndex({ name: 'uq_member_code_spends', columnNames: ['member_id', 'code'], isUnique: true })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('member_code_spends');
    await q.dropIndex('members', 'ix_members_brand_masked');
    await q.dropIndex('orders', 'ix_orders_brand_day_receipt');
    await q.dropIndex('orders', 'ix_orders_store_receipt');
    await q.dropIndex('orders', 'ix_orders_store_day');
    await q.query('ALTER TABLE orders DROP COLUMN receipt_no');
  }
}
