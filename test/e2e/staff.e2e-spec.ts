import { randomUUID } from 'node:crypto';
import { decode as decodeJpeg } from 'jpeg-js';
import jsQR from 'jsqr';
import type { MemberAuthResponse } from '@wemember/shared';
import { Clock } from '../../server/src/common/clock';
import { MemberCodes } from '../../server/src/members/member-code.service';
import { hashPassword } from '../../server/src/staff/password-hasher';
import { Staff } from '../../server/src/staff/staff.entity';
import { aPhone, STAFF_PASSWORD, TestStack } from '../support/stack';

type Role = 'admin' | 'marketer' | 'region' | 'manager' | 'clerk';

const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

function readQrCode(jpeg: Buffer): string {
  const image = decodeJpeg(jpeg, { useTArray: true, formatAsRGBA: true });
  const code = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  if (!code) throw new Error('no QR code found in the image');
  return code.data;
}

/** Fixed one-minute rate windows: start a sequence of attempts well inside one, so it cannot straddle two. */
async function awayFromMinuteEnd(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 5_000) await new Promise((r) => setTimeout(r, left + 50));
}

describe('staff at the till and in the office', () => {
  let stack: TestStack;
  const tokens = new Map<Role, string>();
  /** Members who joined through each store's counter code. */
  const members = {} as Record<'HZ001' | 'SH001' | 'GZ001', { phone: string; auth: MemberAuthResponse }>;

  beforeAll(async () => {
    stack = await TestStack.start();
    for (const store of ['HZ001', 'SH001', 'GZ001'] as const) {
      const phone = aPhone();
      members[store] = { phone, auth: await stack.join(phone, { scene: stack.chain.counterScenes[store] }) };
    }
  });
  afterAll(() => stack?.close());

  /** One login per role for the whole file (logins are rate limited per address). */
  async function staff(role: Role): Promise<string> {
    if (!tokens.has(role)) tokens.set(role, await stack.staffToken(role));
    return tokens.get(role)!;
  }

  const login = (username: string, password: string) => stack.api('POST', '/staff/auth/login', { body: { username, password } });
  const resolve = async (role: Role, code: string) => stack.api('POST', '/staff/members/resolve', { token: await staff(role), body: { code } });
  const memberCode = async (token: string): Promise<string> => {
    const result = await stack.api('GET', '/member/code', { token });
    expect(result.status).toBe(200);
    return result.body.code;
  };
  const memberNo = (store: keyof typeof members) => members[store].auth.member!.memberNo;

  describe('login', () => {
    it('the right password gives a token and the profile, with the role and store in Chinese', async () => {
      const result = await login(stack.usernamePrefix + 'clerk', STAFF_PASSWORD);
      expect(result.status).toBe(200);
      expect(result.body.token).toEqual(expect.any(String));
      expect(Date.parse(result.body.expiresAt)).toBeGreaterThan(Date.now());
      expect(result.body.staff).toEqual({
        id: stack.chain.staff.find((s) => s.role === 'clerk')!.id,
        username: stack.usernamePrefix + 'clerk',
        displayName: '西湖店店员小陈',
        role: 'clerk',
        roleName: '店员',
        storeId: stack.store('HZ001').id,
        storeName: '杭州西湖店',
        regionId: stack.store('HZ001').regionId,
        regionName: '华东区',
      });
      expect(JSON.stringify(result.body)).not.toMatch(/scrypt|password/i);

      const admin = await login(stack.usernamePrefix + 'admin', STAFF_PASSWORD);
      expect(admin.status).toBe(200);
      expect(admin.body.staff).toMatchObject({ role: 'hq_admin', roleName: '总部管理员', storeName: null, regionName: null });
    });

    it('a wrong password and an unknown user get the same 401, so usernames cannot be probed', async () => {
      const wrongPassword = await login(stack.usernamePrefix + 'marketer', STAFF_PASSWORD + 'x');
      const unknownUser = await login(stack.usernamePrefix + 'nobody', STAFF_PASSWORD);
      expect(wrongPassword.status).toBe(401);
      expect(wrongPassword.body).toMatchObject({ statusCode: 401, code: 'STAFF_LOGIN_FAILED', message: '账号或密码错误' });
      expect(unknownUser.body).toEqual(wrongPassword.body);
      expect(wrongPassword.body.token).toBeUndefined();
    });

    it('a missing password is named', async () => {
      const result = await stack.api('POST', '/staff/auth/login', { body: { username: stack.usernamePrefix + 'admin' } });
      expect(result.status).toBe(400);
      expect(result.body.issues).toEqual([{ field: 'password', message: '请输入密码' }]);
    });

    it('GET /staff/me answers who is signed in, per role', async () => {
      const me = await stack.api('GET', '/staff/me', { token: await staff('region') });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        username: stack.usernamePrefix + 'region',
        displayName: '华东区经理王磊',
        role: 'region_manager',
        roleName: '区域经理',
        storeId: null,
        storeName: null,
        regionName: '华东区',
      });
      const manager = await stack.api('GET', '/staff/me', { token: await staff('manager') });
      expect(manager.body).toMatchObject({ role: 'store_manager', roleName: '店长', storeName: '杭州西湖店' });
      const marketer = await stack.api('GET', '/staff/me', { token: await staff('marketer') });
      expect(marketer.body).toMatchObject({ role: 'marketer', roleName: '营销专员', storeName: null });
    });
  });

  describe('resolving the dynamic member code at the till', () => {
    it('the clerk sees the summary with the masked phone; the hq admin sees the full phone', async () => {
      const { phone, auth } = members.HZ001;
      const byClerk = await resolve('clerk', await memberCode(auth.token));
      expect(byClerk.status).toBe(200);
      expect(byClerk.body).toMatchObject({
        memberNo: auth.member!.memberNo,
        phone: masked(phone),
        tier: 'normal',
        tierName: '普通会员',
        points: 0,
        balanceFen: 0,
        status: 'active',
        statusName: '正常',
        homeStoreName: '杭州西湖店',
        resolvedBy: 'member_code',
      });
      expect(JSON.stringify(byClerk.body)).not.toContain(phone);

      const byAdmin = await resolve('admin', await memberCode(auth.token));
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body).toMatchObject({ memberNo: auth.member!.memberNo, phone, resolvedBy: 'member_code' });
    });

    it('any clerk of the brand can scan the code of a member of another store (the member is at the counter)', async () => {
      const result = await resolve('clerk', await memberCode(members.GZ001.auth.token));
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ memberNo: memberNo('GZ001'), homeStoreName: '广州天河店', phone: masked(members.GZ001.phone) });
    });

    it('a forged code (last digit changed) is invalid', async () => {
      const code = await memberCode(members.HZ001.auth.token);
      const forged = code.slice(0, 19) + String((Number(code[19]) + 1) % 10);
      const result = await resolve('clerk', forged);
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({ code: 'MEMBER_CODE_INVALID', message: '会员码无效，请让顾客刷新会员码' });

      // Another member's number with this member's time and signature is no better.
      const swapped = memberNo('SH001') + code.slice(10);
      expect((await resolve('clerk', swapped)).body.code).toBe('MEMBER_CODE_INVALID');
    });

    it('a screenshot of an old code is expired; the code shown a minute ago still scans', async () => {
      const codes = new MemberCodes(stack.config, new Clock());
      const brandId = stack.chain.brand.id;

      const expired = await resolve('clerk', codes.issue(brandId, memberNo('HZ001'), Date.now() - 3 * 60_000).code);
      expect(expired.status).toBe(400);
      expect(expired.body).toMatchObject({ code: 'MEMBER_CODE_EXPIRED', message: '会员码已过期，请让顾客刷新会员码' });

      const justOutside = await resolve('clerk', codes.issue(brandId, memberNo('HZ001'), Date.now() - 2 * 60_000).code);
      expect(justOutside.body.code).toBe('MEMBER_CODE_EXPIRED');

      const lastMinute = await resolve('clerk', codes.issue(brandId, memberNo('HZ001'), Date.now() - 60_000).code);
      expect(lastMinute.status).toBe(200);
      expect(lastMinute.body.memberNo).toBe(memberNo('HZ001'));
    });

    it('a code signed for another brand is invalid, even for a member number that exists here', async () => {
      const otherBrandCode = new MemberCodes(stack.config, new Clock()).issue(randomUUID(), memberNo('HZ001')).code;
      const result = await resolve('clerk', otherBrandCode);
      expect(result.status).toBe(400);
      expect(result.body.code).toBe('MEMBER_CODE_INVALID');
    });

    it("another brand's member, showing their live code, is not found at this brand's till", async () => {
      // A second brand on the same database and with the same code secret: only the brand tells them apart.
      const other = await TestStack.start({ env: { MEMBER_CODE_SECRET: stack.config.secrets.memberCode.toString('base64url') } });
      try {
        const stranger = await other.join(aPhone(), { scene: other.chain.counterScenes.HZ001 });
        const code = await (async () => {
          const result = await other.api('GET', '/member/code', { token: stranger.token });
          expect(result.status).toBe(200);
          return result.body.code as string;
        })();
        // Their own brand's clerk can resolve it…
        const atHome = await other.api('POST', '/staff/members/resolve', { token: await other.staffToken('clerk'), body: { code } });
        expect(atHome.status).toBe(200);
        // …this brand's cannot, and neither can this brand's admin by number.
        const here = await resolve('clerk', code);
        expect(here.status).toBe(400);
        expect(here.body.code).toBe('MEMBER_CODE_INVALID');
        const byNumber = await resolve('admin', stranger.member!.memberNo);
        expect(byNumber.status).toBe(404);
        expect(byNumber.body.code).toBe('MEMBER_NOT_FOUND');
      } finally {
        await other.close();
      }
    });
  });

  describe('looking a member up by phone or member number', () => {
    it('a clerk may not: they scan the code the member shows', async () => {
      for (const input of [members.HZ001.phone, memberNo('HZ001')]) {
        const result = await resolve('clerk', input);
        expect(result.status).toBe(403);
        expect(result.body).toMatchObject({ code: 'LOOKUP_NOT_ALLOWED', message: '店员请扫描顾客出示的会员码' });
      }
    });

    it("the store manager finds their own store's members only; another store's member is OTHER_STORE, with nothing about them", async () => {
      const byPhone = await resolve('manager', members.HZ001.phone);
      expect(byPhone.status).toBe(200);
      expect(byPhone.body).toMatchObject({ memberNo: memberNo('HZ001'), phone: masked(members.HZ001.phone), homeStoreName: '杭州西湖店', resolvedBy: 'phone' });
      const byNumber = await resolve('manager', memberNo('HZ001'));
      expect(byNumber.status).toBe(200);
      expect(byNumber.body).toMatchObject({ memberNo: memberNo('HZ001'), resolvedBy: 'member_no' });

      const nobody = await resolve('manager', aPhone());
      expect(nobody.status).toBe(404);
      expect(nobody.body.code).toBe('MEMBER_NOT_FOUND');
      for (const store of ['SH001', 'GZ001'] as const) {
        for (const input of [members[store].phone, memberNo(store)]) {
          const result = await resolve('manager', input);
          expect(result.status).toBe(403);
          expect(Object.keys(result.body).sort()).toEqual(['code', 'message', 'statusCode']);
          expect(result.body).toMatchObject({ code: 'OTHER_STORE', message: '该会员属于其他门店，请到所属门店或联系总部查询' });
        }
      }
    });

    it('the 华东区 region manager finds HZ001 and SH001 members but not GZ001 ones', async () => {
      for (const store of ['HZ001', 'SH001'] as const) {
        const result = await resolve('region', members[store].phone);
        expect(result.status).toBe(200);
        expect(result.body).toMatchObject({ memberNo: memberNo(store), phone: masked(members[store].phone) });
        expect((await resolve('region', memberNo(store))).status).toBe(200);
      }
      for (const input of [members.GZ001.phone, memberNo('GZ001')]) {
        const result = await resolve('region', input);
        expect(result.status).toBe(403);
        expect(result.body.code).toBe('OTHER_STORE');
      }
    });

    it('a member who joined without a store code belongs to no store or region: another store’s for managers', async () => {
      const phone = aPhone();
      await stack.join(phone);
      expect((await resolve('manager', phone)).body.code).toBe('OTHER_STORE');
      expect((await resolve('region', phone)).body.code).toBe('OTHER_STORE');
      expect((await resolve('marketer', phone)).status).toBe(200);
    });

    it('the marketer and the hq admin find everyone; only the admin sees full numbers', async () => {
      for (const store of ['HZ001', 'SH001', 'GZ001'] as const) {
        const byMarketer = await resolve('marketer', members[store].phone);
        expect(byMarketer.status).toBe(200);
        expect(byMarketer.body).toMatchObject({ memberNo: memberNo(store), phone: masked(members[store].phone) });
        const byAdmin = await resolve('admin', memberNo(store));
        expect(byAdmin.status).toBe(200);
        expect(byAdmin.body).toMatchObject({ memberNo: memberNo(store), phone: members[store].phone, resolvedBy: 'member_no' });
      }
    });

    it('input of a wrong length is a 400 naming the field', async () => {
      for (const role of ['clerk', 'manager', 'admin'] as const) {
        for (const input of ['138001380001', '123456789', '1234567890123456789', '1380013800a']) {
          const result = await resolve(role, input);
          expect(result.status).toBe(400);
          expect(result.body.code).toBe('VALIDATION_FAILED');
          expect(result.body.issues.map((i: { field: string }) => i.field)).toEqual(['code']);
        }
      }
      const missing = await stack.api('POST', '/staff/members/resolve', { token: await staff('manager'), body: {} });
      expect(missing.status).toBe(400);
      expect(missing.body.issues).toEqual([{ field: 'code', message: '请输入会员码' }]);
    });
  });

  describe('stores and their printable codes', () => {
    const storesOf = async (role: Role) => {
      const result = await stack.api('GET', '/staff/stores', { token: await staff(role) });
      expect(result.status).toBe(200);
      return result.body as { id: string; code: string; name: string; regionName: string; scene: string }[];
    };

    it('each role sees the stores of its scope, each with its counter code scene', async () => {
      const expected: Record<Role, string[]> = {
        clerk: ['HZ001'],
        manager: ['HZ001'],
        region: ['HZ001', 'SH001'],
        marketer: ['GZ001', 'HZ001', 'SH001'],
        admin: ['GZ001', 'HZ001', 'SH001'],
      };
      for (const [role, codes] of Object.entries(expected) as [Role, string[]][]) {
        const stores = await storesOf(role);
        expect(stores.map((s) => s.code).sort()).toEqual(codes);
        for (const store of stores) {
          expect(store.scene).not.toBe('');
          expect(store.scene).toBe(stack.chain.counterScenes[store.code]);
          expect(store.id).toBe(stack.store(store.code).id);
        }
      }
      const all = await storesOf('admin');
      expect(all.find((s) => s.code === 'GZ001')).toMatchObject({ name: '广州天河店', regionName: '华南区' });
      expect(all.find((s) => s.code === 'SH001')).toMatchObject({ name: '上海静安店', regionName: '华东区' });
    });

    it("a store's wxacode is a JPEG whose QR code opens the join page with the store's scene", async () => {
      const store = stack.store('HZ001');
      const result = await stack.api('GET', `/staff/stores/${store.id}/wxacode`, { token: await staff('clerk') });
      expect(result.status).toBe(200);
      expect(result.headers.get('content-type')).toMatch(/^image\/jpeg/);
      const jpeg = result.body as Buffer;
      expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);

      const text = readQrCode(jpeg);
      expect(text).toContain(stack.chain.counterScenes.HZ001);
      const content = new URL(text);
      expect(content.searchParams.get('scene')).toBe(stack.chain.counterScenes.HZ001);
      expect(content.searchParams.get('page')).toBe('pages/join/index');
      expect(content.searchParams.get('appid')).toBe(stack.appid);

      // The region manager prints SH001's code.
      const sh = await stack.api('GET', `/staff/stores/${stack.store('SH001').id}/wxacode`, { token: await staff('region') });
      expect(sh.status).toBe(200);
      expect(new URL(readQrCode(sh.body)).searchParams.get('scene')).toBe(stack.chain.counterScenes.SH001);
    });

    it('a store outside the scope, or none at all, is not found', async () => {
      for (const [role, id] of [
        ['clerk', stack.store('GZ001').id],
        ['manager', stack.store('SH001').id],
        ['region', stack.store('GZ001').id],
        ['admin', randomUUID()],
      ] as [Role, string][]) {
        const result = await stack.api('GET', `/staff/stores/${id}/wxacode`, { token: await staff(role) });
        expect(result.status).toBe(404);
        expect(result.body).toMatchObject({ statusCode: 404, code: 'STORE_NOT_FOUND', message: '门店不存在' });
      }
    });
  });

  describe('audiences', () => {
    it('a member token on staff endpoints is refused with WRONG_AUDIENCE', async () => {
      const token = members.HZ001.auth.token;
      const calls = [
        stack.api('GET', '/staff/me', { token }),
        stack.api('GET', '/staff/stores', { token }),
        stack.api('GET', `/staff/stores/${stack.store('HZ001').id}/wxacode`, { token }),
        stack.api('POST', '/staff/members/resolve', { token, body: { code: await memberCode(token) } }),
      ];
      for (const result of await Promise.all(calls)) {
        expect(result.status).toBe(403);
        expect(result.body).toMatchObject({ code: 'WRONG_AUDIENCE', message: '此账号无权访问该接口' });
      }
    });

    it('a staff token on the member card is refused; no token at all is a 401', async () => {
      const asStaff = await stack.api('GET', '/member/card', { token: await staff('admin') });
      expect(asStaff.status).toBe(403);
      expect(asStaff.body.code).toBe('WRONG_AUDIENCE');
      expect((await stack.api('GET', '/member/code', { token: await staff('clerk') })).status).toBe(403);

      for (const [method, path] of [
        ['GET', '/member/card'],
        ['GET', '/member/code'],
        ['GET', '/staff/me'],
        ['GET', '/staff/stores'],
        ['POST', '/staff/members/resolve'],
      ]) {
        const result = await stack.api(method, path, method === 'POST' ? { body: { code: memberNo('HZ001') } } : {});
        expect(result.status).toBe(401);
        expect(result.body.code).toBe('UNAUTHENTICATED');
      }
    });

    it('a member only ever sees their own card: there is no way to name another member', async () => {
      const a = members.HZ001.auth;
      const b = members.SH001.auth;
      const cardA = await stack.api('GET', '/member/card', { token: a.token });
      const cardB = await stack.api('GET', '/member/card', { token: b.token });
      expect(cardA.body).toMatchObject({ memberNo: a.member!.memberNo, phoneMasked: masked(members.HZ001.phone) });
      expect(cardB.body).toMatchObject({ memberNo: b.member!.memberNo, phoneMasked: masked(members.SH001.phone) });

      // Naming B in the query is ignored; a path with B's number does not exist.
      const [{ id: memberIdB }] = await stack.db.query('SELECT id FROM members WHERE brand_id = ? AND member_no = ?', [
        stack.chain.brand.id,
        b.member!.memberNo,
      ]);
      const withQuery = await stack.api('GET', `/member/card?memberNo=${b.member!.memberNo}&memberId=${memberIdB}`, { token: a.token });
      expect(withQuery.body.memberNo).toBe(a.member!.memberNo);
      const codeWithQuery = await stack.api('GET', `/member/code?memberNo=${b.member!.memberNo}`, { token: a.token });
      expect(codeWithQuery.body.code.startsWith(a.member!.memberNo)).toBe(true);
      expect((await stack.api('GET', `/member/card/${b.member!.memberNo}`, { token: a.token })).status).toBe(404);

      // Rewriting the token's claims to B's member breaks its signature.
      const [header, payload, signature] = a.token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = [header, Buffer.from(JSON.stringify({ ...claims, memberId: memberIdB })).toString('base64url'), signature].join('.');
      const asB = await stack.api('GET', '/member/card', { token: forged });
      expect(asB.status).toBe(401);
      expect(asB.body.code).toBe('TOKEN_INVALID');
    });
  });

  describe('a disabled staff account', () => {
    it('stops working at once: its token is refused and it cannot log in', async () => {
      // A clerk of its own, so the shared accounts stay usable.
      const username = `${stack.usernamePrefix}leaver`;
      const id = randomUUID();
      await stack.db.getRepository(Staff).insert({
        id,
        brandId: stack.chain.brand.id,
        username,
        passwordHash: await hashPassword(STAFF_PASSWORD),
        displayName: '离职店员',
        role: 'clerk',
        storeId: stack.store('HZ001').id,
        regionId: stack.store('HZ001').regionId,
        active: true,
        createdAt: new Date(),
      });
      const signedIn = await login(username, STAFF_PASSWORD);
      expect(signedIn.status).toBe(200);
      const token = signedIn.body.token;
      expect((await stack.api('GET', '/staff/me', { token })).status).toBe(200);
      const code = await memberCode(members.HZ001.auth.token);
      expect((await stack.api('POST', '/staff/members/resolve', { token, body: { code } })).status).toBe(200);

      await stack.db.query('UPDATE staff SET active = 0 WHERE id = ?', [id]);

      const me = await stack.api('GET', '/staff/me', { token });
      expect(me.status).toBe(403);
      expect(me.body).toMatchObject({ code: 'STAFF_DISABLED', message: '账号已停用，请联系管理员' });
      const resolved = await stack.api('POST', '/staff/members/resolve', { token, body: { code } });
      expect(resolved.status).toBe(403);
      expect(resolved.body.code).toBe('STAFF_DISABLED');
      expect((await stack.api('GET', '/staff/stores', { token })).body.code).toBe('STAFF_DISABLED');

      const again = await login(username, STAFF_PASSWORD);
      expect(again.status).toBe(403);
      expect(again.body.code).toBe('STAFF_DISABLED');
      expect(again.body.token).toBeUndefined();
      // A wrong password still says only that the credentials are wrong.
      expect((await login(username, 'guess')).body.code).toBe('STAFF_LOGIN_FAILED');
    });
  });
});

