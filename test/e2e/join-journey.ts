import { MEMBER_CODE } from '@wemember/shared';
import { ACCEPTED_AGREEMENTS, aPhone, TestStack } from '../support/stack';

/**
 * Journey 1, join in store: scan the store's code → wx.login → phone button → the card. Shared by
 * the MariaDB and the SQLite runs, so the embedded default is held to the same behaviour.
 */
export function describeJoinJourney(database: 'mysql' | 'sqlite'): void {
  describe(`join by scanning a store code (${database})`, () => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await TestStack.start({ database });
    });
    afterAll(() => stack?.close());

    it('scan → login → phone → card, with first-touch attribution to the store and clerk', async () => {
      const scene = stack.chain.staffScenes[`${stack.usernamePrefix}clerk`];
      await stack.printCode(scene);
      const launch = await stack.wechat<{ path: string; query: { scene: string } }>('/scan', { scene });
      expect(launch.path).toBe('pages/join/index');
      const scanned = decodeURIComponent(launch.query.scene);

      const where = await stack.api('GET', `/stores/scene/${scanned}`);
      expect(where.status).toBe(200);
      expect(where.body).toMatchObject({ storeName: '杭州西湖店', staffName: '西湖店店员小陈', channel: 'staff' });

      const login = await stack.login({ scene: scanned });
      expect(login.status).toBe(200);
      expect(login.body.member).toBeNull();
      expect(JSON.stringify(login.body)).not.toMatch(/session_key|sessionKey/);

      const phone = aPhone();
      const joined = await stack.api('POST', '/auth/phone', { token: login.body.token, body: { phoneCode: await stack.phoneCode(phone), acceptedAgreements: ACCEPTED_AGREEMENTS } });
      expect(joined.status).toBe(200);
      expect(joined.body.member.memberNo).toMatch(/^[1-9]\d{9}$/);
      expect(joined.body.member.phoneMasked).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);

      const card = await stack.api('GET', '/member/card', { token: joined.body.token });
      expect(card.status).toBe(200);
      expect(card.body).toMatchObject({
        memberNo: joined.body.member.memberNo,
        tier: 'normal',
        tierName: '普通会员',
        points: 0,
        balanceFen: 0,
        status: 'active',
        brandName: '禾木生活超市',
      });

      const code = await stack.api('GET', '/member/code', { token: joined.body.token });
      expect(code.status).toBe(200);
      expect(code.body.code).toMatch(MEMBER_CODE);
      expect(code.body.code.startsWith(joined.body.member.memberNo)).toBe(true);
      expect(Date.parse(code.body.refreshAt)).toBeGreaterThan(Date.now());

      // The store manager sees the new member as one of their store's, joined through the clerk's code.
      const [row] = await stack.db.query('SELECT join_store_id, join_staff_id, join_channel, phone_cipher FROM members WHERE member_no = ?', [
        joined.body.member.memberNo,
      ]);
      expect(row.join_store_id).toBe(stack.store('HZ001').id);
      expect(row.join_staff_id).toBe(stack.chain.staff.find((s) => s.username.endsWith('clerk'))!.id);
      expect(row.join_channel).toBe('staff');
      expect(row.phone_cipher).not.toContain(phone);
      const byManager = await stack.api('POST', '/staff/members/resolve', { token: await stack.staffToken('manager'), body: { code: phone } });
      expect(byManager.body).toMatchObject({ memberNo: joined.body.member.memberNo, homeStoreName: '杭州西湖店', resolvedBy: 'phone' });
    });

    it('re-joining returns the same member and keeps the first attribution', async () => {
      const phone = aPhone();
      const first = await stack.join(phone, { scene: stack.chain.counterScenes.HZ001 });

      // Same WeChat user opens the app again, from another store's code: already a member.
      const again = await stack.login({ scene: stack.chain.counterScenes.GZ001, openid: await openidOf(stack, first.token) });
      expect(again.status).toBe(200);
      expect(again.body.member?.memberNo).toBe(first.member!.memberNo);

      // Another WeChat account authorises the same phone: one phone = one member.
      const other = await stack.join(phone, { scene: stack.chain.counterScenes.SH001 });
      expect(other.member!.memberNo).toBe(first.member!.memberNo);

      const [row] = await stack.db.query('SELECT COUNT(*) AS n, MIN(join_store_id) AS store FROM members WHERE brand_id = ? AND member_no = ?', [
        stack.chain.brand.id,
        first.member!.memberNo,
      ]);
      expect(Number(row.n)).toBe(1);
      expect(row.store).toBe(stack.store('HZ001').id);
    });

    it('ten concurrent joins of one phone create one member', async () => {
      const phone = aPhone();
      const logins = await Promise.all(Array.from({ length: 10 }, () => stack.login()));
      const codes = await Promise.all(logins.map(() => stack.phoneCode(phone)));
      const joins = await Promise.all(
        logins.map((login, i) => stack.api('POST', '/auth/phone', { token: login.body.token, body: { phoneCode: codes[i], acceptedAgreements: ACCEPTED_AGREEMENTS } })),
      );
      expect(joins.map((j) => j.status)).toEqual(Array(10).fill(200));
      expect(new Set(joins.map((j) => j.body.member.memberNo)).size).toBe(1);
      const hash = await stack.db.query('SELECT COUNT(*) AS n FROM members WHERE brand_id = ? AND phone_masked = ? AND member_no = ?', [
        stack.chain.brand.id,
        `${phone.slice(0, 3)}****${phone.slice(-4)}`,
        joins[0].body.member.memberNo,
      ]);
      expect(Number(hash[0].n)).toBe(1);
      const linked = await stack.db.query(
        'SELECT COUNT(*) AS n FROM wechat_identities i JOIN members m ON m.id = i.member_id WHERE m.member_no = ? AND m.brand_id = ?',
        [joins[0].body.member.memberNo, stack.chain.brand.id],
      );
      // One phone, one card, one owner: whichever join came last holds the card, the others' tokens stop.
      expect(Number(linked[0].n)).toBe(1);
      const cards = await Promise.all(joins.map((j) => stack.api('GET', '/member/card', { token: j.body.token })));
      expect(cards.map((c) => c.status).sort()).toEqual([200, ...Array(9).fill(401)]);
      expect(joins.filter((j) => j.body.welcomeBack === false)).toHaveLength(1);
    });

    it('without a store code the shopper still joins, with no attribution', async () => {
      const joined = await stack.join(aPhone());
      const [row] = await stack.db.query('SELECT join_store_id FROM members WHERE brand_id = ? AND member_no = ?', [stack.chain.brand.id, joined.member!.memberNo]);
      expect(row.join_store_id).toBeNull();
    });
  });
}

async function openidOf(stack: TestStack, token: string): Promise<string> {
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  const [row] = await stack.db.query('SELECT openid FROM wechat_identities WHERE id = ?', [claims.sub]);
  return row.openid;
}
