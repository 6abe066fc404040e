import { Injectable } from '@nestjs/common';
import {
  API_ROUTES,
  AVATAR_MAX_BYTES,
  chinaDate,
  tierPage,
  type TierPacks,
  type Agreements,
  type CloseMembership,
  type CloseMembershipRequest,
  type HomeStore,
  type MemberProfile,
  type MemberTiers,
  type UpdateProfileRequest,
} from '@wemember/shared';
import type { MemberActor, WechatUserActor } from '../access/actors';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { grantableLines, readGiftSettings } from '../coupons/gift-settings.service';
import { UnitOfWork } from '../database/unit-of-work';
import { toInt } from '../database/sql';
import { LoyaltySettingsService } from '../loyalty/loyalty-settings.service';
import { MemberGrowth } from '../loyalty/member-growth';
import { StoresRepository } from '../stores/stores.repository';
import { CURRENT_AGREEMENTS } from './agreements';
import type { Member } from './member.entity';
import { MembersRepository } from './members.repository';

/** The avatar's public address below /api (the route's path with its file). */
export function avatarUrl(file: string): string {
  return API_ROUTES.memberAvatarImage.path.replace(':file', file);
}

/** An avatar file name as this server makes them: 32 base64url characters and the extension. */
export const AVATAR_FILE = /^[A-Za-z0-9_-]{32}\.(jpg|png)$/;

/** JPEG or PNG by its first bytes, whatever the client says. */
function imageType(bytes: Buffer): 'image/jpeg' | 'image/png' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}

/** The member centre (我的): agreements, profile and avatar, closing the card, home store, tiers. */
@Injectable()
export class MemberCentre {
  constructor(
    private readonly members: MembersRepository,
    private readonly stores: StoresRepository,
    private readonly settings: LoyaltySettingsService,
    private readonly growth: MemberGrowth,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  agreements(): Agreements {
    return CURRENT_AGREEMENTS;
  }

  async profile(actor: MemberActor): Promise<MemberProfile> {
    const member = await this.ownMember(actor);
    const [agreements, stores] = await Promise.all([this.members.consents(member.id), this.storesOf(member)]);
    return {
      memberNo: member.memberNo,
      phoneMasked: member.phoneMasked,
      nickname: member.nickname,
      avatarUrl: member.avatarFile ? avatarUrl(member.avatarFile) : null,
      gender: member.gender,
      birthday: member.birthday,
      marketingConsent: Boolean(member.marketingConsent),
      stores,
      agreements,
      joinedAt: member.joinedAt.toISOString(),
    };
  }

  async updateProfile(actor: MemberActor, change: UpdateProfileRequest): Promise<MemberProfile> {
    await this.ownMember(actor);
    await this.members.updateProfile(actor.brandId, actor.memberId, change, this.clock.now());
    return this.profile(actor);
  }

  /** The decoded image must be a JPEG or PNG by its magic bytes and at most AVATAR_MAX_BYTES. */
  async setAvatar(actor: MemberActor, base64: string): Promise<MemberProfile> {
    await this.ownMember(actor);
    const bytes = Buffer.from(base64, 'base64');
    const contentType = imageType(bytes);
    if (bytes.length > AVATAR_MAX_BYTES) throw new DomainError('AVATAR_INVALID', undefined, [{ field: 'image', message: '头像图片不能超过 256 KB' }]);
    if (!contentType) throw new DomainError('AVATAR_INVALID', undefined, [{ field: 'image', message: '头像应为 JPEG 或 PNG 图片' }]);
    await this.members.setAvatar(actor.brandId, actor.memberId, { bytes, contentType }, this.clock.now());
    return this.profile(actor);
  }

  async avatarImage(file: string): Promise<{ bytes: Buffer; contentType: string }> {
    const image = AVATAR_FILE.test(file) ? await this.members.avatar(file) : null;
    if (!image) throw new DomainError('AVATAR_NOT_FOUND');
    return image;
  }

  /** 注销. A second request carries a token that no longer works (401), so it changes nothing. */
  async close(actor: MemberActor & Pick<WechatUserActor, 'sub'>, request: CloseMembershipRequest): Promise<CloseMembership> {
    const closedAt = await this.members.close({
      brandId: actor.brandId,
      memberId: actor.memberId,
      identityId: actor.sub,
      reason: request.reason || null,
      at: this.clock.now(),
    });
    if (!closedAt) throw new DomainError('MEMBER_CLOSED');
    return { closedAt: closedAt.toISOString() };
  }

  async homeStore(actor: MemberActor): Promise<HomeStore> {
    const member = await this.ownMember(actor);
    const store = member.joinStoreId ? await this.stores.store(member.joinStoreId) : null;
    return { store: store && store.brandId === member.brandId ? { id: store.id, name: store.name, address: store.address, phone: store.phone, hours: store.hours } : null };
  }

  async tiers(actor: MemberActor): Promise<MemberTiers> {
    const member = await this.ownMember(actor);
    const today = chinaDate(this.clock.now());
    const [rules, growth, reviewGrowth, packs] = await Promise.all([
      this.settings.rules(member.brandId),
      this.growth.rolling(this.uow.reader, member.id, today),
      this.growthSince(member.id, `${today.slice(0, 4)}-01`),
      this.tierPacks(member.brandId, today),
    ]);
    return tierPage(rules, { tier: member.tier, growth, reviewGrowth }, today, packs.monthly, packs.birthday);
  }

  /** Each tier's monthly and birthday coupons as the brand configured them, leaving out what can no longer be given. */
  private async tierPacks(brandId: string, today: string): Promise<{ monthly: TierPacks; birthday: TierPacks }> {
    const { tierPacks, birthday } = await readGiftSettings(this.uow.reader, brandId);
    const monthly: TierPacks = {};
    for (const pack of tierPacks) monthly[pack.tier] = await grantableLines(this.uow.reader, brandId, pack.coupons, today);
    const birthdays: TierPacks = {};
    for (const pack of birthday.tierCoupons) birthdays[pack.tier] = await grantableLines(this.uow.reader, brandId, pack.coupons, today);
    return { monthly, birthday: birthdays };
  }

  /** Growth of the months from `month` (YYYY-MM) on: this year's, what the next review counts. */
  private async growthSince(memberId: string, month: string): Promise<number> {
    const [row] = (await this.uow.reader.query('SELECT COALESCE(SUM(growth), 0) AS total FROM member_months WHERE member_id = ? AND month >= ?', [memberId, month])) as {
      total: unknown;
    }[];
    return Math.max(0, toInt(row?.total));
  }

  /** The home store first, then every other store the member bought at, each once, most recent first. */
  private async storesOf(member: Member): Promise<MemberProfile['stores']> {
    const bought = (await this.uow.reader.query('SELECT store_id, MAX(created_at) AS last FROM orders WHERE member_id = ? GROUP BY store_id ORDER BY last DESC', [member.id])) as {
      store_id: string;
    }[];
    const ids = [...new Set([...(member.joinStoreId ? [member.joinStoreId] : []), ...bought.map((b) => b.store_id)])];
    const found = new Map((await this.stores.stores(ids)).filter((s) => s.brandId === member.brandId).map((s) => [s.id, s]));
    return ids.flatMap((id) => {
      const store = found.get(id);
      return store ? [{ id: store.id, name: store.name }] : [];
    });
  }

  private async ownMember(actor: MemberActor): Promise<Member> {
    const member = await this.members.byId(actor.brandId, actor.memberId);
    if (!member) throw new DomainError('TOKEN_INVALID');
    if (member.status === 'closed') throw new DomainError('MEMBER_CLOSED');
    return member;
  }
}
