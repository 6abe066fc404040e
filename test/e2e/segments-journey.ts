import { randomBytes, randomUUID } from 'node:crypto';
import type { SegmentFilter } from '@wemember/shared';
import { dbTime } from '../../server/src/database/sql';
import { Member } from '../../server/src/members/member.entity';
import { newMember } from '../../server/src/members/members.repository';
import { SegmentsService } from '../../server/src/segments/segments.service';
import { bulkMembers } from '../support/bulk-members';
import { TestStack } from '../support/stack';

/** "Today" for the fixture: 10:00 in Shanghai on 2027-03-10. */
const TODAY = '2027-03-10T02:00:00Z';

const NAMES = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'frozen', 'closed', 'other'] as const;
type Name = (typeof NAMES)[number];

interface Fixture {
  status?: 'active' | 'frozen' | 'closed';
  consent?: boolean;
  optedOut?: boolean;
  otherBrand?: boolean;
  tier?: 'normal' | 'silver' | 'gold' | 'diamond';
  store?: 'HZ001' | 'SH001' | 'GZ001';
  /** UTC instant. */
  joinedAt: string;
  birthday?: string;
  rfm?: { stage: string; r: number; f: number; m: number; cls: string; last: string | null };
  stageChanges?: { on: string; from: string; to: string }[];
  points?: number;
  /** Coupons: redeemed at an instant, or issued with their valid dates. */
  coupons?: ({ redeemedAt: string } | { validFrom: string; validTo: string })[];
  /** An official-account follower linked by unionid (following or since unfollowed). */
  follows?: boolean;
  credits?: number;
}

/**
 * The fixture, on 2027-03-10 (HZ001 and SH001 are 华东区, GZ001 华南区). Marketing may reach a1–a4
 * only: a5 replied TD to an SMS, a6 never accepted offers. frozen, closed and the other brand's
 * member never match anything.
 *
 *        tier     store  joined      birthday  stage (R F M class, last purchase)          points  coupons                       OA    credits
 *   a1   gold     HZ001  2026-01-15  05-06     active (5 5 4 A, 03-08)                     500     redeemed 03-05                follows  2
 *   a2   normal   SH001  2026-06-01  12-25     recently_lapsed (3 1 1 D, 01-20), changed   —       usable 03-01..03-31           —        0
 *                                              active→recently_lapsed on 03-06
 *   a3   silver   GZ001  03-01 00:30 —         new (4 1 1 C, 03-06)                        100     redeemed 2026-12-01; issued    —       —
 *                                                                                                  but over (…03-01)
 *   a4   gold     —      2025-05-10  05-30     (not scored)                                2000    —                             unfollowed —
 *   a5   normal   HZ001  2025-01-01  —         dormant (never bought, class D)             —       —                             —        —
 *   a6   diamond  HZ001  2025-03-01  —         lapsed (1 4 4 B, 2026-11-01), changed        —       —                             —        —
 *                                              recently_lapsed→lapsed on 01-20
 */
