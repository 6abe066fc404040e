import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DATETIME } from '../database/columns';

/**
 * The `scene` of a store's mini-program code. WeChat allows 32 characters, so the scene is a short
 * random token that maps to store + staff + channel here.
 */
@Entity('store_scenes')
export class StoreScene {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  scene: string;

  @Column({ name: 'brand_id', type: 'varchar', length: 36 })
  brandId: string;

  @Column({ name: 'store_id', type: 'varchar', length: 36 })
  storeId: string;

  @Column({ name: 'staff_id', type: 'varchar', length: 36, nullable: true })
  staffId: string | null;

  /** Where the code hangs: 'counter', 'staff', 'poster', 'receipt'… */
  @Column({ type: 'varchar', length: 32 })
  channel: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'created_at', ...DATETIME })
  createdAt: Date;
}
