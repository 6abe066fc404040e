import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DATETIME } from '../database/columns';

@Entity('stores')
export class Store {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'brand_id', type: 'varchar', length: 36 })
  brandId: string;

  @Column({ name: 'region_id', type: 'varchar', length: 36 })
  regionId: string;

  /** The chain's own store number, e.g. "HZ001". */
  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  /** What a member reads on 我的门店; null until HQ fills it in. */
  @Column({ type: 'varchar', length: 200, nullable: true, default: null })
  address: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true, default: null })
  phone: string | null;

  /** e.g. "周一至周日 08:00–22:00". */
  @Column({ type: 'varchar', length: 64, nullable: true, default: null })
  hours: string | null;

  @Column({ name: 'created_at', ...DATETIME })
  createdAt: Date;
}
