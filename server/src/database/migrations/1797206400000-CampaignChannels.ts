import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Campaigns, continued (issue 13, docs/campaigns.md):
 * - campaigns.frequency_cap_days: a member another campaign treated within this many days is left
 *   out of a run (recorded in campaign_members with arm 'capped'); null = no cap.
 * - campaign_members by (member_id, created_at): the cap's look-up of a member's recent campaigns.
 */
export class CampaignChannels1797206400000 implements MigrationInterface {
  name = 'CampaignChannels1797206400000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('campaigns', new TableColumn({ name: 'frequency_cap_days', type: 'int', isNullable: true }));
    await q.createIndex('campaign_members', new TableIndex({ name: 'ix_campaign_members_recent', columnNames: ['member_id', 'created_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('campaign_members', 'ix_campaign_members_recent');
    await q.dropColumn('campaigns', 'frequency_cap_days');
  }
}
