import { randomBytes, randomUUID } from 'node:crypto';
import { AuthTokens } from '../../server/src/auth/auth-tokens.service';
import { Member } from '../../server/src/members/member.entity';
import { newMember } from '../../server/src/members/members.repository';
import { WechatIdentity } from '../../server/src/members/wechat-identity.entity';
import type { TestStack } from './stack';

export interface BulkMember {
  memberId: string;
  token: string;
}

/**
 * Many members at once, for load tests: cards and their WeChat identities written straight into
 * the database (joining a thousand shoppers through the sandbox would take minutes and test the
 * join, which other suites do), each with a real member token. What the test is about then goes
 * over HTTP.
 */
export async function bulkMembers(stack: TestStack, count: number): Promise<BulkMember[]> {
  const brandId = stack.chain.brand.id;
  const now = new Date();
  const made: BulkMember[] = [];
  const tokens = stack.app.get(AuthTokens);
  for (let start = 0; start < count; start += 200) {
    const members: Member[] = [];
    const identities: WechatIdentity[] = [];
    for (let i = start; i < Math.min(count, start + 200); i++) {
      const tag = randomBytes(16).toString('hex');
      const member = newMember(
        { brandId, phoneHash: tag + tag, phoneCipher: `bulk:${tag}`, phoneMasked: '139****0000', joinStoreId: null, joinStaffId: null, joinChannel: null, joinScene: null },
        now,
      );
      members.push(member);
      const identity = Object.assign(new WechatIdentity(), {
        id: randomUUID(),
        brandId,
        appid: stack.appid,
        openid: `bulk-${tag}`,
        unionid: null,
        memberId: member.id,
        sessionKeyCipher: null,
        firstScene: null,
        firstSeenAt: now,
        lastLoginAt: now,
      });
      identities.push(identity);
      made.push({ memberId: member.id, token: tokens.issueMember({ sub: identity.id, brandId, memberId: member.id }).token });
    }
    await stack.db.getRepository(Member).insert(members);
    await stack.db.getRepository(WechatIdentity).insert(identities);
  }
  return made;
}

/**
 * The marketing consoles' audience: `gold` gold and `silver` silver members of a store (杭州西湖店
 * unless told), all accepting offers, so a tier filter has a count to follow and a campaign two
 * tiers to tell apart. Returns the gold ones (the segment's members).
 */
export async function tierAudience(stack: TestStack, counts: { gold: number; silver: number }, storeCode = 'HZ001'): Promise<BulkMember[]> {
  const gold = await bulkMembers(stack, counts.gold);
  const silver = await bulkMembers(stack, counts.silver);
  for (const [members, tier] of [
    [gold, 'gold'],
    [silver, 'silver'],
  ] as const) {
    await stack.db.query(`UPDATE members SET tier = ?, join_store_id = ?, marketing_consent = 1 WHERE id IN (${members.map(() => '?').join(', ')})`, [
      tier,
      stack.store(storeCode).id,
      ...members.map((m) => m.memberId),
    ]);
  }
  return gold;
}
