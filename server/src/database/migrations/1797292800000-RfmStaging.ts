import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { integer, ref, text } from './columns';

/**
 * RFM's month shift staged ahead (issue 13: the night of the 1st within the nightly budget):
 * - member_rfm.pending_month, pending_purchases, pending_spend_fen: what the row will subtract when
 *   its window moves past pending_month — the sums of member_months from window_start_month to
 *   pending_month, copied onto the row on the nights before that month leaves the 12 months and
 *   kept right by refunds. The night a month leaves, the scoring reads F and M net of it and
 *   applies it in the same UPDATE that writes the scores (rfm-scoring.ts).
 * - rfm_runs.staged_month, staged_upto: how far the nights have staged the month that leaves next
 *   (its member_months rows up to that member id; NULL: all of them), so the next night goes on from there.
 */
export class RfmStaging1797292800000 implements MigrationInterface {
  name = 'RfmStaging1797292800000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('member_rfm', [new TableColumn(text('pending_month', 7, true)), new TableColumn(integer('pending_purchases')), new TableColumn(integer('pending_spend_fen'))]);
    await q.addColumns('rfm_runs', [new TableColumn(text('staged_month', 7, true)), new TableColumn(ref('staged_upto', true))]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of ['staged_upto', 'staged_month']) await q.dropColumn('rfm_runs', column);
    for (const column of ['pending_spend_fen', 'pending_purchases', 'pending_month']) await q.dropColumn('member_rfm', column);
  }
}
