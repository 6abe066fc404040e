import { randomBytes, randomUUID } from 'node:crypto';
import { Brand } from '../../../server/src/brands/brand.entity';
import type { UnitOfWork } from '../../../server/src/database/unit-of-work';
import type { Member } from '../../../server/src/members/member.entity';
import { MembersRepository, type NewMember } from '../../../server/src/members/members.repository';

/** A brand, alone: all a member needs to exist. */
export async function aBrand(uow: UnitOfWork): Promise<Brand> {
  const brand = Object.assign(new Brand(), { id: randomUUID(), name: '测试品牌', wechatAppid: `wxm${randomBytes(6).toString('hex')}`, createdAt: new Date() });
  await uow.transaction((m) => m.insert(Brand, brand));
  return brand;
}

/** What the join sends the repository for a new phone number (the hash stands in for HMAC(phone)). */
export function aNewMember(brandId: string, overrides: Partial<NewMember> = {}): NewMember {
  const phoneHash = randomBytes(32).toString('hex');
  return {
    brandId,
    phoneHash,
    phoneCipher: `cipher-${phoneHash.slice(0, 16)}`,
    phoneMasked: '139****0000',
    joinStoreId: null,
    joinStaffId: null,
    joinChannel: null,
    joinScene: null,
    ...overrides,
  };
}

/** A member who joined, written as the join writes it. */
export async function aMember(uow: UnitOfWork, brandId: string, overrides: Partial<NewMember> = {}): Promise<Member> {
  return (await new MembersRepository(uow).createOrFind(aNewMember(brandId, overrides))).member;
}
