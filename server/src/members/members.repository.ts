import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AcceptedAgreements, AgreementKind, Gender } from '@wemember/shared';
import { In, IsNull } from 'typeorm';
import { recordAudit } from '../audit/audit-log';
import { DomainError } from '../common/domain-error';
import { affectedRows, isUniqueViolation, UnitOfWork } from '../database/unit-of-work';
import { dbTime, execute, fromDbTime, isMysql } from '../database/sql';
import { lockMember } from '../ledger/member-lock';
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

/** A new card as joining makes it: a random member number, the lowest tier, nothing on it yet. */
export function newMember(data: NewMember, now: Date): Member {
  return Object.assign(new Member(), {
    ...data,
    id: randomUUID(),
    memberNo: String(randomInt(1_000_000_000, 10_000_000_000)),
    tier: 'normal',
    birthday: null,
    balanceFen: 0,
    growth: 0,
    status: 'active',
    joinedAt: now,
    nickname: null,
    avatarFile: null,
    gender: 'unknown',
    marketingConsent: false,
    marketingConsentAt: null,
    closedAt: null,
  });
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
      const member = newMember(data, now);
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

  /**
   * The card goes to the WeChat identity that just verified its phone, in one unit of work under the
   * member's lock (so two identities claiming one card at once end with exactly one linked): this
   * identity is linked — unless it holds another card that is not closed — every other identity of
   * the card is unlinked (their tokens stop at the next request) and audited, and the agreement
   * versions accepted are recorded once per member, kind and version. False when the identity holds
   * another open card.
   */
  async claim(claim: { identityId: string; memberId: string; accepted: AcceptedAgreements; at: Date }): Promise<boolean> {
    const { identityId, memberId, accepted, at } = claim;
    return this.uow.transaction(async (m) => {
      const member = await lockMember(m, memberId);
      if (!member || member.status === 'closed') throw new DomainError('MEMBER_CLOSED');
      const linked = await execute(
        m,
        `UPDATE wechat_identities SET member_id = ? WHERE id = ? AND (member_id IS NULL OR member_id = ? OR member_id IN (SELECT id FROM members WHERE status = 'closed'))`,
        [memberId, identityId, memberId],
      );
      if (linked !== 1) return false;
      const others = (await m.query('SELECT id, openid FROM wechat_identities WHERE member_id = ? AND id <> ?', [memberId, identityId])) as { id: string; openid: string }[];
      if (others.length > 0) {
        await execute(m, 'UPDATE wechat_identities SET member_id = NULL WHERE member_id = ? AND id <> ?', [memberId, identityId]);
        await recordAudit(m, {
          brandId: member.brandId,
          staffId: identityId,
          action: 'member.takeover',
          targetType: 'member',
          targetId: memberId,
          detail: { by: 'member', identityId, unlinkedIdentityIds: others.map((o) => o.id) },
          at,
        });
      }
      const ignore = isMysql(m) ? 'ON DUPLICATE KEY UPDATE id = id' : 'ON CONFLICT (member_id, kind, version) DO NOTHING';
      for (const kind of ['membership', 'privacy'] as const) {
        await m.query(
          `INSERT INTO member_consents (id, brand_id, member_id, kind, version, identity_id, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?) ${ignore}`,
          [randomUUID(), member.brandId, memberId, kind, accepted[kind], identityId, dbTime(at)],
        );
      }
      return true;
    });
  }

  /** The latest version of each agreement the member accepted, and when. */
  async consents(memberId: string): Promise<Record<AgreementKind, { version: string; acceptedAt: string } | null>> {
    const rows = (await this.uow.reader.query('SELECT kind, version, accepted_at FROM member_consents WHERE member_id = ? ORDER BY accepted_at, version', [memberId])) as {
      kind: AgreementKind;
      version: string;
      accepted_at: Date | string;
    }[];
    const latest: Record<AgreementKind, { version: string; acceptedAt: string } | null> = { membership: null, privacy: null };
    for (const row of rows) if (row.kind in latest) latest[row.kind] = { version: row.version, acceptedAt: fromDbTime(row.accepted_at).toISOString() };
    return latest;
  }

  /**
   * 注销: the card is closed by a conditional UPDATE (only from a status that is not closed), its
   * personal data anonymised — the phone hash becomes `closed:<id>`, which frees the phone for a new
   * card — every WeChat identity unlinked (their tokens stop), its avatars deleted, and an audit row
   * written, in one unit of work. Ledgers, orders and the member number stay for the accounts.
   * Returns the instant it was closed, or null if it was closed already.
   */
  async close(input: { brandId: string; memberId: string; identityId: string; reason: string | null; at: Date }): Promise<Date | null> {
    const { brandId, memberId, identityId, reason, at } = input;
    return this.uow.transaction(async (m) => {
      const closed = await execute(
        m,
        `UPDATE members SET status = 'closed', closed_at = ?, phone_hash = ?, phone_cipher = '', phone_masked = '已注销', nickname = NULL, avatar_file = NULL,
           birthday = NULL, gender = 'unknown', marketing_consent = 0, marketing_consent_at = NULL
         WHERE id = ? AND brand_id = ? AND status <> 'closed'`,
        [dbTime(at), `closed:${memberId}`, memberId, brandId],
      );
      if (closed !== 1) return null;
      const identities = (await m.query('SELECT id FROM wechat_identities WHERE member_id = ?', [memberId])) as { id: string }[];
      await execute(m, 'UPDATE wechat_identities SET member_id = NULL WHERE member_id = ?', [memberId]);
      await execute(m, 'DELETE FROM member_avatars WHERE member_id = ?', [memberId]);
      await recordAudit(m, {
        brandId,
        staffId: identityId,
        action: 'member.close',
        targetType: 'member',
        targetId: memberId,
        detail: { by: 'member', identityId, reason, unlinkedIdentityIds: identities.map((i) => i.id) },
        at,
      });
      return at;
    });
  }

  /** Nickname, gender and the offers consent; the consent's time moves only when its value does. */
  async updateProfile(brandId: string, memberId: string, change: { nickname?: string; gender?: Gender; marketingConsent?: boolean }, at: Date): Promise<void> {
    await this.uow.transaction(async (m) => {
      if (change.nickname !== undefined || change.gender !== undefined) {
        const sets = [...(change.nickname !== undefined ? ['nickname = ?'] : []), ...(change.gender !== undefined ? ['gender = ?'] : [])];
        const values = [...(change.nickname !== undefined ? [change.nickname] : []), ...(change.gender !== undefined ? [change.gender] : [])];
        await execute(m, `UPDATE members SET ${sets.join(', ')} WHERE id = ? AND brand_id = ? AND status <> 'closed'`, [...values, memberId, brandId]);
      }
      if (change.marketingConsent !== undefined) {
        // 0/1: SQLite binds no booleans.
        const consent = change.marketingConsent ? 1 : 0;
        await execute(m, `UPDATE members SET marketing_consent = ?, marketing_consent_at = ? WHERE id = ? AND brand_id = ? AND status <> 'closed' AND marketing_consent <> ?`, [
          consent,
          dbTime(at),
          memberId,
          brandId,
          consent,
        ]);
      }
    });
  }

  /** Stores the image under a new random file name and points the member at it; the old image goes. */
  async setAvatar(brandId: string, memberId: string, image: { bytes: Buffer; contentType: string }, at: Date): Promise<string> {
    const file = `${randomBytes(24).toString('base64url')}.${image.contentType === 'image/png' ? 'png' : 'jpg'}`;
    await this.uow.transaction(async (m) => {
      await execute(m, 'DELETE FROM member_avatars WHERE member_id = ?', [memberId]);
      await m.query('INSERT INTO member_avatars (id, brand_id, member_id, file, content_type, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        randomUUID(),
        brandId,
        memberId,
        file,
        image.contentType,
        image.bytes,
        dbTime(at),
      ]);
      const updated = await execute(m, `UPDATE members SET avatar_file = ? WHERE id = ? AND brand_id = ? AND status <> 'closed'`, [file, memberId, brandId]);
      if (updated !== 1) throw new DomainError('MEMBER_CLOSED');
    });
    return file;
  }

  async avatar(file: string): Promise<{ bytes: Buffer; contentType: string } | null> {
    const rows = (await this.uow.reader.query('SELECT file, content_type, bytes FROM member_avatars WHERE file = ?', [file])) as {
      file: string;
      content_type: string;
      bytes: Buffer | Uint8Array;
    }[];
    // Byte for byte: MariaDB's collation would also match the name in another case.
    const row = rows.find((r) => r.file === file);
    return row ? { contentType: row.content_type, bytes: Buffer.from(row.bytes) } : null;
  }
}
