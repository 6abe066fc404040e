import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { id, integer, ref, text, time } from './columns';

const unique = (name: string, columnNames: string[]) => new TableIndex({ name, columnNames, isUnique: true });

/**
 * Campaigns (issue 13, docs/campaigns.md):
 * - campaigns: the marketer's definition (segment, actions and schedule as JSON), versioned while a
 *   draft; its status; the coupon budget spent with a conditional UPDATE `spent + n <= max`; the
 *   next run's due time, which the schedule check claims.
 * - campaign_runs: one row per (campaign, run_no) — unique, so a run due once starts once however
 *   many instances check — with the keyset cursor of the last batch done and when it last moved.
 * - campaign_members: the materialised audience of a run and each member's arm (treated or
 *   holdout), unique per (campaign, run, member): what progress and results count.
 */
export class Campaigns1797120000000 implements MigrationInterface {
  name = 'Campaigns1797120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'campaigns',
        columns: [
          id(),
          ref('brand_id'),
          text('name', 40),
          ref('segment_id'),
          { name: 'actions', type: 'text' },
          { name: 'schedule', type: 'text' },
          { name: 'holdout_percent', type: 'int' },
          { name: 'max_coupons', type: 'bigint', isNullable: true },
          integer('coupons_spent'),
          text('status', 16),
          text('paused_reason', 255, true),
          time('next_run_at', true),
          { name: 'version', type: 'int' },
          ref('created_by'),
          time('created_at'),
          time('updated_at'),
          ref('updated_by', true),
        ],
        indices: [new TableIndex({ name: 'ix_campaigns_brand', columnNames: ['brand_id', 'created_at'] }), new TableIndex({ name: 'ix_campaigns_due', columnNames: ['status', 'next_run_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'campaign_runs',
        columns: [
          ref('campaign_id'),
          { name: 'run_no', type: 'int' },
          text('status', 16),
          ref('cursor_member_id', true),
          time('started_at'),
          /** When the cursor last moved (or the run started or resumed): a run that stops moving is re-queued. */
          time('moved_at'),
          time('finished_at', true),
        ],
        indices: [unique('uq_campaign_runs', ['campaign_id', 'run_no'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'campaign_members',
        columns: [ref('campaign_id'), { name: 'run_no', type: 'int' }, ref('member_id'), text('arm', 8), time('created_at')],
        indices: [unique('uq_campaign_members', ['campaign_id', 'run_no', 'member_id']), new TableIndex({ name: 'ix_campaign_members_member', columnNames: ['member_id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('campaign_members');
    await q.dropTable('campaign_runs');
    await q.dropTable('campaigns');
  }
}
