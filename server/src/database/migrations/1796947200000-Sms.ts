import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { text, time } from './columns';

/**
 * The SMS channel (issue 13): numbers that replied an opt-out word (TD, 退订, R…) to one of the
 * brand's SMS. Keyed by the phone's keyed hash (the same as members.phone_hash), so the number
 * itself is not stored again and a second callback for it changes nothing.
 */
export class Sms1796947200000 implements MigrationInterface {
  name = 'Sms1796947200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'sms_opt_outs',
        columns: [
          { ...text('phone_hash', 64), isPrimary: true },
          text('reply_text', 100),
          text('sign_name', 40, true),
          time('replied_at'),
          time('created_at'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('sms_opt_outs');
  }
}
