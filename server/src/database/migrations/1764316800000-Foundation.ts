import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { flag, id, integer, ref, text, time } from './columns';

/** Brands, regions, stores and their codes, staff, members and WeChat identities. */
export class Foundation1764316800000 implements MigrationInterface {
  name = 'Foundation1764316800000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'brands',
        columns: [id(), text('name', 64), text('wechat_appid', 32), time('created_at')],
        indices: [new TableIndex({ name: 'uq_brands_appid', columnNames: ['wechat_appid'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'regions',
        columns: [id(), ref('brand_id'), text('name', 64)],
        indices: [new TableIndex({ name: 'ix_regions_brand', columnNames: ['brand_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'stores',
        columns: [id(), ref('brand_id'), ref('region_id'), text('code', 32), text('name', 64), time('created_at')],
        indices: [
          new TableIndex({ name: 'uq_stores_brand_code', columnNames: ['brand_id', 'code'], isUnique: true }),
          new TableIndex({ name: 'ix_stores_region', columnNames: ['region_id'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'store_scenes',
        columns: [
          { ...text('scene', 32), isPrimary: true },
          ref('brand_id'),
          ref('store_id'),
          ref('staff_id', true),
          text('channel', 32),
          flag('active'),
          time('created_at'),
        ],
        indices: [new TableIndex({ name: 'ix_store_scenes_store', columnNames: ['store_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'staff',
        columns: [
          id(),
          ref('brand_id'),
          text('username', 64),
          text('password_hash', 255),
          text('display_name', 64),
          text('role', 32),
          ref('store_id', true),
          ref('region_id', true),
          flag('active'),
          time('created_at'),
        ],
        indices: [new TableIndex({ name: 'uq_staff_username', columnNames: ['username'], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'members',
        columns: [
          id(),
          ref('brand_id'),
          text('member_no', 10),
          text('phone_hash', 64),
          text('phone_cipher', 255),
          text('phone_masked', 16),
          { ...text('tier', 16), default: "'normal'" },
          integer('points'),
          integer('balance_fen'),
          integer('growth'),
          { ...text('status', 16), default: "'active'" },
          ref('join_store_id', true),
          ref('join_staff_id', true),
          text('join_channel', 32, true),
          text('join_scene', 32, true),
          time('joined_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_members_brand_phone', columnNames: ['brand_id', 'phone_hash'], isUnique: true }),
          new TableIndex({ name: 'uq_members_brand_no', columnNames: ['brand_id', 'member_no'], isUnique: true }),
          new TableIndex({ name: 'ix_members_join_store', columnNames: ['join_store_id'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'wechat_identities',
        columns: [
          id(),
          ref('brand_id'),
          text('appid', 32),
          text('openid', 64),
          text('unionid', 64, true),
          ref('member_id', true),
          text('session_key_cipher', 255, true),
          text('first_scene', 32, true),
          time('first_seen_at'),
          time('last_login_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_wechat_identities_openid', columnNames: ['appid', 'openid'], isUnique: true }),
          new TableIndex({ name: 'ix_wechat_identities_member', columnNames: ['member_id'] }),
          new TableIndex({ name: 'ix_wechat_identities_unionid', columnNames: ['unionid'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['wechat_identities', 'members', 'staff', 'store_scenes', 'stores', 'regions', 'brands']) {
      await q.dropTable(table);
    }
  }
}