describe('staff login rate limit', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { RATE_LIMIT_STAFF_LOGIN_PER_MINUTE: '3' } });
  });
  afterAll(() => stack?.close());

  const login = (username: string, password: string) => stack.api('POST', '/staff/auth/login', { body: { username, password } });

  it('more attempts for one username within a minute than allowed → 429 with Retry-After, even with the right password', async () => {
    await awayFromMinuteEnd();
    const username = stack.usernamePrefix + 'manager';
    for (let i = 0; i < 3; i++) {
      expect((await login(username, `guess-${i}`)).status).toBe(401);
    }

    const limited = await login(username, STAFF_PASSWORD);
    const secondsLeftInMinute = Math.ceil((60_000 - (Date.now() % 60_000)) / 1000);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    expect(limited.body.message).toMatch(/^登录尝试太频繁，请 \d+ 秒后再试$/);
    expect(limited.body.token).toBeUndefined();
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(Math.abs(retryAfter - secondsLeftInMinute)).toBeLessThanOrEqual(1);

    // Changing the case or the accents of the username does not buy more guesses.
    expect((await login(username.toUpperCase(), STAFF_PASSWORD)).status).toBe(429);
    expect((await login(username.replace('a', 'á'), STAFF_PASSWORD)).status).toBe(429);

    // The limit is per account: a colleague at the same till still signs in.
    const colleague = await login(stack.usernamePrefix + 'clerk', STAFF_PASSWORD);
    expect(colleague.status).toBe(200);
    expect(colleague.body.staff.username).toBe(stack.usernamePrefix + 'clerk');
  });
});

