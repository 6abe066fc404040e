import { randomInt, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import { affectedRows, isUniqueViolation } from '../database/transactions';
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

@Injectable()
export class MembersRepository {
  constructor(private readonly db: DataSource) {}

  byId(brandId: string, id: string): Promise<Member | null> {
    return this.db.getRepository(Member).findOneBy({ brandId, id });
  }

  byIds(brandId: string, ids: string[]): Promise<Member[]> {
    return ids.length ? this.db.getRepository(Member).findBy({ brandId, id: In(ids) }) : Promise.resolve([]);
  }

  byPhoneHash(brandId: string, phoneHash: string): Promise<Member | null> {
    return this.db.getRepository(Member).findOneBy({ brandId, phoneHash });
  }

  byMemberNo(brandId: string, memberNo: string): Promise<Member | null> {
    return this.db.getRepository(Member).findOneBy({ brandId, memberNo });
  }

  /**
   * One phone = one member per brand, enforced by the unique (brand_id, phone_hash) index: of any
   * number of concurrent joins exactly one INSERT wins, and the others read the winner. A clash on
   * the random member number just draws another.
   */
  async createOrFind(data: NewMember, now = new Date()): Promise<{ member: Member; created: boolean }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const member = this.db.getRepository(Member).create({
        ...data,
        id: randomUUID(),
        memberNo: String(randomInt(1_000_000_000, 10_000_000_000)),
        tier: 'normal',
        birthday: null,
        points: 0,
        balanceFen: 0,
        growth: 0,
        status: 'active',
        joinedAt: now,
      });
      try {
        await this.db.getRepository(Member).insert(member);
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
    return this.db.getRepository(WechatIdentity).findOneBy({ id });
  }

  /** Records a login: creates the identity on first sight, keeps the first store code it came through. */
  async recordLogin(seen: SeenIdentity, now = new Date()): Promise<WechatIdentity> {
    const repo = this.db.getRepository(WechatIdentity);
    try {
      await repo.insert({
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
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const key = { appid: seen.appid, openid: seen.openid };
      await repo.update(key, { sessionKeyCipher: seen.sessionKeyCipher, lastLoginAt: now, ...(seen.unionid && { unionid: seen.unionid }) });
      if (seen.scene) await repo.update({ ...key, firstScene: IsNull() }, { firstScene: seen.scene });
    }
    return (await repo.findOneBy({ appid: seen.appid, openid: seen.openid }))!;
  }

  /** Links the identity to the member unless it is already linked to another one. */
  async linkIdentity(identityId: string, memberId: string): Promise<boolean> {
    const result = await this.db
      .createQueryBuilder()
      .update(WechatIdentity)
      .set({ memberId })
      .where('id = :identityId AND (member_id IS NULL OR member_id = :memberId)', { identityId, memberId })
      .execute();
    return affectedRows(result) === 1;
  }
}
