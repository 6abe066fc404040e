import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Make-up check-in (补签, issue 12): a made-up day is a check-in row like any other — the unique
 * (member_id, day) index still makes it one a day — marked `made_up`, so the calendar can show it
 * and each month's allowance can be counted.
 */
export class CheckinMakeUp1796774400000 implements MigrationInterface {
  name = 'CheckinMakeUp1796774400000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('checkins', new TableColumn({ name: 'made_up', type: 'boolean', default: false }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('checkins', 'made_up');
  }
}