const FIXTURE: Record<Name, Fixture> = {
  a1: {
    tier: 'gold',
    store: 'HZ001',
    joinedAt: '2026-01-15T02:00:00Z',
    birthday: '1990-05-06',
    rfm: { stage: 'active', r: 5, f: 5, m: 4, cls: 'A', last: '2027-03-08' },
    points: 500,
    coupons: [{ redeemedAt: '2027-03-05T04:00:00Z' }],
    follows: true,
    credits: 2,
  },
  a2: {
    store: 'SH001',
    joinedAt: '2026-06-01T02:00:00Z',
    birthday: '1985-12-25',
    rfm: { stage: 'recently_lapsed', r: 3, f: 1, m: 1, cls: 'D', last: '2027-01-20' },
    stageChanges: [{ on: '2027-03-06', from: 'active', to: 'recently_lapsed' }],
    coupons: [{ validFrom: '2027-03-01', validTo: '2027-03-31' }],
    credits: 0,
  },
  a3: {
    tier: 'silver',
    store: 'GZ001',
    joinedAt: '2027-02-28T16:30:00Z',
    rfm: { stage: 'new', r: 4, f: 1, m: 1, cls: 'C', last: '2027-03-06' },
    points: 100,
    coupons: [{ redeemedAt: '2026-12-01T04:00:00Z' }, { validFrom: '2027-02-01', validTo: '2027-03-01' }],
  },
  a4: { tier: 'gold', joinedAt: '2025-05-10T02:00:00Z', birthday: '1992-05-30', points: 2000, follows: false },
  a5: { optedOut: true, store: 'HZ001', joinedAt: '2025-01-01T02:00:00Z', rfm: { stage: 'dormant', r: 0, f: 0, m: 0, cls: 'D', last: null } },
  a6: {
    consent: false,
    tier: 'diamond',
    store: 'HZ001',
    joinedAt: '2025-03-01T02:00:00Z',
    rfm: { stage: 'lapsed', r: 1, f: 4, m: 4, cls: 'B', last: '2026-11-01' },
    stageChanges: [{ on: '2027-01-20', from: 'recently_lapsed', to: 'lapsed' }],
  },
  frozen: { status: 'frozen', tier: 'gold', store: 'HZ001', joinedAt: '2026-01-15T02:00:00Z', rfm: { stage: 'active', r: 5, f: 5, m: 5, cls: 'A', last: '2027-03-08' }, follows: true, credits: 1 },
  closed: { status: 'closed', tier: 'gold', store: 'HZ001', joinedAt: '2026-01-15T02:00:00Z', points: 500 },
  other: { otherBrand: true, tier: 'gold', joinedAt: '2026-01-15T02:00:00Z', rfm: { stage: 'active', r: 5, f: 5, m: 5, cls: 'A', last: '2027-03-08' }, credits: 3 },
};

const REACHABLE: Name[] = ['a1', 'a2', 'a3', 'a4'];
const ALL_ACTIVE: Name[] = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];

/**
 * Every criterion of the segment builder against the hand-computed fixture above, over HTTP (the
 * live count and its sample, saving, reading with a fresh count, versioned updates, bad filters, who
 * may call), and the keyset stream the campaign engine reads. Shared by MariaDB and SQLite.
 */
