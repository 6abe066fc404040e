import type { Gender, MemberStatus, TierCode } from '@wemember/shared';
import { GENDERS, MEMBER_STATUSES, TIER_CODES } from '@wemember/shared';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DATETIME, safeInteger } from '../database/columns';

/** A phone number within a brand: the membership card. */
@Entity('members')
export class Member {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'brand_id', type: 'varchar', length: 36 })
  brandId: string;

  @Column({ name: 'member_no', type: 'varchar', length: 10 })
  memberNo: string;

  /** HMAC-SHA256 of the phone number: the lookup index. Unique per brand. */
  @Column({ name: 'phone_hash', type: 'varchar', length: 64 })
  phoneHash: string;

  /** AES-256-GCM ciphertext of the phone number. */
  @Column({ name: 'phone_cipher', type: 'varchar', length: 255 })
  phoneCipher: string;

  @Column({ name: 'phone_masked', type: 'varchar', length: 16 })
  phoneMasked: string;

  @Column({ type: 'simple-enum', enum: TIER_CODES, default: 'normal' })
  tier: TierCode;

  @Column({ name: 'balance_fen', type: 'bigint', default: 0, transformer: safeInteger })
  balanceFen: number;

  @Column({ type: 'bigint', default: 0, transformer: safeInteger })
  growth: number;

  /** YYYY-MM-DD, set once by the member. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  birthday: string | null;

  @Column({ type: 'simple-enum', enum: MEMBER_STATUSES, default: 'active' })
  status: MemberStatus;

  /** First-touch attribution: the store, staff and channel of the code the member joined through. */
  @Column({ name: 'join_store_id', type: 'varchar', length: 36, nullable: true })
  joinStoreId: string | null;

  @Column({ name: 'join_staff_id', type: 'varchar', length: 36, nullable: true })
  joinStaffId: string | null;

  @Column({ name: 'join_channel', type: 'varchar', length: 32, nullable: true })
  joinChannel: string | null;

  @Column({ name: 'join_scene', type: 'varchar', length: 32, nullable: true })
  joinScene: string | null;

  @Column({ name: 'joined_at', ...DATETIME })
  joinedAt: Date;

  @Column({ type: 'varchar', length: 40, nullable: true, default: null })
  nickname: string | null;

  /** The current avatar's file name in member_avatars. */
  @Column({ name: 'avatar_file', type: 'varchar', length: 64, nullable: true, default: null })
  avatarFile: string | null;

  @Column({ type: 'simple-enum', enum: GENDERS, default: 'unknown' })
  gender: Gender;

  /** May the brand send offers? Off until the member turns it on; when they last changed it. */
  @Column({ name: 'marketing_consent', type: 'boolean', default: false })
  marketingConsent: boolean;

  @Column({ name: 'marketing_consent_at', ...DATETIME, nullable: true, default: null })
  marketingConsentAt: Date | null;

  /** When the member closed the card (注销); the row then keeps only what accounting needs. */
  @Column({ name: 'closed_at', ...DATETIME, nullable: true, default: null })
  closedAt: Date | null;
}
