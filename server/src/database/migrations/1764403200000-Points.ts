import { MigrationInterface, QueryRunner, Table, TableColumn, TableColumnOptions, TableIndex } from 'typeorm';
import { day, id, integer, ref, text, time } from './columns';

/** JSON that may pass TEXT's 64 KB on MySQL (200 receipt lines with Chinese names); SQLite's TEXT has no such limit. */
const longText = (q: QueryRunner, name: string): TableColumnOptions => ({ name, type: q.connection.options.type === 'mysql' ? 'mediumtext' : 'text' });

const unique = (name: string, columnNames: string[]) => new TableIndex({ name, columnNames, isUnique: true });
const index = (name: string, columnNames: string[]) => new TableIndex({ name, columnNames });

/**
 * The value engine: per-brand loyalty rules, purchases and refunds, the points lots and their
 * append-only ledger, monthly aggregates (growth, RFM), tier changes, expiry reminders, POS keys
 * and the audit log. Every movement has a unique business key.
 */
export class Points1764403200000 implements MigrationInterface {
  name = 'Points1764403200000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('members', [
      new TableColumn({ ...day('birthday'), isNullable: true }),
      /** Incremented by every ledger row: the row's per-member sequence number. */
      new TableColumn(integer('ledger_seq')),
    ]);

    await q.createTable(
      new Table({
        name: 'loyalty_settings',
        columns: [{ ...ref('brand_id'), isPrimary: true }, { name: 'rules', type: 'text' }, integer('version'), time('updated_at', true), ref('updated_by', true)],
      }),
    );

    await q.createTable(
      new Table({
        name: 'orders',
        columns: [
          id(),
          ref('brand_id'),
          ref('store_id'),
          ref('member_id'),
          ref('staff_id', true),
          ref('api_key_id', true),
          text('external_no', 64),
          text('request_hash', 64),
          integer('amount_fen'),
          integer('discount_fen'),
          integer('points_redeemed'),
          integer('points_deduct_fen'),
          integer('payable_fen'),
          integer('points_earned'),
          integer('growth_earned'),
          text('tier_before', 16),
          text('tier_after', 16),
          { name: 'earning_notes', type: 'text' },
          longText(q, 'items'),
          integer('refunded_fen'),
          text('status', 24),
          day('business_date'),
          time('created_at'),
        ],
        indices: [
          unique('uq_orders_store_external', ['store_id', 'external_no']),
          index('ix_orders_member', ['member_id', 'created_at']),
          index('ix_orders_store', ['store_id', 'created_at']),
          index('ix_orders_brand_date', ['brand_id', 'business_date']),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'order_refunds',
        columns: [
          id(),
          ref('brand_id'),
          ref('order_id'),
          ref('store_id'),
          ref('member_id'),
          ref('staff_id', true),
          ref('api_key_id', true),
          text('refund_no', 64),
          text('request_hash', 64),
          integer('amount_fen'),
          integer('payable_share_fen'),
          integer('refund_fen'),
          integer('points_reversed'),
          integer('points_charged_back'),
          integer('chargeback_fen'),
          integer('points_written_off'),
          integer('points_returned'),
          integer('growth_reversed'),
          integer('order_refunded_fen'),
          integer('points_balance'),
          text('reason', 200, true),
          day('business_date'),
          time('created_at'),
        ],
        indices: [unique('uq_order_refunds_no', ['order_id', 'refund_no']), index('ix_order_refunds_store', ['store_id', 'created_at'])],
      }),
    );

    await q.createTable(
      new Table({
        name: 'point_lots',
        columns: [
          id(),
          ref('brand_id'),
          ref('member_id'),
          text('source_type', 24),
          text('source_id', 64),
          integer('amount'),
          integer('remaining'),
          integer('expired'),
          day('expires_on'),
          time('created_at'),
        ],
        indices: [index('ix_point_lots_member', ['member_id', 'expires_on']), index('ix_point_lots_expiry', ['brand_id', 'expires_on', 'remaining'])],
      }),
    );

    await q.createTable(
      new Table({
        name: 'point_ledger',
        columns: [
          id(),
          ref('brand_id'),
          ref('member_id'),
          integer('seq'),
          text('kind', 24),
          integer('delta'),
          integer('balance_after'),
          text('business_key', 128),
          text('source_type', 24),
          text('source_id', 64),
          text('reason', 200),
          ref('store_id', true),
          ref('staff_id', true),
          time('created_at'),
        ],
        indices: [unique('uq_point_ledger_key', ['business_key']), unique('uq_point_ledger_seq', ['member_id', 'seq'])],
      }),
    );

    await q.createTable(
      new Table({
        name: 'point_lot_draws',
        columns: [id(), ref('ledger_id'), ref('lot_id'), ref('member_id'), integer('amount'), day('expires_on')],
        indices: [index('ix_point_lot_draws_ledger', ['ledger_id'])],
      }),
    );

    await q.createTable(
      new Table({
        name: 'member_months',
        columns: [
          { ...ref('member_id'), isPrimary: true },
          { ...text('month', 7), isPrimary: true },
          ref('brand_id'),
          integer('purchases'),
          integer('spend_fen'),
          integer('growth'),
        ],
        indices: [index('ix_member_months_brand', ['brand_id', 'month'])],
      }),
    );

    await q.createTable(
      new Table({
        name: 'tier_changes',
        columns: [id(), ref('brand_id'), ref('member_id'), text('from_tier', 16), text('to_tier', 16), text('reason', 24), text('business_key', 128), integer('growth'), time('created_at')],
        indices: [unique('uq_tier_changes_key', ['business_key']), index('ix_tier_changes_member', ['member_id', 'created_at'])],
      }),
    );

    await q.createTable(
      new Table({
        name: 'points_expiry_reminders',
        columns: [id(), ref('brand_id'), ref('member_id'), day('expires_on'), integer('points'), time('created_at'), time('notified_at', true)],
        indices: [unique('uq_points_expiry_reminders', ['member_id', 'expires_on'])],
      }),
    );

    await q.createTable(
      new Table({
        name: 'store_api_keys',
        columns: [id(), ref('brand_id'), ref('store_id'), text('label', 64), text('key_hash', 64), ref('created_by'), time('created_at'), time('revoked_at', true)],
        indices: [unique('uq_store_api_keys_hash', ['key_hash']), index('ix_store_api_keys_store', ['store_id'])],
      }),
    );

    await q.createTable(
      new Table({
        name: 'audit_log',
        columns: [id(), ref('brand_id'), ref('staff_id'), text('action', 48), text('target_type', 24), text('target_id', 64), longText(q, 'detail'), time('created_at')],
        indices: [index('ix_audit_log_brand', ['brand_id', 'created_at']), index('ix_audit_log_target', ['target_type', 'target_id'])],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'store_api_keys',
      'points_expiry_reminders',
      'tier_changes',
      'member_months',
      'point_lot_draws',
      'point_ledger',
      'point_lots',
      'order_refunds',
      'orders',
      'loyalty_settings',
    ]) {
      await q.dropTable(table);
    }
    await q.dropColumn('members', 'ledger_seq');
    await q.dropColumn('members', 'birthday');
  }
}
