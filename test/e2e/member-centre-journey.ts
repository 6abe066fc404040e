import { AVATAR_MAX_BYTES } from '@wemember/shared';
import { BrandRows, rowChanges } from '../support/brand-rows';
import { jpegBytes, TINY_PNG_BASE64 } from '../support/images';
import { ACCEPTED_AGREEMENTS, aPhone, TestStack } from '../support/stack';
import { TestTill } from '../support/till';

/** The claims of a member token: its WeChat identity (`sub`) and card. */
function claimsOf(token: string): { sub: string; memberId: string | null } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

/**
 * The member centre (我的): agreements and consent at join, one phone → one card → one WeChat owner,
 * closing the card, the profile and avatar, the home store and the tier page. Shared by the MariaDB
 * and the SQLite runs.
 */
export function describeMemberCentre(database: 'mysql' | 'sqlite'): void {
  describe(`member centre (${database})`, () => {
    let stack: TestStack;
    let till: TestTill;
    let rows: BrandRows;

    beforeAll(async () => {
      stack = await TestStack.start({ database });
      till = await TestTill.open(stack);
      rows = await BrandRows.of(stack.db);
    });
    afterAll(() => stack?.close());

    const memberRow = async (memberNo: string) =>
      (await stack.db.query('SELECT * FROM members WHERE brand_id = ? AND member_no = ?', [stack.chain.brand.id, memberNo]))[0];
    const joinWith = async (token: string, phone: string, acceptedAgreements: unknown) =>
      stack.api('POST', '/auth/phone', { token, body: { phoneCode: await stack.phoneCode(phone), acceptedAgreements } });

    describe('agreements and consent', () => {
      it('serves the 会员协议 and 隐私政策 in force, to anyone', async () => {
        const res = await stack.api('GET', '/member/agreements');
        expect(res.status).toBe(200);
        expect(res.body.membership).toMatchObject({ version: ACCEPTED_AGREEMENTS.membership, title: '会员协议', effectiveDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
        expect(res.body.privacy).toMatchObject({ version: ACCEPTED_AGREEMENTS.privacy, title: '隐私政策' });
        // What is collected, why, how long, and the member's rights under PIPL.
        for (const words of ['手机号', 'openid', '消费记录', '生日', '个人信息保护法', '注销', '更正', '查阅']) expect(res.body.privacy.text).toContain(words);
      });

      it('refuses a join without consent (400) or with an outdated version (409), stores nothing and spends no phone code', async () => {
        const login = await stack.login();
        const phone = aPhone();
        const phoneCode = await stack.phoneCode(phone);
        const before = await rows.count(stack.chain.brand.id);

        const missing = await stack.api('POST', '/auth/phone', { token: login.body.token, body: { phoneCode } });
        expect(missing.status).toBe(400);
        expect(missing.body.issues.map((i: { field: string }) => i.field)).toEqual(['acceptedAgreements']);

        const oldMembership = await stack.api('POST', '/auth/phone', { token: login.body.token, body: { phoneCode, acceptedAgreements: { ...ACCEPTED_AGREEMENTS, membership: '2025-01-01' } } });
        expect(oldMembership.status).toBe(409);
        expect(oldMembership.body.code).toBe('AGREEMENT_OUTDATED');
        expect(oldMembership.body.issues.map((i: { field: string }) => i.field)).toEqual(['acceptedAgreements.membership']);

        const bothOld = await stack.api('POST', '/auth/phone', { token: login.body.token, body: { phoneCode, acceptedAgreements: { membership: 'v0', privacy: 'v0' } } });
        expect(bothOld.body.issues.map((i: { field: string }) => i.field)).toEqual(['acceptedAgreements.membership', 'acceptedAgreements.privacy']);

        expect(rowChanges(before, await rows.count(stack.chain.brand.id))).toEqual([]);
        // The phone code was never spent: the shopper ticks the current versions and it still works.
        const joined = await stack.api('POST', '/auth/phone', { token: login.body.token, body: { phoneCode, acceptedAgreements: ACCEPTED_AGREEMENTS } });
        expect(joined.status).toBe(200);
        expect(joined.body.welcomeBack).toBe(false);
      });

      it('records each accepted version once per member, with the identity, even when the join is replayed', async () => {
        const phone = aPhone();
        const first = await stack.join(phone);
        const again = await stack.login({ openid: await openidOf(stack, first.token) });
        expect((await joinWith(again.body.token, phone, ACCEPTED_AGREEMENTS)).status).toBe(200);
        const consents = await stack.db.query('SELECT kind, version, identity_id FROM member_consents WHERE member_id = ? ORDER BY kind', [claimsOf(first.token).memberId]);
        expect(consents).toEqual([
          { kind: 'membership', version: ACCEPTED_AGREEMENTS.membership, identity_id: claimsOf(first.token).sub },
          { kind: 'privacy', version: ACCEPTED_AGREEMENTS.privacy, identity_id: claimsOf(first.token).sub },
        ]);
        const profile = await stack.api('GET', '/member/profile', { token: first.token });
        expect(profile.body.agreements.membership.version).toBe(ACCEPTED_AGREEMENTS.membership);
        expect(profile.body.agreements.privacy.version).toBe(ACCEPTED_AGREEMENTS.privacy);
      });
    });

    describe('one phone, one card, one owner', () => {
      it('a second WeChat account verifying the phone takes the card: welcome back, and the first account is signed out', async () => {
        const phone = aPhone();
        const first = await stack.join(phone);
        expect(first.welcomeBack).toBe(false);
        expect((await stack.api('GET', '/member/card', { token: first.token })).status).toBe(200);

        const second = await stack.join(phone);
        expect(second.welcomeBack).toBe(true);
        expect(second.member.memberNo).toBe(first.member.memberNo);
        expect((await stack.api('GET', '/member/card', { token: second.token })).status).toBe(200);
        const old = await stack.api('GET', '/member/card', { token: first.token });
        expect(old.status).toBe(401);
        expect(old.body.code).toBe('TOKEN_INVALID');

        const memberId = claimsOf(second.token).memberId;
        const linked = await stack.db.query('SELECT id FROM wechat_identities WHERE member_id = ?', [memberId]);
        expect(linked).toEqual([{ id: claimsOf(second.token).sub }]);
        const audit = await stack.db.query("SELECT staff_id, detail FROM audit_log WHERE action = 'member.takeover' AND target_id = ?", [memberId]);
        expect(audit).toHaveLength(1);
        expect(JSON.parse(audit[0].detail).unlinkedIdentityIds).toEqual([claimsOf(first.token).sub]);
        // The first account opens the app again: not a member any more, until it verifies a phone.
        const relogin = await stack.login({ openid: await openidOf(stack, first.token) });
        expect(relogin.body.member).toBeNull();
      });

      it('two accounts claiming one card at once leave exactly one owner', async () => {
        const phone = aPhone();
        await stack.join(phone);
        const logins = await Promise.all([stack.login(), stack.login()]);
        const joins = await Promise.all(logins.map((l) => joinWith(l.body.token, phone, ACCEPTED_AGREEMENTS)));
        expect(joins.map((j) => j.status)).toEqual([200, 200]);
        const cards = await Promise.all(joins.map((j) => stack.api('GET', '/member/card', { token: j.body.token })));
        expect(cards.map((c) => c.status).sort()).toEqual([200, 401]);
        const [row] = await stack.db.query('SELECT COUNT(*) AS n FROM wechat_identities WHERE member_id = ?', [claimsOf(joins[0].body.token).memberId]);
        expect(Number(row.n)).toBe(1);
      });

      it('an account holding another open card cannot join with a new phone; once that card is closed it can', async () => {
        const held = await stack.join(aPhone());
        const login = await stack.login({ openid: await openidOf(stack, held.token) });
        const other = await joinWith(login.body.token, aPhone(), ACCEPTED_AGREEMENTS);
        expect(other.status).toBe(409);
        expect(other.body.code).toBe('WECHAT_ALREADY_BOUND');

        await stack.db.query("UPDATE members SET status = 'closed' WHERE id = ?", [claimsOf(held.token).memberId]);
        const fresh = await joinWith(login.body.token, aPhone(), ACCEPTED_AGREEMENTS);
        expect(fresh.status).toBe(200);
        expect(fresh.body.member.memberNo).not.toBe(held.member.memberNo);
      });
    });

    describe('closing the card (注销)', () => {
      it('anonymises the member, keeps the accounts, signs every token out, and the phone joins again as a new card', async () => {
        const phone = aPhone();
        const joined = await stack.join(phone, { scene: stack.chain.counterScenes.HZ001 });
        const member = { token: joined.token, memberNo: joined.member.memberNo, memberId: claimsOf(joined.token).memberId!, phone };
        await till.bought(member, { amountFen: 8_800 });
        await stack.api('PUT', '/member/birthday', { token: member.token, body: { birthday: '1992-04-18' } });
        await stack.api('PATCH', '/member/profile', { token: member.token, body: { nickname: '小林', gender: 'female', marketingConsent: true } });
        const avatar = (await stack.api('PUT', '/member/avatar', { token: member.token, body: { image: TINY_PNG_BASE64 } })).body.avatarUrl;
        const entries = async () => Number((await stack.db.query('SELECT COUNT(*) AS n FROM ledger_entries WHERE member_id = ?', [member.memberId]))[0].n);
        const orders = async () => Number((await stack.db.query('SELECT COUNT(*) AS n FROM orders WHERE member_id = ?', [member.memberId]))[0].n);
        const [entriesBefore, ordersBefore] = [await entries(), await orders()];
        expect(entriesBefore).toBeGreaterThan(0);

        const unconfirmed = await stack.api('POST', '/member/close', { token: member.token, body: { confirm: false } });
        expect(unconfirmed.status).toBe(400);
        expect(unconfirmed.body.issues.map((i: { field: string }) => i.field)).toEqual(['confirm']);
        expect((await memberRow(member.memberNo)).status).toBe('active');

        const closed = await stack.api('POST', '/member/close', { token: member.token, body: { confirm: true, reason: '搬家了，不再去这家店' } });
        expect(closed.status).toBe(200);
        expect(new Date(closed.body.closedAt).toISOString()).toBe(closed.body.closedAt);

        const row = await memberRow(member.memberNo);
        expect(row).toMatchObject({ status: 'closed', nickname: null, birthday: null, avatar_file: null, gender: 'unknown', phone_hash: `closed:${member.memberId}` });
        expect(Number(row.marketing_consent)).toBe(0);
        expect(row.phone_masked).not.toContain(phone.slice(-4));
        expect(row.phone_cipher).toBe('');
        expect(await entries()).toBe(entriesBefore);
        expect(await orders()).toBe(ordersBefore);
        expect((await stack.api('GET', avatar)).status).toBe(404);
        const audit = await stack.db.query("SELECT detail FROM audit_log WHERE action = 'member.close' AND target_id = ?", [member.memberId]);
        expect(JSON.parse(audit[0].detail)).toMatchObject({ reason: '搬家了，不再去这家店' });

        // HQ still finds the card by its number, for the accounts, without any phone number.
        const byHq = await stack.api('POST', '/staff/members/resolve', { token: till.adminToken, body: { code: member.memberNo } });
        expect(byHq.status).toBe(200);
        expect(byHq.body).toMatchObject({ memberNo: member.memberNo, status: 'closed', phone: '已注销' });
        const byPhone = await stack.api('POST', '/staff/members/resolve', { token: till.adminToken, body: { code: phone } });
        expect(byPhone.status).toBe(404);

        // Every token of the card stops; closing twice is refused the same way, changing nothing.
        expect((await stack.api('GET', '/member/card', { token: member.token })).status).toBe(401);
        const twice = await stack.api('POST', '/member/close', { token: member.token, body: { confirm: true } });
        expect(twice.status).toBe(401);
        expect(Number((await stack.db.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'member.close' AND target_id = ?", [member.memberId]))[0].n)).toBe(1);

        // The same phone joins again: a new card with a new number, not a welcome back.
        const rejoined = await stack.join(phone);
        expect(rejoined.welcomeBack).toBe(false);
        expect(rejoined.member.memberNo).not.toBe(member.memberNo);
        expect(rejoined.member.phoneMasked).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
        expect(rejoined.member.points).toBe(0);
      });
    });

    describe('profile and avatar', () => {
      it('shows the defaults and the stores: the home store first, then the others bought at, each once', async () => {
        const joined = await stack.join(aPhone(), { scene: stack.chain.counterScenes.HZ001 });
        const member = { token: joined.token, memberNo: joined.member.memberNo, memberId: claimsOf(joined.token).memberId!, phone: '' };
        const fresh = await stack.api('GET', '/member/profile', { token: member.token });
        expect(fresh.status).toBe(200);
        expect(fresh.body).toMatchObject({ memberNo: member.memberNo, nickname: null, avatarUrl: null, gender: 'unknown', birthday: null, marketingConsent: false });
        expect(fresh.body.stores).toEqual([{ id: stack.store('HZ001').id, name: '杭州西湖店' }]);

        for (const store of ['SH001', 'GZ001', 'SH001', 'HZ001']) {
          expect((await till.buy(member, { amountFen: 1_000, storeId: stack.store(store).id }, till.adminToken)).status).toBe(201);
        }
        const names = (await stack.api('GET', '/member/profile', { token: member.token })).body.stores.map((s: { name: string }) => s.name);
        expect(names[0]).toBe('杭州西湖店');
        expect([...names].sort()).toEqual(['上海静安店', '广州天河店', '杭州西湖店'].sort());
      });

      it('updates nickname, gender and the offers consent; each bad field is named and nothing changes', async () => {
        const joined = await stack.join(aPhone());
        const token = joined.token;
        const updated = await stack.api('PATCH', '/member/profile', { token, body: { nickname: '  阿珍  ', gender: 'female', marketingConsent: true } });
        expect(updated.status).toBe(200);
        expect(updated.body).toMatchObject({ nickname: '阿珍', gender: 'female', marketingConsent: true });
        const row = await memberRow(joined.member.memberNo);
        expect(row.marketing_consent_at).not.toBeNull();

        const bad = await stack.api('PATCH', '/member/profile', { token, body: { nickname: '', gender: 'other', marketingConsent: 'yes' } });
        expect(bad.status).toBe(400);
        expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['gender', 'marketingConsent', 'nickname']);
        const long = await stack.api('PATCH', '/member/profile', { token, body: { nickname: '一二三四五六七八九十一二三四五六七八九十一' } });
        expect(long.body.issues).toEqual([{ field: 'nickname', message: '昵称不能超过 20 个字' }]);
        expect((await stack.api('PATCH', '/member/profile', { token, body: {} })).status).toBe(400);
        expect((await stack.api('PATCH', '/member/profile', { token, body: { birthday: '1990-01-01' } })).status).toBe(400);
        expect((await stack.api('GET', '/member/profile', { token })).body).toMatchObject({ nickname: '阿珍', gender: 'female', marketingConsent: true });

        const off = await stack.api('PATCH', '/member/profile', { token, body: { marketingConsent: false } });
        expect(off.body).toMatchObject({ nickname: '阿珍', marketingConsent: false });
      });

      it('takes a JPEG or PNG avatar up to 256 KB, serves its bytes under a new random name, and refuses anything else', async () => {
        const { token } = await stack.join(aPhone());
        const png = await stack.api('PUT', '/member/avatar', { token, body: { image: TINY_PNG_BASE64 } });
        expect(png.status).toBe(200);
        expect(png.body.avatarUrl).toMatch(/^\/member\/avatars\/[A-Za-z0-9_-]{32}\.png$/);
        const served = await stack.api('GET', png.body.avatarUrl);
        expect(served.status).toBe(200);
        expect(Buffer.compare(served.body, Buffer.from(TINY_PNG_BASE64, 'base64'))).toBe(0);
        expect(served.headers.get('content-type')).toBe('image/png');
        expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(served.headers.get('x-content-type-options')).toBe('nosniff');

        // The largest avatar allowed: 256 KB, about 350 KB of JSON, more than other routes take.
        const largest = jpegBytes(AVATAR_MAX_BYTES);
        const jpeg = await stack.api('PUT', '/member/avatar', { token, body: { image: largest.toString('base64') } });
        expect(jpeg.status).toBe(200);
        expect(jpeg.body.avatarUrl).toMatch(/\.jpg$/);
        expect(jpeg.body.avatarUrl).not.toBe(png.body.avatarUrl);
        const jpegServed = await stack.api('GET', jpeg.body.avatarUrl);
        expect(jpegServed.headers.get('content-type')).toBe('image/jpeg');
        expect(Buffer.compare(jpegServed.body, largest)).toBe(0);
        expect((await stack.api('GET', png.body.avatarUrl)).status).toBe(404);

        const gif = await stack.api('PUT', '/member/avatar', { token, body: { image: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;').toString('base64') } });
        expect(gif.status).toBe(400);
        expect(gif.body).toMatchObject({ code: 'AVATAR_INVALID', issues: [{ field: 'image', message: '头像应为 JPEG 或 PNG 图片' }] });
        const oneTooMany = await stack.api('PUT', '/member/avatar', { token, body: { image: jpegBytes(AVATAR_MAX_BYTES + 1).toString('base64') } });
        expect(oneTooMany.status).toBe(400);
        expect(oneTooMany.body).toMatchObject({ code: 'AVATAR_INVALID', issues: [{ field: 'image' }] });
        const huge = await stack.api('PUT', '/member/avatar', { token, body: { image: jpegBytes(300 * 1024).toString('base64') } });
        // Past even the avatar route's body limit: refused before it is read.
        expect(huge.status).toBe(413);
        expect(huge.body.code).toBe('BODY_TOO_LARGE');
        // Still the JPEG.
        expect((await stack.api('GET', '/member/profile', { token })).body.avatarUrl).toBe(jpeg.body.avatarUrl);

        // Other routes keep the ordinary body limit.
        const big = await stack.api('PATCH', '/member/profile', { token, body: { nickname: '阿', padding: 'x'.repeat(300 * 1024) } });
        expect(big.status).toBe(413);
        expect((await stack.api('GET', '/member/avatars/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.png')).status).toBe(404);
        expect((await stack.api('GET', '/member/avatars/..%2f..%2fetc%2fpasswd')).status).toBe(404);
        expect((await stack.api('GET', jpeg.body.avatarUrl.toUpperCase().replace('/MEMBER/AVATARS/', '/member/avatars/'))).status).toBe(404);
      });
    });

    describe('home store and tiers', () => {
      it('the home store is the join store, with its address, phone and hours; none without a store code', async () => {
        const joined = await stack.join(aPhone(), { scene: stack.chain.counterScenes.SH001 });
        const res = await stack.api('GET', '/member/store', { token: joined.token });
        expect(res.status).toBe(200);
        expect(res.body.store).toEqual({
          id: stack.store('SH001').id,
          name: '上海静安店',
          address: '上海市静安区南京西路 1618 号 B1 层',
          phone: '021-6288 3190',
          hours: '周一至周日 09:00–22:30',
        });
        const none = await stack.join(aPhone());
        expect((await stack.api('GET', '/member/store', { token: none.token })).body).toEqual({ store: null });
      });

      it('shows every tier and, for a silver member, the growth to gold and what keeps silver at the next review', async () => {
        const member = await till.newMember();
        try {
          // ¥1,200 in December 2025 makes the card silver; ¥300 in March 2026, paid at silver's 9.8 折: ¥294.
          stack.clock.travelTo('2025-12-15T04:00:00Z');
          expect((await till.buy(member, { amountFen: 120_000 })).status).toBe(201);
          stack.clock.travelTo('2026-03-15T04:00:00Z');
          expect((await till.buy(member, { amountFen: 30_000 })).status).toBe(201);
          const res = await stack.api('GET', '/member/tiers', { token: member.token });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({
            tier: 'silver',
            tierName: '银卡会员',
            growth: 1494,
            progress: { nextTier: 'gold', nextTierName: '金卡会员', nextMinGrowth: 5000, growthNeeded: 3506 },
            // The review on 1 January 2027 counts 2026 only: 294 so far, silver needs 1000.
            keepGrowthNeeded: 706,
            nextReviewDate: '2027-01-01',
          });
          expect(res.body.tiers.map((t: { code: string; minGrowth: number; discount: string | null }) => [t.code, t.minGrowth, t.discount])).toEqual([
            ['normal', 0, null],
            ['silver', 1000, '9.8 折'],
            ['gold', 5000, '9.5 折'],
            ['diamond', 20000, '9 折'],
          ]);
          expect(res.body.rules.join('\n')).toContain('每年 1 月 1 日');
        } finally {
          stack.clock.travelTo(new Date());
        }
      });
    });
  });
}

async function openidOf(stack: TestStack, token: string): Promise<string> {
  const [row] = await stack.db.query('SELECT openid FROM wechat_identities WHERE id = ?', [claimsOf(token).sub]);
  return row.openid;
}
