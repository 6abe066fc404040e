import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { day, integer, ref, text, time } from './columns';

/**
 * RFM (issue 13), so the nightly scoring grows with members, not orders:
 * - member_rfm: each member's R/F/M inputs on one row, moved by purchases and refunds in their own
 *   transactions. purchases_12m and spend_12m_fen always equal the sums of member_months from
 *   window_start_month on; the nightly job moves window_start_month past each month that leaves
 *   the 12 months, subtracting it (compared and set in one conditional UPDATE, so a run twice
 *   shifts once) — only for members who bought in that month: for the others the older start
 *   sums the same, and their rows are not touched. last_purchase_on is the business date of the
 *   last purchase not refunded in full. joined_at is the member's, copied so the stage needs no join. The scores, class and stage are
 *   last night's (the night is in rfm_runs: a row whose scores did not change is not written, which
 *   keeps the nightly UPDATE cheap); stage_since is when the stage last changed, previous_stage what
 *   it was before (the night's history is written from the rows whose stage_since is that night).
 * - member_stage_changes: one row per member and day the stage changed (from, to), unique per
 *   member and day, so "moved from active to recently lapsed this week" is a query.
 * - rfm_settings: each brand's stage thresholds, versioned like gift_settings.
 * - rfm_runs: one row per brand and date once that night's scoring finished: a repeated run answers
 *   from it and scores nothing again.
 *
 * member_months.purchases now counts purchases net of those refunded in full (a full refund takes
 * the purchase back out of F); the orders refunded in full before this are taken out here.
 */
export class Rfm1796860800000 implements MigrationInterface {
  name = 'Rfm1796860800000';

  async up(q: QueryRunner): Promise<void> {
    const score = (name: string) => ({ name, type: 'int', isNullable: true });
    await q.createTable(
      new Table({
        name: 'member_rfm',
        columns: [
          { ...ref('member_id'), isPrimary: true },
          ref('brand_id'),
          time('joined_at'),
          { ...text('window_start_month', 7) },
          integer('purchases_12m'),
          integer('spend_12m_fen'),
          { ...day('last_purchase_on'), isNullable: true },
          score('r_score'),
          score('f_score'),
          score('m_score'),
          text('rfm_class', 1, true),
          text('stage', 16, true),
          text('previous_stage', 16, true),
          { ...day('stage_since'), isNullable: true },
        ],
        // (brand) for the scoring's batches, (brand, stage_since) for the night's stage changes.
        indices: [
          new TableIndex({ name: 'ix_member_rfm_brand', columnNames: ['brand_id', 'member_id'] }),
          new TableIndex({ name: 'ix_member_rfm_stage_since', columnNames: ['brand_id', 'stage_since', 'member_id'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'member_stage_changes',
        columns: [
          { ...ref('member_id'), isPrimary: true },
          { ...day('changed_on'), isPrimary: true },
          ref('brand_id'),
          text('from_stage', 16),
          text('to_stage', 16),
        ],
        indices: [new TableIndex({ name: 'ix_member_stage_changes_brand', columnNames: ['brand_id', 'changed_on'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'rfm_settings',
        columns: [{ ...ref('brand_id'), isPrimary: true }, { name: 'settings', type: 'text' }, { name: 'version', type: 'int' }, time('updated_at'), ref('updated_by', true)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'rfm_runs',
        columns: [{ ...ref('brand_id'), isPrimary: true }, { ...day('run_on'), isPrimary: true }, integer('members'), integer('stage_changes'), time('finished_at')],
      }),
    );
    // The nightly job adds rows for the members who joined since the last night, found by this.
    await q.createIndex('members', new TableIndex({ name: 'ix_members_brand_joined', columnNames: ['brand_id', 'joined_at'] }));
    await q.query(
      `UPDATE member_months SET purchases = purchases - (SELECT COUNT(*) FROM orders o WHERE o.member_id = member_months.member_id AND o.status = 'refunded' AND SUBSTR(o.business_date, 1, 7) = member_months.month)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE member_months SET purchases = purchases + (SELECT COUNT(*) FROM orders o WHERE o.member_id = member_months.member_id AND o.status = 'refunded' AND SUBSTR(o.business_date, 1, 7) = member_months.month)`,
    );
    await q.dropIndex('members', 'ix_members_brand_joined');
    for (const table of ['rfm_runs', 'rfm_settings', 'member_stage_changes', 'member_rfm']) await q.dropTable(table);
  }
}
