import { randomInt, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { In, IsNull } from 'typeorm';
import { affectedRows, isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { execute } from '../database/sql';
import { Member } from './member.entity';
import { WechatIdentity } from './wechat-identity.entity';

export interface NewMember {
  brandId: string;
  phoneHash: string;
  phoneCipher: string;
  phoneMasked: string;
  joinStoreId: string | null;
  joinStaffId: string | null;
  joinChannel: string | null;
  joinScene: string | null;
}

export interface SeenIdentity {
  brandId: string;
  appid: string;
  openid: string;
  unionid: string | null;
  sessionKeyCipher: string;
  scene: string | null;
}

/** Members and their WeChat identities. Reads see committed rows; every write is its own unit of work. */
@Injectable()
export class MembersRepository {
  constructor(private readonly uow: UnitOfWork) {}

  byId(brandId: string, id: string): Promise<Member | null> {
    return this.uow.reader.getRepository(Member).findOneBy({ brandId, id });
  }

  byIds(brandId: string, ids: string[]): Promise<Member[]> {
    return ids.length ? this.uow.reader.getRepository(Member).findBy({ brandId, id: In(ids) }) : Promise.resolve([]);
  }

  byPhoneHash(brandId: string, phoneHash: string): Promise<Member | null> {
    return this.uow.reader.getRepository(Member).findOneBy({ brandId, phoneHash });
  }

  /**
   * What a member token still stands for: the card's status while the token's WeChat identity is
   * still linked to that card, null once it is not (the card moved to another identity).
   */
  async sessionStatus(identityId: string, memberId: string): Promise<Member['status'] | null> {
    const [row] = (await this.uow.reader.query('SELECT m.status FROM wechat_identities i JOIN members m ON m.id = i.member_id WHERE i.id = ? AND i.member_id = ?', [
      identityId,
      memberId,
    ])) as { status: Member['status'] }[];
    return row?.status ?? null;
  }

  byMemberNo(brandId: string, memberNo: string): Promise<Member | null> {
    return this.uow.reader.getRepository(Member).findOneBy({ brandId, memberNo });
  }

  /**
   * One phone = one member per brand, enforced by the unique (brand_id, phone_hash) index: of any
   * number of concurrent joins exactly one INSERT wins, and the others read the winner. A clash on
   * the random member number just draws another.
   */
  async createOrFind(data: NewMember, now = new Date()): Promise<{ member: Member; created: boolean }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const member = Object.assign(new Member(), {
        ...data,
        id: randomUUID(),
        memberNo: String(randomInt(1_000_000_000, 10_000_000_000)),
        tier: 'normal',
        birthday: null,
        balanceFen: 0,
        growth: 0,
        status: 'active',
        joinedAt: now,
      });
      try {
        await this.uow.transaction((m) => m.getRepository(Member).insert(member));
        return { member, created: true };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const existing = await this.byPhoneHash(data.brandId, data.phoneHash);
        if (existing) return { member: existing, created: false };
      }
    }
    throw new Error('could not draw a free member number in 5 attempts');
  }

  identity(id: string): Promise<WechatIdentity | null> {
    return this.uow.reader.getRepository(WechatIdentity).findOneBy({ id });
  }

  /** Records a login: creates the identity on first sight, keeps the first store code it came through. */
  async recordLogin(seen: SeenIdentity, now = new Date()): Promise<WechatIdentity> {
    const key = { appid: seen.appid, openid: seen.openid };
    try {
      await this.uow.transaction((m) =>
        m.getRepository(WechatIdentity).insert({
        id: randomUUID(),
        brandId: seen.brandId,
        appid: seen.appid,
        openid: seen.openid,
        unionid: seen.unionid,
        memberId: null,
        sessionKeyCipher: seen.sessionKeyCipher,
        firstScene: seen.scene,
          firstSeenAt: now,
          lastLoginAt: now,
        }),
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.uow.transaction(async (m) => {
        const repo = m.getRepository(WechatIdentity);
        await repo.update(key, { sessionKeyCipher: seen.sessionKeyCipher, lastLoginAt: now, ...(seen.unionid && { unionid: seen.unionid }) });
        if (seen.scene) await repo.update({ ...key, firstScene: IsNull() }, { firstScene: seen.scene });
      });
    }
    return (await this.uow.reader.getRepository(WechatIdentity).findOneBy(key))!;
  }

  /** Links the identity to the member unless it is already linked to another one. */
  async linkIdentity(identityId: string, memberId: string): Promise<boolean> {
    const result = await this.uow.transaction((m) =>
      m
        .createQueryBuilder()
        .update(WechatIdentity)
        .set({ memberId })
        .where('id = :identityId AND (member_id IS NULL OR member_id = :memberId)', { identityId, memberId })
        .execute(),
    );
    return affectedRows(result) === 1;
  }

  /** Once only: the conditional UPDATE lets the first birthday in and refuses every later one. */
  setBirthday(brandId: string, memberId: string, birthday: string): Promise<boolean> {
    return this.uow.transaction(async (m) => (await execute(m, 'UPDATE members SET birthday = ? WHERE id = ? AND brand_id = ? AND birthday IS NULL', [birthday, memberId, brandId])) === 1);
  }
}
