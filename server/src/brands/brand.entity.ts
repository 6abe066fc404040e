import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DATETIME } from '../database/columns';

/** A retail chain. Its mini-program's appid identifies it on every WeChat login. */
@Entity('brands')
export class Brand {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ name: 'wechat_appid', type: 'varchar', length: 32, unique: true })
  wechatAppid: string;

  @Column({ name: 'created_at', ...DATETIME })
  createdAt: Date;
}
