import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { day, id, integer, ref, text, time } from './columns';

const unique = (name: string, columnNames: string[]) => new TableIndex({ name, columnNames, isUnique: true });
const index = (name: string, columnNames: string[]) => new TableIndex({ name, columnNames });

/**
 * Stored value (issue 11). The balance itself lives in the ledger (stored_value_principal and
 * stored_value_bonus accounts); these tables hold what the money came from and went to:
 * - recharge_packages: what the brand sells (充500送50), with a per-member limit counted in
 *   recharge_holdings by a conditional UPDATE (`taken < :limit`), never by counting orders;
 * - recharge_orders: one per WeChat Pay out_trade_no (order_no, unique); its move paying → paid is
 *   the one conditional UPDATE that credits the balance, whatever the notifications do;
 * - recharge_refunds: refunds of unused principal, out_refund_no unique; open_key holds the order id
 *   while a refund is requested or processing (unique), so one order has one open refund at a time;
 *   request_id makes an HQ refund idempotent;
 * - pay_notifications: every WeChat Pay notification received and what was done with it;
 * - wallet_reconciliations: the daily check of paid recharges against WeChat Pay's records;
 * - orders / order_refunds: what a purchase paid from the balance and what a refund gave back.
 */
export class Wallet1796515200000 implements MigrationInterface {
  name = 'Wallet1796515200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'recharge_packages',
        columns: [
          id(),
          ref('brand_id'),
          text('name', 40),
          integer('pay_fen'),
          integer('bonus_fen'),
          { ...day('valid_from'), isNullable: true },
          { ...day('valid_to'), isNullable: true },
          { name: 'per_member_limit', type: 'int', isNullable: true },
          text('description', 200, true),
          /** active or paused. */
          text('status', 16),
          ref('created_by', true),
          time('created_at'),
          time('updated_at'),
        ],
        indices: [index('ix_recharge_packages_brand', ['brand_id', 'status'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'recharge_holdings',
        columns: [ref('package_id'), ref('member_id'), ref('brand_id'), { name: 'taken', type: 'int', default: 0 }],
        indices: [unique('uq_recharge_holdings', ['package_id', 'member_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'recharge_orders',
        columns: [
          id(),
          ref('brand_id'),
          ref('member_id'),
          /** WeChat Pay's out_trade_no: 6–32 characters, unique per merchant. */
          text('order_no', 32),
          ref('package_id'),
          text('package_name', 40),
          integer('pay_fen'),
          integer('bonus_fen'),
          /** created, paying, paid, partially_refunded, closed or refunded (shared/src/domain/state-machines.ts). */
          text('status', 24),
          /** The payer's mini-program openid (WeChat Pay's payer.openid). */
          text('payer_openid', 64),
          text('prepay_id', 64, true),
          time('prepay_expires_at', true),
          text('transaction_id', 64, true),
          time('paid_at', true),
          time('closed_at', true),
          /** Principal given back by refunds so far, and the bonus forfeited with it. */
          integer('refunded_fen'),
          integer('bonus_forfeited_fen'),
          /** When WeChat was told the (virtual) goods were delivered; null until then. */
          time('shipping_uploaded_at', true),
          /** The last active query at WeChat Pay (the sweeper's and the member's polling). */
          time('queried_at', true),
          time('created_at'),
          time('updated_at'),
        ],
        indices: [
          unique('uq_recharge_orders_no', ['order_no']),
          index('ix_recharge_orders_member', ['member_id', 'created_at']),
          index('ix_recharge_orders_status', ['status', 'created_at']),
          index('ix_recharge_orders_paid', ['brand_id', 'paid_at']),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'recharge_refunds',
        columns: [
          id(),
          ref('brand_id'),
          ref('member_id'),
          ref('order_id'),
          /** WeChat Pay's out_refund_no. */
          text('refund_no', 64),
          /** HQ's idempotency key for a direct refund; null for a member's request. */
          text('request_id', 64, true),
          /** The order's id while this refund is requested or processing, else null: one open refund per order. */
          ref('open_key', true),
          integer('principal_fen'),
          integer('bonus_forfeit_fen'),
          /** requested, processing, rejected, succeeded or failed. */
          text('status', 16),
          text('reason', 200),
          text('reject_reason', 200, true),
          ref('decided_by', true),
          text('wechat_refund_id', 64, true),
          time('requested_at'),
          time('decided_at', true),
          time('finished_at', true),
        ],
        indices: [
          unique('uq_recharge_refunds_no', ['refund_no']),
          unique('uq_recharge_refunds_open', ['open_key']),
          unique('uq_recharge_refunds_request', ['brand_id', 'request_id']),
          index('ix_recharge_refunds_status', ['brand_id', 'status']),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'pay_notifications',
        columns: [
          id(),
          /** The notification's own id (the same on every redelivery). */
          text('event_id', 64),
          text('event_type', 40),
          text('out_trade_no', 32, true),
          text('out_refund_no', 64, true),
          /** What was done: credited, duplicate, rejected:<why>… */
          text('outcome', 64),
          time('received_at'),
        ],
        indices: [index('ix_pay_notifications_trade', ['out_trade_no']), index('ix_pay_notifications_event', ['event_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'wallet_reconciliations',
        columns: [id(), ref('brand_id'), day('business_date'), { name: 'result', type: 'text' }, { name: 'mismatches', type: 'int' }, time('checked_at')],
        indices: [unique('uq_wallet_reconciliations', ['brand_id', 'business_date'])],
      }),
    );
    await q.addColumns('orders', [
      new TableColumn(integer('balance_paid_fen')),
      new TableColumn(integer('balance_principal_fen')),
      new TableColumn(integer('balance_bonus_fen')),
    ]);
    await q.addColumns('order_refunds', [new TableColumn(integer('balance_principal_returned_fen')), new TableColumn(integer('balance_bonus_returned_fen'))]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('order_refunds', ['balance_principal_returned_fen', 'balance_bonus_returned_fen']);
    await q.dropColumns('orders', ['balance_paid_fen', 'balance_principal_fen', 'balance_bonus_fen']);
    for (const table of ['wallet_reconciliations', 'pay_notifications', 'recharge_refunds', 'recharge_orders', 'recharge_holdings', 'recharge_packages']) await q.dropTable(table);
  }
}
