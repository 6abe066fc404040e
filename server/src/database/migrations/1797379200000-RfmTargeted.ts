import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { day, flag, ref } from './columns';

/**
 * The nightly RFM scoring writes only the rows whose result can have changed (issue 13: ≤ 10 s for
 * 1M members), instead of every row of the brand:
 * - member_rfm.rfm_dirty: set by every write of the row's inputs (a purchase, a refund, a rebuild;
 *   a new row is born dirty) and cleared by the night that scores it: the rows the till moved since.
 * - indexes on each input, brand first: (last_purchase_on), (purchases_12m, last_purchase_on),
 *   (spend_12m_fen, last_purchase_on), so the cut points are read from an index alone and the rows
 *   between last night's cut points and tonight's (or last night's stage cutoff dates and
 *   tonight's) are found by range; (rfm_dirty) the rows the till moved. (The rows whose staged
 *   month leaves are found through member_months, as the staging found them.)
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
    await q.addColumn('member_rfm', new TableColumn(flag('rfm_dirty')));
    await q.addColumn('rfm_runs', new TableColumn({ name: 'basis', type: 'text', isNullable: true }));
    for (const index of INDEXES) await q.createIndex('member_rfm', index);
    await q.createTable(new Table({ name: 'rfm_started', columns: [{ ...ref('brand_id'), isPrimary: true }, day('run_on')] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('rfm_started');
    for (const index of INDEXES) await q.dropIndex('member_rfm', index.name!);
    await q.dropColumn('rfm_runs', 'basis');
    await q.dropColumn('member_rfm', 'rfm_dirty');
  }
}

const INDEXES = [
  new TableIndex({ name: 'ix_member_rfm_dirty', columnNames: ['brand_id', 'rfm_dirty'] }),
  new TableIndex({ name: 'ix_member_rfm_last', columnNames: ['brand_id', 'last_purchase_on'] }),
  new TableIndex({ name: 'ix_member_rfm_f', columnNames: ['brand_id', 'purchases_12m', 'last_purchase_on'] }),
  new TableIndex({ name: 'ix_member_rfm_m', columnNames: ['brand_id', 'spend_12m_fen', 'last_purchase_on'] }),
];
