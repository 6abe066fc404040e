import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { id, ref, text, time } from './columns';

/**
 * Audiences (issue 13):
 * - segments: a brand's saved filters (the JSON of shared's segmentFilterSchema), versioned so two
 *   marketers saving at once cannot overwrite each other. A segment is the filter, not a member
 *   list: a campaign materialises it when it runs.
 * - indexes for the live count and the keyset pages over a brand's active cards: members by
 *   (brand, status, id) — the criteria are then probes by member id into member_rfm (its primary
 *   key), ledger_accounts, coupons, subscribe_credits and wechat_identities, each already indexed by
 *   member — and member_rfm by (brand, stage) for the commonest audience, a stage.
 */
export class Segments1797033600000 implements MigrationInterface {
  name = 'Segments1797033600000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'segments',
        columns: [
          id(),
          ref('brand_id'),
          text('name', 40),
          { name: 'filter', type: 'text' },
          { name: 'version', type: 'int' },
          ref('created_by'),
          time('created_at'),
          time('updated_at'),
          ref('updated_by', true),
        ],
        indices: [new TableIndex({ name: 'ix_segments_brand', columnNames: ['brand_id', 'created_at'] })],
      }),
    );
    await q.createIndex('members', new TableIndex({ name: 'ix_members_brand_status', columnNames: ['brand_id', 'status', 'id'] }));
    await q.createIndex('member_rfm', new TableIndex({ name: 'ix_member_rfm_brand_stage', columnNames: ['brand_id', 'stage', 'member_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('member_rfm', 'ix_member_rfm_brand_stage');
    await q.dropIndex('members', 'ix_members_brand_status');
    await q.dropTable('segments');
  }
}
