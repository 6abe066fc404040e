import { Inject, Injectable } from '@nestjs/common';
import {
  MEMBER_CODE,
  MEMBER_NO,
  isChinaMobile,
  type MemberSummary,
  type ResolveMemberRequest,
} from '@wemember/shared';
import { AccessPolicy } from '../access/access-policy';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { LedgerRepository } from '../ledger/ledger.repository';
import { RateLimiter } from '../redis/rate-limiter.service';
import type { Member } from './member.entity';
import { MemberCodeGate } from './member-code-gate.service';
import { toMemberSummary } from './member-views';
import { MembersRepository } from './members.repository';
import { PhoneVault } from './phone-vault.service';
import { StoresRepository } from '../stores/stores.repository';
import type { StaffActor } from '../access/actors';

/**
 * Staff find a member. The dynamic code the member shows works for any staff of the brand (the
 * member is at the counter); a phone or member number only for managers, and only within the stores
 * they manage — a member of the brand outside them is "another store's" (403 OTHER_STORE, nothing
 * about them shown); another brand's is "not found".
 */
@Injectable()
export class MemberLookup {
  constructor(
    private readonly members: MembersRepository,
    private readonly stores: StoresRepository,
    private readonly gate: MemberCodeGate,
    private readonly vault: PhoneVault,
    private readonly limiter: RateLimiter,
    private readonly policy: AccessPolicy,
    private readonly ledger: LedgerRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async resolve(actor: StaffActor, request: ResolveMemberRequest): Promise<MemberSummary> {
    const input = request.code;
    if (MEMBER_CODE.test(input)) {
      const memberNo = await this.gate.verifyAtTill(`staff:${actor.id}`, actor.brandId, input);
      const member = await this.members.byMemberNo(actor.brandId, memberNo);
      if (!member) throw new DomainError('MEMBER_CODE_INVALID');
      return this.summary(actor, member, 'member_code');
    }
    const by: MemberSummary['resolvedBy'] | null = isChinaMobile(input) ? 'phone' : MEMBER_NO.test(input) ? 'member_no' : null;
    if (!by) {
      throw new DomainError('VALIDATION_FAILED', '请输入 20 位会员码、11 位手机号或 10 位会员号', [
        { field: 'code', message: '请输入 20 位会员码、11 位手机号或 10 位会员号' },
      ]);
    }
    if (!this.policy.mayFindMemberBy(actor, by)) throw new DomainError('LOOKUP_NOT_ALLOWED');
    await this.limiter.hit('member-search', actor.id, this.config.rateLimits.resolvePerMinute);
    const member =
      by === 'phone' ? await this.members.byPhoneHash(actor.brandId, this.vault.hash(input)) : await this.members.byMemberNo(actor.brandId, input);
    if (!member) throw new DomainError('MEMBER_NOT_FOUND');
    // A member of this brand whom the caller may not see belongs to another store (their home
    // store is outside the caller's scope, or they joined at none): 403 OTHER_STORE, not a lookup
    // of their data. Another brand's members are never found (the search is by this brand).
    if (!(await this.inScope(actor, member))) throw new DomainError('OTHER_STORE', '该会员属于其他门店，请到所属门店或联系总部查询');
    return this.summary(actor, member, by);
  }

  private async inScope(actor: StaffActor, member: Member): Promise<boolean> {
    const home = member.joinStoreId ? await this.stores.store(member.joinStoreId) : null;
    return this.policy.mayViewMember(actor, member, home);
  }

  private async summary(actor: StaffActor, member: Member, resolvedBy: MemberSummary['resolvedBy']): Promise<MemberSummary> {
    const [store, points, storedValue] = await Promise.all([
      member.joinStoreId ? this.stores.store(member.joinStoreId) : null,
      this.ledger.balance(member.id, 'points'),
      this.ledger.storedValue(member.id),
    ]);
    // A closed card keeps no phone number: its masked form says 已注销, for every role.
    const phone = this.policy.seesFullPhone(actor) && member.phoneCipher ? this.vault.decrypt(member.phoneCipher) : member.phoneMasked;
    return toMemberSummary(member, { phone, points, balanceFen: storedValue.principalFen + storedValue.bonusFen, homeStoreName: store?.name ?? null, resolvedBy });
  }
}
