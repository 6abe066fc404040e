import { Injectable } from '@nestjs/common';
import { isChinaMobile, type MemberPhoneRequest } from '@wemember/shared';
import { Clock } from '../common/clock';
import type { WechatUserActor } from '../access/actors';
import type { Brand } from '../brands/brand.entity';
import { BrandsRepository } from '../brands/brands.repository';
import { DomainError } from '../common/domain-error';
import { StoresRepository } from '../stores/stores.repository';
import { MiniProgramClient } from '../wechat/mini-program.client';
import { CURRENT_AGREEMENTS, outdatedAgreements } from './agreements';
import type { Member } from './member.entity';
import { MembersRepository, NewMember } from './members.repository';
import { PhoneVault } from './phone-vault.service';

/**
 * The phone-number button → a membership card. One phone = one member per brand: joining again,
 * from this WeChat account or another, returns the same member and keeps its first attribution,
 * and the card then belongs to the WeChat account that verified the phone last (the others are
 * signed out). Nothing happens — no phone code spent, nothing stored — unless the shopper accepted
 * the agreement versions in force.
 */
@Injectable()
export class MemberJoin {
  constructor(
    private readonly brands: BrandsRepository,
    private readonly stores: StoresRepository,
    private readonly members: MembersRepository,
    private readonly wechat: MiniProgramClient,
    private readonly vault: PhoneVault,
    private readonly clock: Clock,
  ) {}

  async execute(user: WechatUserActor, request: MemberPhoneRequest): Promise<{ member: Member; brand: Brand; welcomeBack: boolean }> {
    const outdated = outdatedAgreements(request.acceptedAgreements);
    if (outdated.length > 0) {
      throw new DomainError(
        'AGREEMENT_OUTDATED',
        undefined,
        outdated.map((kind) => ({
          field: `acceptedAgreements.${kind}`,
          message: `《${CURRENT_AGREEMENTS[kind].title}》已更新为 ${CURRENT_AGREEMENTS[kind].version} 版，请重新阅读并同意`,
        })),
      );
    }
    const [brand, identity] = await Promise.all([this.brands.byId(user.brandId), this.members.identity(user.sub)]);
    if (!brand || !identity || identity.brandId !== brand.id) throw new DomainError('TOKEN_INVALID');

    const phone = await this.wechat.phoneNumber(request.phoneCode);
    if (phone.countryCode !== '86' || !isChinaMobile(phone.purePhoneNumber)) throw new DomainError('PHONE_NOT_SUPPORTED');
    const phoneHash = this.vault.hash(phone.purePhoneNumber);

    const existing = await this.members.byPhoneHash(brand.id, phoneHash);
    if (identity.memberId && identity.memberId !== existing?.id) {
      // This WeChat account holds another phone's card: refused unless that card was closed.
      const held = await this.members.byId(brand.id, identity.memberId);
      if (held && held.status !== 'closed') throw new DomainError('WECHAT_ALREADY_BOUND');
    }

    const { member, created } = existing
      ? { member: existing, created: false }
      : await this.members.createOrFind(
          {
            brandId: brand.id,
            phoneHash,
            phoneCipher: this.vault.encrypt(phone.purePhoneNumber),
            phoneMasked: this.vault.mask(phone.purePhoneNumber),
            ...(await this.attribution(identity.firstScene)),
          },
          // The card's join time is the business clock's, like every other "now" (RFM's new members count from it).
          this.clock.now(),
        );
    if (member.status === 'closed') throw new DomainError('MEMBER_CLOSED');
    const claimed = await this.members.claim({ identityId: identity.id, memberId: member.id, accepted: request.acceptedAgreements, at: this.clock.now() });
    if (!claimed) throw new DomainError('WECHAT_ALREADY_BOUND');

    return { member, brand, welcomeBack: !created };
  }

  /** First touch: the store, staff and channel of the first code this WeChat user arrived through. */
  private async attribution(scene: string | null): Promise<Pick<NewMember, 'joinStoreId' | 'joinStaffId' | 'joinChannel' | 'joinScene'>> {
    const found = scene ? await this.stores.activeScene(scene) : null;
    return {
      joinStoreId: found?.storeId ?? null,
      joinStaffId: found?.staffId ?? null,
      joinChannel: found?.channel ?? null,
      joinScene: found?.scene ?? null,
    };
  }
}
