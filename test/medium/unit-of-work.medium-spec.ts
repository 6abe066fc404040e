import { randomUUID } from 'node:crypto';
import { Member } from '../../server/src/members/member.entity';
import { MembersRepository } from '../../server/src/members/members.repository';
import { deferred, mediumDatabases, openDatabase, sleep, type OpenDatabase } from './support/database';
import { aBrand, aMember, aNewMember } from './support/factories';

/**
 * One unit of work is the only way to write, on both databases. The defect these tests were written
 * against: on SQLite TypeORM hands every caller the same connection, so while one transaction
 * awaited I/O, another request's write ran inside it and was rolled back with it, and reads saw
 * rows that never committed.
 */
describe.each(mediumDatabases())('the unit of work (%s)', (database) => {
  let open: OpenDatabase;
  let members: MembersRepository;

  beforeAll(async () => {
    open = await openDatabase(database);
    members = new MembersRepository(open.uow);
  });
  afterAll(() => open?.close());

  /** A transaction that writes a member, then awaits I/O (a payment, say) until `reply` settles, then fails. */
  function failingPayment(brandId: string, reply: Promise<void>) {
    const written = deferred();
    const ghost = aNewMember(brandId);
    const done = open.uow.transaction(async (m) => {
      await m.getRepository(Member).insert({ ...ghost, id: randomUUID(), memberNo: String(Date.now()).slice(-10), tier: 'normal', status: 'active', joinedAt: new Date() });
      written.resolve();
      await reply;
      throw new Error('payment declined');
    });
    return { ghost, written: written.promise, done };
  }

  it('a join while another transaction awaits I/O and then rolls back is kept', async () => {
    const brand = await aBrand(open.uow);
    const reply = deferred();
    const payment = failingPayment(brand.id, reply.promise);
    await payment.written;

    // Another shopper joins meanwhile. Give the join every chance to run inside the open transaction
    // (as it did), then let the payment fail.
    const shopper = aNewMember(brand.id);
    const joining = members.createOrFind(shopper);
    await Promise.race([joining, sleep(50)]);
    reply.resolve();
    await expect(payment.done).rejects.toThrow('payment declined');

    const { member } = await joining;
    expect(await members.byPhoneHash(brand.id, shopper.phoneHash)).toMatchObject({ id: member.id, phoneHash: shopper.phoneHash });
    expect(await members.byPhoneHash(brand.id, payment.ghost.phoneHash)).toBeNull();
  });

  it('reads outside a transaction see committed rows only', async () => {
    const brand = await aBrand(open.uow);
    const reply = deferred();
    const payment = failingPayment(brand.id, reply.promise);
    await payment.written;
    try {
      expect(await members.byPhoneHash(brand.id, payment.ghost.phoneHash)).toBeNull();
    } finally {
      reply.resolve();
      await expect(payment.done).rejects.toThrow('payment declined');
    }
  });

  it('other writes of a member (identity, link, birthday) survive a rollback while they wait', async () => {
    const brand = await aBrand(open.uow);
    const member = await aMember(open.uow, brand.id);
    const reply = deferred();
    const payment = failingPayment(brand.id, reply.promise);
    await payment.written;

    const appid = `wx${randomUUID().slice(0, 8)}`;
    const writes = (async () => {
      const identity = await members.recordLogin({ brandId: brand.id, appid, openid: 'o-1', unionid: null, sessionKeyCipher: 'c', scene: null });
      expect(await members.linkIdentity(identity.id, member.id)).toBe(true);
      expect(await members.setBirthday(brand.id, member.id, '1990-05-01')).toBe(true);
      return identity;
    })();
    await Promise.race([writes, sleep(50)]);
    reply.resolve();
    await expect(payment.done).rejects.toThrow('payment declined');

    const identity = await writes;
    expect(await members.identity(identity.id)).toMatchObject({ memberId: member.id, openid: 'o-1' });
    expect((await members.byId(brand.id, member.id))?.birthday).toBe('1990-05-01');
  });

  it('refuses a unit of work opened inside another, and reads past the open one', async () => {
    await expect(open.uow.transaction(() => open.uow.transaction(async () => 1))).rejects.toThrow(/already open/);
    await expect(open.uow.transaction(async () => open.uow.reader.query('SELECT 1 AS one'))).rejects.toThrow(/read through its manager/);
    // Once it is over, both work again.
    expect(await open.uow.transaction(async (m) => (await m.query('SELECT 1 AS one'))[0].one)).toBe(1);
  });

  if (database === 'sqlite') {
    it('the reader cannot write: a write that slips past the unit of work fails instead of joining a transaction', async () => {
      const brand = await aBrand(open.uow);
      await expect(open.uow.reader.query('UPDATE brands SET name = ? WHERE id = ?', ['改名', brand.id])).rejects.toThrow(/readonly/i);
    });
  }
});
