import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('regions')
export class Region {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'brand_id', type: 'varchar', length: 36 })
  brandId: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;
}
