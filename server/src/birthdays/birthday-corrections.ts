import { Injectable } from '@nestjs/common';
import { chinaDate, type BirthdayCorrection, type CorrectBirthdayRequest } from '@wemember/shared';
import { AccessPolicy } from '../access/access-policy';
import type { StaffActor } from '../access/actors';
import { recordAudit } from '../audit/audit-log';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { execute } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { lockMember } from '../ledger/member-lock';
import { MembersRepository } from '../members/members.repository';
import { StoresRepository } from '../stores/stores.repository';

/**
 * Staff correct a birthday the member set wrong (the member sets it only once). Store managers and
 * up, for members inside their scope as a lookup by phone is: another store's member is 403
 * OTHER_STORE, another brand's is not found. Audited `member.birthday_correct` with before, after
 * and the reason, in the same unit of work. The year's birthday gift stays given: its
 * `birthday_gifts` row (member, year) keeps a corrected birthday from a second gift.
 */
@Injectable()
export class BirthdayCorrections {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly members: MembersRepository,
    private readonly stores: StoresRepository,
    private readonly policy: AccessPolicy,
    private readonly clock: Clock,
  ) {}

  async correct(actor: StaffActor, memberId: string, request: CorrectBirthdayRequest): Promise<BirthdayCorrection> {
    const now = this.clock.now();
    if (request.birthday > chinaDate(now)) throw new DomainError('BIRTHDAY_IN_FUTURE', undefined, [{ field: 'birthday', message: '生日不能晚于今天' }]);
    const found = await this.members.byId(actor.brandId, memberId);
    if (!found) throw new DomainError('MEMBER_NOT_FOUND');
    const home = found.joinStoreId ? await this.stores.store(found.joinStoreId) : null;
    if (!this.policy.mayViewMember(actor, found, home)) throw new DomainError('OTHER_STORE', '该会员属于其他门店，请到所属门店或联系总部修改');
    return this.uow.transaction(async (m) => {
      const member = await lockMember(m, found.id);
      if (!member) throw new DomainError('MEMBER_NOT_FOUND');
      if (member.status === 'closed') throw new DomainError('MEMBER_CLOSED');
      const previous = member.birthday;
      // Under the member's lock, and only from the birthday read with it.
      const sql = `UPDATE members SET birthday = ? WHERE id = ? AND ${previous === null ? 'birthday IS NULL' : 'birthday = ?'}`;
      const changed = await execute(m, sql, previous === null ? [request.birthday, member.id] : [request.birthday, member.id, previous]);
      if (changed !== 1) throw new Error(`birthday of member ${member.id} changed under its lock`);
      await recordAudit(m, {
        brandId: actor.brandId,
        staffId: actor.id,
        action: 'member.birthday_correct',
        targetType: 'member',
        targetId: member.id,
        detail: { before: previous, after: request.birthday, reason: request.reason },
        at: now,
      });
      return { memberId: member.id, birthday: request.birthday, previous };
    });
  }
}
