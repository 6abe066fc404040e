import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DATETIME } from '../database/columns';

/**
 * A WeChat user of one app (mini-program or official account). Linked to a member once they join;
 * keeps the first store code they arrived through until then.
 */
@Entity('wechat_identities')
export class WechatIdentity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'brand_id', type: 'varchar', length: 36 })
  brandId: string;

  @Column({ type: 'varchar', length: 32 })
  appid: string;

  @Column({ type: 'varchar', length: 64 })
  openid: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  unionid: string | null;

  @Column({ name: 'member_id', type: 'varchar', length: 36, nullable: true })
  memberId: string | null;

  /** AES-GCM ciphertext of the latest session_key. It never leaves the server. */
  @Column({ name: 'session_key_cipher', type: 'varchar', length: 255, nullable: true })
  sessionKeyCipher: string | null;

  @Column({ name: 'first_scene', type: 'varchar', length: 32, nullable: true })
  firstScene: string | null;

  @Column({ name: 'first_seen_at', ...DATETIME })
  firstSeenAt: Date;

  @Column({ name: 'last_login_at', ...DATETIME })
  lastLoginAt: Date;
}