describe('staff login: the account found, not the text typed; addresses only from trusted hops', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // One proxy hop in front: only the address it appends is believed.
    stack = await TestStack.start({ env: { RATE_LIMIT_STAFF_LOGIN_PER_MINUTE: '3', TRUST_PROXY: '1' } });
  });
  afterAll(() => stack?.close());

  const login = (username: string, password: string, clientAddress: string, forged = '') =>
    stack.api('POST', '/staff/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': forged ? `${forged}, ${clientAddress}` : clientAddress } });

  it('accented and upper-case spellings neither sign in as the account nor get buckets of their own', async () => {
    await awayFromMinuteEnd();
    const clerk = stack.usernamePrefix + 'clerk';
    const spellings = [clerk.toUpperCase(), clerk.replace('c', 'ç'), clerk.replace('e', 'é')];
    for (const spelling of spellings) expect((await login(spelling, STAFF_PASSWORD, '10.1.0.1')).body.code).toBe('STAFF_LOGIN_FAILED');
    // Three tries were spent on the one account from this address.
    expect((await login(clerk, STAFF_PASSWORD, '10.1.0.1')).status).toBe(429);
  });

  it('an address rotated by the client itself is not believed', async () => {
    await awayFromMinuteEnd();
    const manager = stack.usernamePrefix + 'manager';
    for (let i = 0; i < 3; i++) expect((await login(manager, `guess-${i}`, '10.2.0.1', `203.0.113.${i}`)).status).toBe(401);
    expect((await login(manager, STAFF_PASSWORD, '10.2.0.1', '203.0.113.99')).status).toBe(429);
  });

  it('guessing from one place does not lock the account out at another', async () => {
    await awayFromMinuteEnd();
    const region = stack.usernamePrefix + 'region';
    for (let i = 0; i < 4; i++) await login(region, `guess-${i}`, '10.3.0.1');
    expect((await login(region, STAFF_PASSWORD, '10.3.0.1')).status).toBe(429);
    const atTheOffice = await login(region, STAFF_PASSWORD, '10.3.0.2');
    expect(atTheOffice.status).toBe(200);
  });
});
