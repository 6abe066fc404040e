import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { day, ref } from './columns';

/**
 * The nightly RFM scoring writes only the rows whose result can have changed (issue 13: ≤ 10 s for
 * 1M members), instead of every row of the brand:
 * - indexes on each input, brand first: (last_purchase_on), (purchases_12m, last_purchase_on),
 *   (spend_12m_fen, last_purchase_on), so the cut points are read from an index alone, the rows
 *   between last night's cut points and tonight's (or last night's stage cutoff dates and
 *   tonight's) are found by range, and so are the rows the till's purchases moved since the last
 *   night (their last purchase date is at least that night's). The rows refunds moved come from
 *   order_refunds, the rows whose staged month leaves from member_months. No flag on the row:
 *   every index the till's statements must keep costs each purchase, and the night, a write.
 * - (brand, stage_since) dropped: the night finds the stages it changed among the rows it just
 *   wrote, by their ids, and each stage change no longer moves an entry of it.
 * - rfm_runs.basis: the cut points and settings a night scored with (JSON), which the next night
 *   compares with its own. No basis (the first night, a run before this migration) or other
 *   settings: every row is scored, as before.
 * - rfm_started: the last night each brand's scoring began. A night that began after the last one
 *   that finished did not finish (a crash): it may have scored rows with cut points no night
 *   recorded, so the next night scores every row.
 */
export class RfmTargeted1797379200000 implements MigrationInterface {
  name = 'RfmTargeted1797379200000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('rfm_runs', new TableColumn({ name: 'basis', type: 'text', isNullable: true }));
    for (const index of INDEXES) await q.createIndex('member_rfm', index);
    await q.dropIndex('member_rfm', 'ix_member_rfm_stage_since');
    await q.createTable(new Table({ name: 'rfm_started', columns: [{ ...ref('brand_id'), isPrimary: true }, day('run_on')] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('rfm_started');
    await q.createIndex('member_rfm', new TableIndex({ name: 'ix_member_rfm_stage_since', columnNames: ['brand_id', 'stage_since', 'member_id'] }));
    for (const index of INDEXES) await q.dropIndex('member_rfm', index.name!);
    await q.dropColumn('rfm_runs', 'basis');
  }
}

const INDEXES = [
  new TableIndex({ name: 'ix_member_rfm_last', columnNames: ['brand_id', 'last_purchase_on'] }),
  new TableIndex({ name: 'ix_member_rfm_f', columnNames: ['brand_id', 'purchases_12m', 'last_purchase_on'] }),
  new TableIndex({ name: 'ix_member_rfm_m', columnNames: ['brand_id', 'spend_12m_fen', 'last_purchase_on'] }),
];
