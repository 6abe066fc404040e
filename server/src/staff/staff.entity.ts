import type { StaffRole } from '@wemember/shared';
import { STAFF_ROLES } from '@wemember/shared';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DATETIME } from '../database/columns';

@Entity('staff')
export class Staff {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'brand_id', type: 'varchar', length: 36 })
  brandId: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  username: string;

  /** scrypt$N$r$p$salt$hash — never the password, never logged. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ name: 'display_name', type: 'varchar', length: 64 })
  displayName: string;

  @Column({ type: 'simple-enum', enum: STAFF_ROLES })
  role: StaffRole;

  @Column({ name: 'store_id', type: 'varchar', length: 36, nullable: true })
  storeId: string | null;

  @Column({ name: 'region_id', type: 'varchar', length: 36, nullable: true })
  regionId: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'created_at', ...DATETIME })
  createdAt: Date;
}
