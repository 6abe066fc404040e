import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { day, id, integer, ref, text, time } from './columns';

const unique = (name: string, columnNames: string[]) => new TableIndex({ name, columnNames, isUnique: true });
const index = (name: string, columnNames: string[]) => new TableIndex({ name, columnNames });
const nullableInt = (name: string) => ({ name, type: 'bigint', isNullable: true });
const flag = (name: string) => ({ name, type: 'boolean', default: false });
/** The terms of a coupon: the template's, and the copy each issued coupon keeps. */
const terms = () => [
  text('name', 40),
  text('description', 200, true),
  text('type', 16),
  nullableInt('value_fen'),
  { name: 'percent_off', type: 'int', isNullable: true },
  nullableInt('cap_fen'),
  integer('threshold_fen'),
  text('gift_name', 40, true),
];
/** A JSON list of ids or codes, null for none. */
const list = (name: string) => ({ name, type: 'text', isNullable: true });

/**
 * E-coupons (issue 10). A template holds the terms and the stock; every issued coupon copies the
 * terms, so editing a template never changes a coupon already in a member's hands.
 *
 * Exactly-once rests on keys and conditional updates, never on counting first:
 * - stock: `UPDATE coupon_templates SET issued = issued + 1 WHERE id = ? AND issued < stock`;
 * - the per-member limit: one row per (template, member) in coupon_holdings, raised by
 *   `... SET taken = taken + 1 WHERE taken < :limit`;
 * - a grant (welcome gift, tier pack, campaign, a marketer's gift): coupons.grant_key is unique;
 * - a points-mall exchange: (member, request_id) is unique and commits with its points debit;
 * - the coupon's life: `UPDATE coupons SET status = :to WHERE id = ? AND status = :from`;
 * - a purchase's coupons: order_coupons (order, coupon) is unique, written with the purchase.
 */
export class Coupons1796428800000 implements MigrationInterface {
  name = 'Coupons1796428800000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'coupon_templates',
        columns: [
          id(),
          ref('brand_id'),
          ...terms(),
          integer('stock'),
          /** Coupons issued so far: never above stock. */
          integer('issued'),
          { name: 'per_member_limit', type: 'int' },
          /** fixed (valid_from … valid_to) or relative (valid_days from the day of receipt). */
          text('validity_kind', 16),
          { ...day('valid_from'), isNullable: true },
          { ...day('valid_to'), isNullable: true },
          { name: 'valid_days', type: 'int', isNullable: true },
          flag('claimable'),
          nullableInt('points_price'),
          list('store_ids'),
          list('region_ids'),
          list('tiers'),
          /** active, paused or ended. */
          text('status', 16),
          ref('created_by', true),
          time('created_at'),
          time('updated_at'),
        ],
        indices: [index('ix_coupon_templates_brand', ['brand_id', 'status'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'coupon_holdings',
        columns: [
          ref('template_id'),
          ref('member_id'),
          ref('brand_id'),
          /** Claims and exchanges so far, never above the template's per-member limit. */
          { name: 'taken', type: 'int', default: 0 },
        ],
        indices: [unique('uq_coupon_holdings', ['template_id', 'member_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'coupons',
        columns: [
          id(),
          ref('brand_id'),
          ref('template_id'),
          ref('member_id'),
          /** 16 random base32 characters and a check character: the QR's content. */
          text('code', 17),
          /** issued, locked, redeemed, expired or revoked (shared/src/domain/state-machines.ts). */
          text('status', 16),
          /** claim, exchange, welcome, tier_pack or grant. */
          text('source', 16),
          /** The grant's idempotency key (welcome:<member>:<template>:<n>, tier:<member>:<template>:<month>:<n>…); null for claims. */
          text('grant_key', 160, true),
          // The terms, copied from the template when issued.
          ...terms(),
          list('store_ids'),
          list('region_ids'),
          day('valid_from'),
          day('valid_to'),
          time('issued_at'),
          /** The purchase holding it while it is recorded (the order's id). */
          ref('locked_by', true),
          time('locked_at', true),
          time('redeemed_at', true),
          ref('redeemed_store_id', true),
          ref('redeemed_staff_id', true),
          ref('redeemed_api_key_id', true),
          text('redeemed_external_no', 64, true),
          ref('redeemed_order_id', true),
          /** When it expired or was revoked. */
          time('ended_at', true),
          text('revoke_reason', 200, true),
        ],
        indices: [
          unique('uq_coupons_code', ['code']),
          unique('uq_coupons_grant_key', ['grant_key']),
          index('ix_coupons_member', ['member_id', 'status', 'valid_to']),
          index('ix_coupons_template', ['template_id', 'status']),
          index('ix_coupons_expiry', ['status', 'valid_to']),
          index('ix_coupons_order', ['redeemed_order_id']),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'order_coupons',
        columns: [
          id(),
          ref('brand_id'),
          ref('order_id'),
          ref('coupon_id'),
          ref('template_id'),
          ref('store_id'),
          integer('discount_fen'),
          /** Set when a full refund gave the coupon back to the member. */
          time('returned_at', true),
          time('created_at'),
        ],
        indices: [unique('uq_order_coupons', ['order_id', 'coupon_id']), index('ix_order_coupons_template', ['template_id', 'store_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'points_exchanges',
        columns: [id(), ref('brand_id'), ref('member_id'), ref('template_id'), ref('coupon_id'), integer('points'), text('request_id', 64), time('created_at')],
        indices: [unique('uq_points_exchanges_request', ['member_id', 'request_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'coupon_reminders',
        columns: [
          id(),
          ref('brand_id'),
          ref('member_id'),
          /** The business day the reminder is for: one per member and day. */
          day('remind_date'),
          { name: 'coupons', type: 'int' },
          /** The earliest last day among the coupons it is about. */
          day('first_valid_to'),
          /** Set by the messaging job once the member was told. */
          time('sent_at', true),
          time('created_at'),
        ],
        indices: [unique('uq_coupon_reminders', ['member_id', 'remind_date'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'gift_settings',
        columns: [{ ...ref('brand_id'), isPrimary: true }, { name: 'settings', type: 'text' }, { name: 'version', type: 'int' }, time('updated_at'), ref('updated_by', true)],
      }),
    );
    await q.addColumns('orders', [new TableColumn(integer('coupon_discount_fen'))]);
    // How many coupons a refund gave back (the one that completes a full refund), for its replay.
    await q.addColumns('order_refunds', [new TableColumn(integer('coupons_returned'))]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('order_refunds', 'coupons_returned');
    await q.dropColumn('orders', 'coupon_discount_fen');
    for (const table of ['gift_settings', 'coupon_reminders', 'points_exchanges', 'order_coupons', 'coupons', 'coupon_holdings', 'coupon_templates']) await q.dropTable(table);
  }
}
