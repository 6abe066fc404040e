import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../server/src/common/domain-error';
import { isUniqueViolation } from '../../server/src/database/unit-of-work';
import { Ledger, type AccountKind, type LockedAccount, type Posting } from '../../server/src/ledger/ledger';
import { accountAddsUp, LedgerRepository } from '../../server/src/ledger/ledger.repository';
import { LedgerDrift, lockMember } from '../../server/src/ledger/member-lock';
import { PointsLedger, type PointsAccount } from '../../server/src/points/points-ledger';
import { mediumDatabases, openDatabase, sleep, type OpenDatabase } from './support/database';
import { aBrand, aMember } from './support/factories';

const AT = new Date('2026-06-02T02:00:00Z');

const aPosting = (overrides: Partial<Posting> = {}): Posting => ({
  entryKind: 'adjust',
  key: `test:${randomUUID()}`,
  reason: '测试',
  sourceType: 'test',
  sourceId: randomUUID(),
  at: AT,
  ...overrides,
});

/**
 * The ledger's one write path on both databases: accounts per member and kind, entries with the
 * account's sequence and the balance after, the checked conditional UPDATE, business keys.
 */
describe.each(mediumDatabases())('the ledger (%s)', (database) => {
  let open: OpenDatabase;
  let ledger: Ledger;
  let reads: LedgerRepository;
  let brandId: string;

  beforeAll(async () => {
    open = await openDatabase(database);
    ledger = new Ledger();
    reads = new LedgerRepository(open.uow);
    brandId = (await aBrand(open.uow)).id;
  });
  afterAll(() => open?.close());

  /** One movement as every caller makes it: the member's lock, the account, the post, one unit of work. */
  function post(memberId: string, delta: number, posting: Posting = aPosting(), kind: AccountKind = 'points', meanwhile?: () => Promise<unknown>) {
    return open.uow.transaction(async (m) => {
      const member = (await lockMember(m, memberId))!;
      const account = await ledger.account(m, member, kind);
      // Whatever the caller awaits between reading the account and posting (Redis, WeChat Pay).
      if (meanwhile) await meanwhile();
      return ledger.post(m, account, delta, posting);
    });
  }

  async function audit(memberId: string, kind: AccountKind = 'points') {
    const rows = await reads.audit(kind, { after: '', limit: 100_000, brandId });
    return rows.find((r) => r.memberId === memberId)!;
  }

  it('posts: each entry carries the next sequence and the balance after it, and the account follows', async () => {
    const member = await aMember(open.uow, brandId);
    expect(await reads.balance(member.id, 'points')).toBe(0);
    const first = await post(member.id, 120, aPosting({ entryKind: 'earn', storeId: 'store-1', staffId: 'staff-1' }));
    const second = await post(member.id, -20, aPosting({ entryKind: 'redeem' }));
    expect([first, second].map(({ seq, delta, balanceAfter }) => ({ seq, delta, balanceAfter }))).toEqual([
      { seq: 1, delta: 120, balanceAfter: 120 },
      { seq: 2, delta: -20, balanceAfter: 100 },
    ]);
    expect(await reads.balance(member.id, 'points')).toBe(100);
    const entries = await reads.entries(member.id, 'points', { limit: 10 });
    expect(entries.map((e) => [e.seq, e.entryKind, e.delta, e.balanceAfter])).toEqual([
      [2, 'redeem', -20, 100],
      [1, 'earn', 120, 120],
    ]);
    expect(entries[1]).toMatchObject({ memberId: member.id, storeId: 'store-1', staffId: 'staff-1', sourceType: 'test', createdAt: AT });
    expect(await reads.entries(member.id, 'points', { before: 2, limit: 10 })).toHaveLength(1);
    // No lots were written (this is the bare ledger), so only the points lots check fails.
    expect({ ...(await audit(member.id)), lotsRemaining: null }).toMatchObject({ balance: 100, seq: 2, entriesSum: 100, entryCount: 2, lastSeq: 2, lastBalanceAfter: 100 });
  });

  it('keeps one account per member and kind', async () => {
    const member = await aMember(open.uow, brandId);
    await post(member.id, 5_000, aPosting({ entryKind: 'recharge' }), 'stored_value_principal');
    await post(member.id, 500, aPosting({ entryKind: 'recharge_bonus' }), 'stored_value_bonus');
    await post(member.id, 7, aPosting(), 'points');
    expect(await Promise.all((['stored_value_principal', 'stored_value_bonus', 'points'] as const).map((k) => reads.balance(member.id, k)))).toEqual([5_000, 500, 7]);
    const principal = await audit(member.id, 'stored_value_principal');
    expect(accountAddsUp(principal)).toBe(true);
    expect(principal).toMatchObject({ seq: 1, lotsRemaining: null });
  });

  it('refuses an overdraw before writing anything', async () => {
    const member = await aMember(open.uow, brandId);
    await post(member.id, 100);
    await expect(post(member.id, -101)).rejects.toMatchObject({ code: 'POINTS_INSUFFICIENT' });
    await expect(post(member.id, -1, aPosting(), 'stored_value_principal')).rejects.toBeInstanceOf(DomainError);
    expect(await reads.balance(member.id, 'points')).toBe(100);
    expect(await reads.entries(member.id, 'points', { limit: 10 })).toHaveLength(1);
    // The account of the refused stored-value movement was never opened.
    const [opened] = await open.db.query("SELECT COUNT(*) AS n FROM ledger_accounts WHERE member_id = ? AND kind = 'stored_value_principal'", [member.id]);
    expect(Number(opened.n)).toBe(0);
  });

  it('a post from a stale read is a bug: the conditional UPDATE misses and everything rolls back', async () => {
    const member = await aMember(open.uow, brandId);
    await post(member.id, 50);
    const stale: LockedAccount = await open.uow.transaction(async (m) => ledger.account(m, (await lockMember(m, member.id))!, 'points'));
    await post(member.id, 10);
    // The database's own guard, below the in-memory check: seq moved on, and so would an overdraw.
    await expect(open.uow.transaction((m) => ledger.post(m, stale, 5, aPosting()))).rejects.toBeInstanceOf(LedgerDrift);
    await expect(open.uow.transaction((m) => ledger.post(m, { ...stale, seq: 2, balance: 1_000 }, -500, aPosting()))).rejects.toBeInstanceOf(LedgerDrift);
    expect(await reads.balance(member.id, 'points')).toBe(60);
    expect(await reads.entries(member.id, 'points', { limit: 10 })).toHaveLength(2);
  });

  it('one business key, one movement: a second post under it changes nothing, and the first answers a replay', async () => {
    const member = await aMember(open.uow, brandId);
    const key = `adjust:${brandId}:${randomUUID()}`;
    const first = await post(member.id, 30, aPosting({ key, reason: '客诉补偿' }));
    const again = await post(member.id, 30, aPosting({ key, reason: '客诉补偿' })).catch((error: unknown) => error);
    expect(isUniqueViolation(again)).toBe(true);
    expect(await reads.balance(member.id, 'points')).toBe(30);
    expect(await reads.byKey(key)).toMatchObject({ id: first.entryId, delta: 30, balanceAfter: 30, reason: '客诉补偿', seq: 1 });
    expect(await reads.byKey(`adjust:${brandId}:${randomUUID()}`)).toBeNull();
  });

  it('concurrent posts on one account, each awaiting I/O under the lock: none lost, sequence without a gap', async () => {
    const member = await aMember(open.uow, brandId);
    const deltas = Array.from({ length: 40 }, (_, i) => (i % 5) + 1);
    const posted = await Promise.all(deltas.map((delta) => post(member.id, delta, aPosting(), 'points', () => sleep(1))));
    const total = deltas.reduce((a, b) => a + b, 0);
    expect(posted.map((p) => p.seq).sort((a, b) => a - b)).toEqual(deltas.map((_, i) => i + 1));
    expect(await reads.balance(member.id, 'points')).toBe(total);
    expect({ ...(await audit(member.id)), lotsRemaining: null }).toMatchObject({ balance: total, seq: 40, entriesSum: total, entryCount: 40, lastSeq: 40, lastBalanceAfter: total });
    // Concurrent spends beyond the balance: exactly the affordable ones go through.
    const spends = await Promise.allSettled(Array.from({ length: 30 }, () => post(member.id, -5, aPosting(), 'points', () => sleep(1))));
    expect(spends.filter((s) => s.status === 'fulfilled')).toHaveLength(total / 5);
    expect(spends.filter((s) => s.status === 'rejected').every((s) => (s as PromiseRejectedResult).reason.code === 'POINTS_INSUFFICIENT')).toBe(true);
    expect(await reads.balance(member.id, 'points')).toBe(0);
  });

  it('points post through the ledger: lots are its detail and the account adds up with them', async () => {
    const points = new PointsLedger(ledger);
    const member = await aMember(open.uow, brandId);
    const movement = (kind: 'earn' | 'redeem', sourceId: string) => ({ kind, key: `test:${randomUUID()}`, reason: kind, sourceType: 'order', sourceId, at: AT });
    const inPoints = <T>(work: (m: EntityManager, account: PointsAccount) => Promise<T>) =>
      open.uow.transaction(async (m) => work(m, await points.account(m, (await lockMember(m, member.id))!)));
    await inPoints((m, a) => points.credit(m, a, 100, movement('earn', 'o1'), '2027-12-31'));
    await inPoints((m, a) => points.credit(m, a, 50, movement('earn', 'o2'), '2027-06-30'));
    // The soonest-expiring lot first.
    const spent = await inPoints((m, a) => points.debit(m, a, 70, movement('redeem', 'o3')));
    const draws = await open.db.query('SELECT d.amount, d.expires_on FROM point_lot_draws d WHERE d.ledger_id = ? ORDER BY d.expires_on', [spent.entryId]);
    expect(draws.map((d: { amount: unknown; expires_on: string }) => [Number(d.amount), d.expires_on])).toEqual([
      [50, '2027-06-30'],
      [20, '2027-12-31'],
    ]);
    const expired = await inPoints((m, a) => points.expire(m, a, '2028-01-01', { key: `expire:${member.id}:2028-01-01`, sourceType: 'expiry', sourceId: '2028-01-01', at: AT }));
    expect(expired).toMatchObject({ delta: -80, balanceAfter: 0, seq: 4 });
    const account = await audit(member.id);
    expect(account).toMatchObject({ balance: 0, seq: 4, lotsRemaining: 0 });
    expect(accountAddsUp(account)).toBe(true);
  });
});
