import { RECHARGE_PACKAGE_STATUSES, type RechargePackageStatus } from '@wemember/shared';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DATETIME, safeInteger } from '../database/columns';

const money = (name: string) => ({ name, type: 'bigint', default: 0, transformer: safeInteger }) as const;

/**
 * What the brand sells (充500送50): the member pays `payFen` with WeChat Pay and receives it as
 * principal, plus `bonusFen` as bonus. Editing a package reaches only orders created afterwards (an
 * order copies the amounts). The per-member limit is counted in recharge_holdings, never by
 * counting orders (RechargePackages.claim).
 */
@Entity('recharge_packages')
export class RechargePackage {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'brand_id', type: 'varchar', length: 36 })
  brandId: string;

  @Column({ type: 'varchar', length: 40 })
  name: string;

  @Column(money('pay_fen'))
  payFen: number;

  @Column(money('bonus_fen'))
  bonusFen: number;

  /** Business days (Asia/Shanghai), inclusive; null = open-ended. */
  @Column({ name: 'valid_from', type: 'varchar', length: 10, nullable: true })
  validFrom: string | null;

  @Column({ name: 'valid_to', type: 'varchar', length: 10, nullable: true })
  validTo: string | null;

  /** Null = unlimited. */
  @Column({ name: 'per_member_limit', type: 'int', nullable: true })
  perMemberLimit: number | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  description: string | null;

  @Column({ type: 'simple-enum', enum: RECHARGE_PACKAGE_STATUSES })
  status: RechargePackageStatus;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', ...DATETIME })
  createdAt: Date;

  @Column({ name: 'updated_at', ...DATETIME })
  updatedAt: Date;
}

export const WALLET_ENTITIES = [RechargePackage];
