import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { day, id, integer, ref, text, time } from './columns';

/**
 * Daily check-in (issue 12):
 * - checkins: one row per member and Shanghai business day; the unique (member_id, day) index is
 *   what makes it one a day, whatever races. streak is the day's streak, points what it earned,
 *   rewards the ladder step's view (JSON) for the day's replay;
 * - checkin_settings: each brand's rules, versioned like gift_settings.
 */
export class Checkin1796601600000 implements MigrationInterface {
  name = 'Checkin1796601600000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'checkins',
        columns: [id(), ref('brand_id'), ref('member_id'), day('day'), { name: 'streak', type: 'int' }, integer('points'), text('rewards', 2000), time('created_at')],
        indices: [new TableIndex({ name: 'uq_checkins_member_day', columnNames: ['member_id', 'day'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'checkin_settings',
        columns: [{ ...ref('brand_id'), isPrimary: true }, { name: 'settings', type: 'text' }, { name: 'version', type: 'int' }, time('updated_at'), ref('updated_by', true)],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['checkin_settings', 'checkins']) await q.dropTable(table);
  }
}
