import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { day, id, integer, ref, text, time } from './columns';

/**
 * Birthdays, member days and telling members what happened (issue 12):
 * - notifications: the outbox. A row is written in the same unit of work as the event it tells of,
 *   unique per (brand, dedupe_key) so an event retried or a job run twice tells the member once;
 *   the sender moves it from pending to its outcome and keeps every attempt's result on it;
 * - subscribe_credits: per member and mini-program template, +1 per accept, −1 per send (a checked
 *   conditional UPDATE), 0 after a 43101;
 * - message_prefs: a member's switched-off kinds (absent = on);
 * - message_settings: each brand's templates, quiet hours and daily cap, versioned like gift_settings;
 * - oa_followers: the official account's followers, linked to members by unionid, with the store
 *   whose code they followed through;
 * - oa_push_events: the pushes processed, keyed as WeChat retries them, so a retried push counts once;
 * - birthday_gifts: one row per member and year — the key that makes the birthday gift once a year;
 * - birthday_bonus_claims: the purchase that took the once-a-month birthday bonus, one per member and year.
 */
export class Messages1796688000000 implements MigrationInterface {
  name = 'Messages1796688000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'notifications',
        columns: [
          id(),
          ref('brand_id'),
          ref('member_id'),
          text('kind', 24),
          text('dedupe_key', 160),
          text('payload', 2000),
          text('status', 16),
          text('channel', 24, true),
          text('template_id', 64, true),
          text('data', 2000, true),
          { name: 'attempts', type: 'int', default: 0 },
          { name: 'last_errcode', type: 'int', isNullable: true },
          text('last_error', 255, true),
          text('wechat_msgid', 32, true),
          text('finish_status', 32, true),
          time('not_before'),
          time('created_at'),
          time('updated_at'),
          time('sent_at', true),
        ],
        indices: [
          new TableIndex({ name: 'uq_notifications_key', columnNames: ['brand_id', 'dedupe_key'], isUnique: true }),
          new TableIndex({ name: 'ix_notifications_due', columnNames: ['status', 'not_before'] }),
          new TableIndex({ name: 'ix_notifications_member', columnNames: ['member_id', 'created_at'] }),
          new TableIndex({ name: 'ix_notifications_msgid', columnNames: ['wechat_msgid'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'subscribe_credits',
        columns: [{ ...ref('member_id'), isPrimary: true }, { ...text('template_id', 64), isPrimary: true }, integer('credits'), time('updated_at')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'message_prefs',
        columns: [{ ...ref('member_id'), isPrimary: true }, { ...text('kind', 24), isPrimary: true }, { name: 'enabled', type: 'boolean' }, time('updated_at')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'message_settings',
        columns: [{ ...ref('brand_id'), isPrimary: true }, { name: 'settings', type: 'text' }, { name: 'version', type: 'int' }, time('updated_at'), ref('updated_by', true)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'oa_followers',
        columns: [
          { ...text('appid', 32), isPrimary: true },
          { ...text('openid', 64), isPrimary: true },
          text('unionid', 64, true),
          { name: 'following', type: 'boolean', default: false },
          ref('store_id', true),
          text('scene', 64, true),
          time('subscribed_at', true),
          time('unsubscribed_at', true),
          time('updated_at'),
        ],
        indices: [new TableIndex({ name: 'ix_oa_followers_unionid', columnNames: ['unionid'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'oa_push_events',
        columns: [{ ...text('dedupe_key', 191), isPrimary: true }, text('event', 32), time('received_at')],
        indices: [new TableIndex({ name: 'ix_oa_push_events_received', columnNames: ['received_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'birthday_gifts',
        columns: [{ ...ref('member_id'), isPrimary: true }, { name: 'year', type: 'int', isPrimary: true }, ref('brand_id'), text('tier', 16), day('birthday'), time('granted_at')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'birthday_bonus_claims',
        columns: [{ ...ref('member_id'), isPrimary: true }, { name: 'year', type: 'int', isPrimary: true }, ref('order_id'), time('claimed_at')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['birthday_bonus_claims', 'birthday_gifts', 'oa_push_events', 'oa_followers', 'message_settings', 'message_prefs', 'subscribe_credits', 'notifications']) {
      await q.dropTable(table);
    }
  }
}
