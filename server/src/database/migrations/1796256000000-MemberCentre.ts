import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { id, ref, text, time } from './columns';

const unique = (name: string, columnNames: string[]) => new TableIndex({ name, columnNames, isUnique: true });

/**
 * The member centre (issue 9): the profile columns of a member (nickname, avatar, gender, offers
 * consent), the consent a shopper gives to each version of 会员协议 and 隐私政策 when joining (once
 * per member, kind and version), the avatar images themselves under a random file name, and a
 * store's address, phone and opening hours for its members.
 */
export class MemberCentre1796256000000 implements MigrationInterface {
  name = 'MemberCentre1796256000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('members', [
      new TableColumn(text('nickname', 40, true)),
      /** The file name of the current avatar in member_avatars; null until the member sets one. */
      new TableColumn(text('avatar_file', 64, true)),
      new TableColumn({ name: 'gender', type: 'varchar', length: '16', default: "'unknown'" }),
      new TableColumn({ name: 'marketing_consent', type: 'boolean', default: false }),
      new TableColumn(time('marketing_consent_at', true)),
      new TableColumn(time('closed_at', true)),
    ]);
    await q.addColumns('stores', [new TableColumn(text('address', 200, true)), new TableColumn(text('phone', 32, true)), new TableColumn(text('hours', 64, true))]);
    await q.createTable(
      new Table({
        name: 'member_consents',
        columns: [
          id(),
          ref('brand_id'),
          ref('member_id'),
          /** membership (会员协议) or privacy (隐私政策). */
          text('kind', 16),
          text('version', 32),
          /** The WeChat identity that ticked the box. */
          ref('identity_id'),
          time('accepted_at'),
        ],
        indices: [unique('uq_member_consents_version', ['member_id', 'kind', 'version'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'member_avatars',
        columns: [
          id(),
          ref('brand_id'),
          ref('member_id'),
          /** Random and unguessable: the avatar's public address. */
          text('file', 64),
          text('content_type', 16),
          { name: 'bytes', type: q.connection.options.type === 'mysql' ? 'mediumblob' : 'blob' },
          time('created_at'),
        ],
        indices: [unique('uq_member_avatars_file', ['file']), new TableIndex({ name: 'ix_member_avatars_member', columnNames: ['member_id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('member_avatars');
    await q.dropTable('member_consents');
    await q.dropColumns('stores', ['address', 'phone', 'hours']);
    await q.dropColumns('members', ['nickname', 'avatar_file', 'gender', 'marketing_consent', 'marketing_consent_at', 'closed_at']);
  }
}
