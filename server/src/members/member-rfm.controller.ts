import { Controller, Injectable, Param } from '@nestjs/common';
import { LIFECYCLE_STAGE_NAMES, type LifecycleStage, type MemberRfm, type RfmClass } from '@wemember/shared';
import { AccessPolicy } from '../access/access-policy';
import { CurrentStaff } from '../access/actor.decorators';
import type { StaffActor } from '../access/actors';
import { Route } from '../access/route.decorator';
import { DomainError } from '../common/domain-error';
import { toInt } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { StoresRepository } from '../stores/stores.repository';
import { MembersRepository } from './members.repository';

interface RfmRow {
  purchases_12m: unknown;
  spend_12m_fen: unknown;
  last_purchase_on: string | null;
  r_score: unknown;
  f_score: unknown;
  m_score: unknown;
  rfm_class: RfmClass | null;
  stage: LifecycleStage | null;
  stage_since: string | null;
}

const STAGE_CHANGES_SHOWN = 10;

/** A member's RFM for staff who may see the member (their store's, region's or the brand's). */
@Injectable()
export class MemberRfmView {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly members: MembersRepository,
    private readonly stores: StoresRepository,
    private readonly policy: AccessPolicy,
  ) {}

  async view(actor: StaffActor, memberId: string): Promise<MemberRfm> {
    const member = await this.members.byId(actor.brandId, memberId);
    if (!member) throw new DomainError('MEMBER_NOT_FOUND');
    const home = member.joinStoreId ? await this.stores.store(member.joinStoreId) : null;
    if (!this.policy.mayViewMember(actor, member, home)) throw new DomainError('OTHER_STORE', '该会员属于其他门店，请到所属门店或联系总部查看');
    const reader = this.uow.reader;
    const [[row], changes, [run]] = (await Promise.all([
      reader.query('SELECT purchases_12m, spend_12m_fen, last_purchase_on, r_score, f_score, m_score, rfm_class, stage, stage_since FROM member_rfm WHERE member_id = ?', [member.id]),
      reader.query(`SELECT changed_on, from_stage, to_stage FROM member_stage_changes WHERE member_id = ? ORDER BY changed_on DESC LIMIT ${STAGE_CHANGES_SHOWN}`, [member.id]),
      reader.query('SELECT MAX(run_on) AS run_on FROM rfm_runs WHERE brand_id = ?', [actor.brandId]),
    ])) as [RfmRow[], { changed_on: string; from_stage: LifecycleStage; to_stage: LifecycleStage }[], { run_on: string | null }[]];
    const score = (value: unknown) => (value === null || value === undefined ? null : toInt(value));
    return {
      memberId: member.id,
      scoredOn: run?.run_on ?? null,
      lastPurchaseOn: row?.last_purchase_on ?? null,
      purchases12m: toInt(row?.purchases_12m),
      spend12mFen: toInt(row?.spend_12m_fen),
      scores: { r: score(row?.r_score), f: score(row?.f_score), m: score(row?.m_score) },
      rfmClass: row?.rfm_class ?? null,
      stage: row?.stage ?? null,
      stageName: row?.stage ? LIFECYCLE_STAGE_NAMES[row.stage] : null,
      stageSince: row?.stage_since ?? null,
      stageChanges: changes.map((c) => ({
        changedOn: c.changed_on,
        from: c.from_stage,
        fromName: LIFECYCLE_STAGE_NAMES[c.from_stage],
        to: c.to_stage,
        toName: LIFECYCLE_STAGE_NAMES[c.to_stage],
      })),
    };
  }
}

@Controller()
export class MemberRfmController {
  constructor(private readonly rfm: MemberRfmView) {}

  @Route('staffMemberRfm')
  view(@CurrentStaff() staff: StaffActor, @Param('memberId') memberId: string): Promise<MemberRfm> {
    return this.rfm.view(staff, memberId);
  }
}