export function describeSegmentsJourney(database: 'mysql' | 'sqlite'): void {
  describe(`segments (${database})`, () => {
    let stack: TestStack;
    let marketer: string;
    const ids = {} as Record<Name, string>;
    const numbers = {} as Record<Name, string>;
    const byNo = new Map<string, Name>();

    async function insertFixture(): Promise<void> {
      const brandId = stack.chain.brand.id;
      const t = (iso: string) => dbTime(new Date(iso));
      for (const name of NAMES) {
        const f = FIXTURE[name];
        const memberBrand = f.otherBrand ? randomUUID() : brandId;
        const tag = randomBytes(16).toString('hex');
        const member = newMember(
          {
            brandId: memberBrand,
            phoneHash: tag + tag,
            phoneCipher: `fixture:${tag}`,
            phoneMasked: '138****0000',
            joinStoreId: f.store ? stack.store(f.store).id : null,
            joinStaffId: null,
            joinChannel: null,
            joinScene: null,
          },
          new Date(f.joinedAt),
        );
        Object.assign(member, { tier: f.tier ?? 'normal', birthday: f.birthday ?? null, status: f.status ?? 'active', marketingConsent: f.consent ?? true });
        await stack.db.getRepository(Member).insert(member);
        ids[name] = member.id;
        numbers[name] = member.memberNo;
        byNo.set(member.memberNo, name);
        const now = t(TODAY);
        if (f.optedOut) {
          await stack.db.query('INSERT INTO sms_opt_outs (phone_hash, reply_text, sign_name, replied_at, created_at) VALUES (?, ?, NULL, ?, ?)', [member.phoneHash, 'TD', now, now]);
        }
        if (f.rfm) {
          const score = (s: number) => (s === 0 ? null : s);
          await stack.db.query(
            `INSERT INTO member_rfm (member_id, brand_id, joined_at, window_start_month, purchases_12m, spend_12m_fen, last_purchase_on, r_score, f_score, m_score, rfm_class, stage, stage_since)
             VALUES (?, ?, ?, '2026-04', 0, 0, ?, ?, ?, ?, ?, ?, '2027-03-01')`,
            [member.id, memberBrand, t(f.joinedAt), f.rfm.last, score(f.rfm.r), score(f.rfm.f), score(f.rfm.m), f.rfm.cls, f.rfm.stage],
          );
        }
        for (const change of f.stageChanges ?? []) {
          await stack.db.query('INSERT INTO member_stage_changes (member_id, changed_on, brand_id, from_stage, to_stage) VALUES (?, ?, ?, ?, ?)', [
            member.id,
            change.on,
            memberBrand,
            change.from,
            change.to,
          ]);
        }
        if (f.points !== undefined) {
          await stack.db.query("INSERT INTO ledger_accounts (id, brand_id, member_id, kind, balance, seq, created_at) VALUES (?, ?, ?, 'points', ?, 1, ?)", [
            randomUUID(),
            memberBrand,
            member.id,
            f.points,
            now,
          ]);
        }
        for (const coupon of f.coupons ?? []) {
          const redeemed = 'redeemedAt' in coupon;
          await stack.db.query(
            `INSERT INTO coupons (id, brand_id, template_id, member_id, code, status, source, name, type, value_fen, threshold_fen, valid_from, valid_to, issued_at, redeemed_at)
             VALUES (?, ?, ?, ?, ?, ?, 'grant', '满100减10', 'cash', 1000, 10000, ?, ?, ?, ?)`,
            [
              randomUUID(),
              memberBrand,
              randomUUID(),
              member.id,
              randomBytes(8).toString('hex').toUpperCase().slice(0, 17),
              redeemed ? 'redeemed' : 'issued',
              redeemed ? '2026-01-01' : coupon.validFrom,
              redeemed ? '2027-12-31' : coupon.validTo,
              t('2026-01-01T00:00:00Z'),
              redeemed ? t(coupon.redeemedAt) : null,
            ],
          );
        }
        if (f.follows !== undefined) {
          const unionid = `union-${tag}`;
          await stack.db.query(
            `INSERT INTO wechat_identities (id, brand_id, appid, openid, unionid, member_id, session_key_cipher, first_scene, first_seen_at, last_login_at) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
            [randomUUID(), memberBrand, stack.appid, `mp-${tag}`, unionid, member.id, now, now],
          );
          await stack.db.query('INSERT INTO oa_followers (appid, openid, unionid, following, store_id, scene, subscribed_at, unsubscribed_at, updated_at) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?)', [
            stack.oaAppid,
            `oa-${tag}`,
            unionid,
            f.follows ? 1 : 0,
            now,
            f.follows ? null : now,
            now,
          ]);
        }
        if (f.credits !== undefined) {
          await stack.db.query('INSERT INTO subscribe_credits (member_id, template_id, credits, updated_at) VALUES (?, ?, ?, ?)', [member.id, 'fixture-template', f.credits, now]);
        }
      }
    }

    const preview = (filter: unknown, token = marketer) => stack.api('POST', '/staff/segments/preview', { token, body: { filter } });

    /** The fixture names the preview's count and sample give (all of them: the fixture has fewer than 10 per answer). */
    async function members(filter: SegmentFilter): Promise<Name[]> {
      const answer = await preview(filter);
      expect(answer.status).toBe(200);
      const names = (answer.body.sample as { memberNo: string }[]).map((s) => byNo.get(s.memberNo) ?? (`unknown ${s.memberNo}` as Name)).sort();
      expect(answer.body.count).toBe(names.length);
      return names;
    }

    beforeAll(async () => {
      stack = await TestStack.start({ database });
      stack.clock.travelTo(TODAY);
      marketer = await stack.staffToken('marketer');
      await insertFixture();
    });

    afterAll(async () => {
      await stack?.close();
    });

    it('an empty filter is every active card marketing may reach; marketingAllowed false adds those who declined or opted out', async () => {
      expect(await members({})).toEqual(REACHABLE);
      expect(await members({ marketingAllowed: true })).toEqual(REACHABLE);
      expect(await members({ marketingAllowed: false })).toEqual(ALL_ACTIVE);
    });

    it('the sample shows each member as the builder lists them', async () => {
      const answer = await preview({ tiers: ['gold'] });
      expect(answer.body.count).toBe(2);
      expect(answer.body.sample).toHaveLength(2);
      expect(answer.body.sample).toEqual(
        expect.arrayContaining([
          { memberNo: numbers.a1, phoneMasked: '138****0000', tier: 'gold', stage: 'active' },
          { memberNo: numbers.a4, phoneMasked: '138****0000', tier: 'gold', stage: null },
        ]),
      );
    });

    it('stages, stage changes, R/F/M scores and classes', async () => {
      expect(await members({ stages: ['active', 'new'] })).toEqual(['a1', 'a3']);
      expect(await members({ stages: ['recently_lapsed', 'dormant'], marketingAllowed: false })).toEqual(['a2', 'a5']);
      expect(await members({ stageChangedFrom: 'active', stageChangedTo: 'recently_lapsed', stageChangedWithinDays: 7 })).toEqual(['a2']);
      expect(await members({ stageChangedFrom: 'active', stageChangedTo: 'recently_lapsed', stageChangedWithinDays: 3 })).toEqual([]);
      expect(await members({ stageChangedWithinDays: 7, marketingAllowed: false })).toEqual(['a2']);
      expect(await members({ stageChangedTo: 'lapsed', marketingAllowed: false })).toEqual(['a6']);
      expect(await members({ stageChangedWithinDays: 49, marketingAllowed: false })).toEqual(['a2', 'a6']);
      expect(await members({ rScores: [5] })).toEqual(['a1']);
      expect(await members({ fScores: [1] })).toEqual(['a2', 'a3']);
      expect(await members({ mScores: [4], marketingAllowed: false })).toEqual(['a1', 'a6']);
      expect(await members({ rScores: [3, 4], fScores: [1] })).toEqual(['a2', 'a3']);
      expect(await members({ classes: ['A', 'C'] })).toEqual(['a1', 'a3']);
      expect(await members({ classes: ['D'], marketingAllowed: false })).toEqual(['a2', 'a5']);
    });

    it('tier, home store and region', async () => {
      expect(await members({ tiers: ['gold'] })).toEqual(['a1', 'a4']);
      expect(await members({ tiers: ['diamond', 'silver'], marketingAllowed: false })).toEqual(['a3', 'a6']);
      expect(await members({ storeIds: [stack.store('HZ001').id] })).toEqual(['a1']);
      expect(await members({ storeIds: [stack.store('HZ001').id], marketingAllowed: false })).toEqual(['a1', 'a5', 'a6']);
      expect(await members({ regionIds: [stack.store('HZ001').regionId] })).toEqual(['a1', 'a2']);
      expect(await members({ regionIds: [stack.store('GZ001').regionId] })).toEqual(['a3']);
    });

    it('days since the last purchase and the join window, in Shanghai dates', async () => {
      // 30 days or more: bought on or before 2027-02-08.
      expect(await members({ lastPurchaseDaysMin: 30 })).toEqual(['a2']);
      expect(await members({ lastPurchaseDaysMin: 30, marketingAllowed: false })).toEqual(['a2', 'a6']);
      // Within 7 days: on or after 2027-03-03.
      expect(await members({ lastPurchaseDaysMax: 7 })).toEqual(['a1', 'a3']);
      expect(await members({ lastPurchaseDaysMin: 2, lastPurchaseDaysMax: 3 })).toEqual(['a1']);
      expect(await members({ lastPurchaseDaysMin: 4, lastPurchaseDaysMax: 4 })).toEqual(['a3']);
      expect(await members({ joinedFrom: '2026-01-01', joinedTo: '2026-12-31' })).toEqual(['a1', 'a2']);
      // a3 joined at 00:30 on 2027-03-01 in Shanghai (still 02-28 in UTC).
      expect(await members({ joinedFrom: '2027-03-01' })).toEqual(['a3']);
      expect(await members({ joinedTo: '2027-02-28' })).toEqual(['a1', 'a2', 'a4']);
    });

    it('birthday month and points balance (no points account is 0)', async () => {
      expect(await members({ birthdayMonths: [5] })).toEqual(['a1', 'a4']);
      expect(await members({ birthdayMonths: [12, 1] })).toEqual(['a2']);
      expect(await members({ pointsMin: 100 })).toEqual(['a1', 'a3', 'a4']);
      expect(await members({ pointsMax: 0 })).toEqual(['a2']);
      expect(await members({ pointsMin: 100, pointsMax: 500 })).toEqual(['a1', 'a3']);
    });

    it('coupon usage and usable coupons', async () => {
      expect(await members({ usedCoupon: true })).toEqual(['a1', 'a3']);
      expect(await members({ usedCoupon: true, couponsUsedWithinDays: 7 })).toEqual(['a1']);
      expect(await members({ usedCoupon: false })).toEqual(['a2', 'a4']);
      expect(await members({ usedCoupon: false, couponsUsedWithinDays: 7 })).toEqual(['a2', 'a3', 'a4']);
      expect(await members({ hasUsableCoupon: true })).toEqual(['a2']);
      expect(await members({ hasUsableCoupon: false })).toEqual(['a1', 'a3', 'a4']);
    });

    it('follows the official account and has subscribe credits', async () => {
      expect(await members({ followsOfficialAccount: true })).toEqual(['a1']);
      expect(await members({ followsOfficialAccount: false })).toEqual(['a2', 'a3', 'a4']);
      expect(await members({ hasSubscribeCredits: true })).toEqual(['a1']);
      expect(await members({ hasSubscribeCredits: false })).toEqual(['a2', 'a3', 'a4']);
    });

    it('criteria hold together, and an empty list is no criterion', async () => {
      expect(await members({ tiers: ['gold'], pointsMin: 1000 })).toEqual(['a4']);
      expect(await members({ stageChangedFrom: 'active', stageChangedWithinDays: 7, hasUsableCoupon: true, regionIds: [stack.store('SH001').regionId] })).toEqual(['a2']);
      expect(await members({ stages: [], tiers: [] })).toEqual(REACHABLE);
      expect(await members({ tiers: ['gold'], followsOfficialAccount: false, birthdayMonths: [6] })).toEqual([]);
    });

    it('streams the member ids in keyset pages for the campaign engine', async () => {
      const segments = stack.app.get(SegmentsService);
      const pages: string[][] = [];
      let after: string | null = null;
      for (;;) {
        const page = await segments.segmentMembers(stack.chain.brand.id, { marketingAllowed: false }, after, 4);
        if (page.length === 0) break;
        pages.push(page);
        after = page[page.length - 1];
      }
      expect(pages.map((p) => p.length)).toEqual([4, 2]);
      expect(pages.flat()).toEqual(ALL_ACTIVE.map((n) => ids[n]).sort());
      expect(await segments.segmentMembers(stack.chain.brand.id, { tiers: ['gold'] }, null, 10)).toEqual([ids.a1, ids.a4].sort());
    });

    it('saves a segment, lists it, reads it with a fresh count, and updates it over the version read (audited)', async () => {
      const created = await stack.api('POST', '/staff/segments', { token: marketer, body: { name: '  流失召回  ', filter: { stages: ['recently_lapsed', 'lapsed'] } } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: '流失召回', filter: { stages: ['recently_lapsed', 'lapsed'] }, version: 1 });
      const id = created.body.id as string;

      const list = await stack.api('GET', '/staff/segments', { token: marketer });
      expect(list.body.map((s: { id: string }) => s.id)).toContain(id);
      const read = await stack.api('GET', `/staff/segments/${id}`, { token: marketer });
      expect(read.body).toMatchObject({ id, count: 1, version: 1 });

      // A segment is the filter, not a frozen list: a member who comes to match is counted at once.
      await stack.db.query("UPDATE member_rfm SET stage = 'lapsed' WHERE member_id = ?", [ids.a1]);
      expect((await stack.api('GET', `/staff/segments/${id}`, { token: marketer })).body.count).toBe(2);
      await stack.db.query("UPDATE member_rfm SET stage = 'active' WHERE member_id = ?", [ids.a1]);

      const admin = await stack.staffToken('admin');
      const updated = await stack.api('PUT', `/staff/segments/${id}`, { token: admin, body: { name: '金卡会员', filter: { tiers: ['gold'] }, version: 1 } });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ name: '金卡会员', filter: { tiers: ['gold'] }, version: 2 });
      expect((await stack.api('GET', `/staff/segments/${id}`, { token: marketer })).body).toMatchObject({ count: 2, version: 2 });

      // The marketer still holds version 1: their save is refused and changes nothing.
      const stale = await stack.api('PUT', `/staff/segments/${id}`, { token: marketer, body: { name: '旧的', filter: {}, version: 1 } });
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('SEGMENT_CONFLICT');
      expect((await stack.api('GET', `/staff/segments/${id}`, { token: marketer })).body).toMatchObject({ name: '金卡会员', version: 2 });

      const audit = (await stack.db.query('SELECT action FROM audit_log WHERE target_id = ? ORDER BY created_at', [id])) as { action: string }[];
      expect(audit.map((a) => a.action).sort()).toEqual(['segment.create', 'segment.update']);
    });

    it('a bad filter is a 400 naming the field, and saves nothing', async () => {
      const before = (await stack.api('GET', '/staff/segments', { token: marketer })).body.length;
      const cases: [unknown, string][] = [
        [{ stages: ['gone'] }, 'filter.stages.0'],
        [{ rScores: [6] }, 'filter.rScores.0'],
        [{ classes: ['E'] }, 'filter.classes.0'],
        [{ birthdayMonths: [13] }, 'filter.birthdayMonths.0'],
        [{ joinedFrom: '2027-02-30' }, 'filter.joinedFrom'],
        [{ lastPurchaseDaysMin: 30, lastPurchaseDaysMax: 7 }, 'filter.lastPurchaseDaysMax'],
        [{ pointsMin: -1 }, 'filter.pointsMin'],
        [{ couponsUsedWithinDays: 7 }, 'filter.usedCoupon'],
        [{ followsOfficialAccount: 'yes' }, 'filter.followsOfficialAccount'],
        [{ stageChangedFrom: 'active', stageChangedTo: 'active' }, 'filter.stageChangedTo'],
        [{ storeIds: [randomUUID()] }, 'filter.storeIds.0'],
        [{ regionIds: [stack.store('HZ001').regionId, 'nowhere'] }, 'filter.regionIds.1'],
      ];
      for (const [filter, field] of cases) {
        const answer = await preview(filter);
        expect({ filter, status: answer.status }).toEqual({ filter, status: 400 });
        expect(answer.body.issues.map((i: { field: string }) => i.field)).toContain(field);
        expect(answer.body.issues.find((i: { field: string }) => i.field === field).message).toMatch(/[\u4e00-\u9fff]/);
        const saved = await stack.api('POST', '/staff/segments', { token: marketer, body: { name: '坏条件', filter } });
        expect(saved.status).toBe(400);
      }
      const unknown = await preview({ lifetimeValue: 5 });
      expect(unknown.status).toBe(400);
      const noName = await stack.api('POST', '/staff/segments', { token: marketer, body: { name: ' ', filter: {} } });
      expect(noName.body.issues.map((i: { field: string }) => i.field)).toEqual(['name']);
      expect((await stack.api('GET', '/staff/segments', { token: marketer })).body.length).toBe(before);
    });

    it('only HQ admins and marketers use segments; another brand finds none of ours', async () => {
      const created = await stack.api('POST', '/staff/segments', { token: marketer, body: { name: '权限测试', filter: {} } });
      for (const role of ['clerk', 'manager', 'region'] as const) {
        const token = await stack.staffToken(role);
        expect((await preview({}, token)).status).toBe(403);
        expect((await stack.api('GET', `/staff/segments/${created.body.id}`, { token })).status).toBe(403);
      }
      expect((await stack.api('GET', `/staff/segments/${randomUUID()}`, { token: marketer })).body.code).toBe('SEGMENT_NOT_FOUND');
      // A segment of another brand: moved there, it is not found and cannot be changed.
      await stack.db.query('UPDATE segments SET brand_id = ? WHERE id = ?', [randomUUID(), created.body.id]);
      expect((await stack.api('GET', `/staff/segments/${created.body.id}`, { token: marketer })).status).toBe(404);
      const put = await stack.api('PUT', `/staff/segments/${created.body.id}`, { token: marketer, body: { name: '改', filter: {}, version: 1 } });
      expect(put.status).toBe(404);
      expect((await stack.api('GET', '/staff/segments', { token: marketer })).body.map((s: { id: string }) => s.id)).not.toContain(created.body.id);
    });

    it('counts every match but samples at most 10', async () => {
      const more = await bulkMembers(stack, 12);
      await stack.db.query(`UPDATE members SET tier = 'diamond' WHERE id IN (${more.map(() => '?').join(', ')})`, more.map((m) => m.memberId));
      const answer = await preview({ tiers: ['diamond'], marketingAllowed: false });
      expect(answer.body.count).toBe(13);
      expect(answer.body.sample).toHaveLength(10);
    });
  });
}
