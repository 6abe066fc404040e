import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../server/src/config/app-config';
import { dataSourceOptions } from '../../server/src/database/data-source';
import { MIGRATIONS } from '../../server/src/database/migrations';
import { dbTime } from '../../server/src/database/sql';
import { UnitOfWork } from '../../server/src/database/unit-of-work';
import { Ledger } from '../../server/src/ledger/ledger';
import { accountAddsUp, LedgerRepository } from '../../server/src/ledger/ledger.repository';
import { lockMember } from '../../server/src/ledger/member-lock';
import { recreateTestDatabase } from '../support/test-database';
import { MEDIUM_DATABASE_URL, mediumDatabases } from './support/database';

const BEFORE_LEDGER = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name.startsWith('Ledger')));
/** The migrations after the ledger's: undone first, so that the next undo is the ledger's. */
const AFTER_LEDGER = MIGRATIONS.slice(BEFORE_LEDGER.length + 1);
const AT = dbTime(new Date('2026-06-02T02:00:00Z'));

/**
 * An existing database (the SQLite demo file, or MariaDB) written before the ledger accounts keeps
 * its points history through the migration, and gets it back through `down`.
 */
describe.each(mediumDatabases())('the ledger migration on an existing database (%s)', (database) => {
  let config: DatabaseConfig;
  let dir: string | null = null;

  beforeAll(async () => {
    if (database === 'sqlite') {
      dir = mkdtempSync(join(tmpdir(), 'wemember-migration-'));
      config = { type: 'sqlite', path: join(dir, 'demo.sqlite') };
    } else {
      const url = `${MEDIUM_DATABASE_URL}_migration`;
      await recreateTestDatabase(url);
      config = { type: 'mysql', url, poolSize: 2 };
    }
  });
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  /** The database with only these migrations known. */
  async function connect(migrations: (typeof MIGRATIONS)[number][]): Promise<DataSource> {
    const db = new DataSource({ ...dataSourceOptions(config), migrations });
    await db.initialize();
    return db;
  }

  const brandId = randomUUID();
  const spender = { id: randomUUID(), earn: randomUUID(), redeem: randomUUID(), lot: randomUUID() };
  const newcomer = randomUUID();

  it('moves members.points / ledger_seq and point_ledger into points accounts and their entries', async () => {
    const before = await connect(BEFORE_LEDGER);
    await before.runMigrations({ transaction: 'each' });
    // As the points code before the ledger wrote it: one member earned 100 and spent 30, one never moved.
    await before.query('INSERT INTO brands (id, name, wechat_appid, created_at) VALUES (?, ?, ?, ?)', [brandId, '旧库', `wx${brandId.slice(0, 8)}`, AT]);
    const member = (id: string, no: string, points: number, seq: number) =>
      before.query(
        `INSERT INTO members (id, brand_id, member_no, phone_hash, phone_cipher, phone_masked, tier, points, balance_fen, growth, status, joined_at, ledger_seq)
         VALUES (?, ?, ?, ?, 'c', '139****0000', 'normal', ?, 0, 0, 'active', ?, ?)`,
        [id, brandId, no, `hash-${id}`, points, AT, seq],
      );
    await member(spender.id, '1000000001', 70, 2);
    await member(newcomer, '1000000002', 0, 0);
    const row = (id: string, seq: number, kind: string, delta: number, after: number, key: string) =>
      before.query(
        `INSERT INTO point_ledger (id, brand_id, member_id, seq, kind, delta, balance_after, business_key, source_type, source_id, reason, store_id, staff_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'order', 'o1', '杭州西湖店', NULL, NULL, ?)`,
        [id, brandId, spender.id, seq, kind, delta, after, key, AT],
      );
    await row(spender.earn, 1, 'earn', 100, 100, 'order:o1:earn');
    await row(spender.redeem, 2, 'redeem', -30, 70, 'order:o2:redeem');
    await before.query(
      "INSERT INTO point_lots (id, brand_id, member_id, source_type, source_id, amount, remaining, expired, expires_on, created_at) VALUES (?, ?, ?, 'order', 'o1', 100, 70, 0, '2027-12-31', ?)",
      [spender.lot, brandId, spender.id, AT],
    );
    await before.query('INSERT INTO point_lot_draws (id, ledger_id, lot_id, member_id, amount, expires_on) VALUES (?, ?, ?, ?, 30, ?)', [
      randomUUID(),
      spender.redeem,
      spender.lot,
      spender.id,
      '2027-12-31',
    ]);
    await before.destroy();

    // The server starts on it: the pending migration runs.
    const uow = await UnitOfWork.open(config);
    try {
      const db = uow.dataSource;
      const reads = new LedgerRepository(uow);
      expect(await reads.balance(spender.id, 'points')).toBe(70);
      expect((await reads.entries(spender.id, 'points', { limit: 10 })).map((e) => [e.id, e.seq, e.entryKind, e.delta, e.balanceAfter, e.businessKey])).toEqual([
        [spender.redeem, 2, 'redeem', -30, 70, 'order:o2:redeem'],
        [spender.earn, 1, 'earn', 100, 100, 'order:o1:earn'],
      ]);
      // Draws still name their entry, so a refund finds the expiry of the points it returns.
      const [draw] = await db.query('SELECT e.business_key FROM point_lot_draws d JOIN ledger_entries e ON e.id = d.ledger_id');
      expect(draw.business_key).toBe('order:o2:redeem');
      const audit = await reads.audit('points', { after: '', limit: 10, brandId });
      expect(audit.map((a) => [a.memberId, a.balance, a.seq, accountAddsUp(a)]).sort()).toEqual(
        [
          [spender.id, 70, 2, true],
          [newcomer, 0, 0, true],
        ].sort(),
      );
      await expect(db.query('SELECT points FROM members')).rejects.toThrow();
      await expect(db.query('SELECT id FROM point_ledger')).rejects.toThrow();
      // The history continues where it stopped.
      const ledger = new Ledger();
      const next = await uow.transaction(async (m) =>
        ledger.post(m, await ledger.account(m, (await lockMember(m, spender.id))!, 'points'), 5, {
          entryKind: 'adjust',
          key: `adjust:${randomUUID()}`,
          reason: '补偿',
          sourceType: 'adjust',
          sourceId: 'x',
          at: new Date(),
        }),
      );
      expect(next).toMatchObject({ seq: 3, balanceAfter: 75 });
      await db.query("INSERT INTO point_lots (id, brand_id, member_id, source_type, source_id, amount, remaining, expired, expires_on, created_at) VALUES (?, ?, ?, 'adjust', 'x', 5, 5, 0, '2027-12-31', ?)", [
        randomUUID(),
        brandId,
        spender.id,
        AT,
      ]);
    } finally {
      await uow.close();
    }
  });

  it('down puts them back where they were, and up again moves them again', async () => {
    const db = await connect(MIGRATIONS);
    try {
      for (let i = 0; i < AFTER_LEDGER.length; i++) await db.undoLastMigration({ transaction: 'each' });
      await db.undoLastMigration({ transaction: 'each' });
      const members = await db.query('SELECT id, points, ledger_seq FROM members WHERE brand_id = ? ORDER BY member_no', [brandId]);
      expect(members.map((m: { id: string; points: unknown; ledger_seq: unknown }) => [m.id, Number(m.points), Number(m.ledger_seq)])).toEqual([
        [spender.id, 75, 3],
        [newcomer, 0, 0],
      ]);
      const rows = await db.query('SELECT id, seq, kind, balance_after FROM point_ledger WHERE member_id = ? ORDER BY seq', [spender.id]);
      expect(rows.map((r: { id: string; seq: unknown; kind: string; balance_after: unknown }) => [r.id, Number(r.seq), r.kind, Number(r.balance_after)])).toEqual([
        [spender.earn, 1, 'earn', 100],
        [spender.redeem, 2, 'redeem', 70],
        [expect.any(String), 3, 'adjust', 75],
      ]);
      await expect(db.query('SELECT id FROM ledger_entries')).rejects.toThrow();
      // The audit log's triggers went with the migration.
      const auditId = randomUUID();
      await db.query("INSERT INTO audit_log (id, brand_id, staff_id, action, target_type, target_id, detail, created_at) VALUES (?, ?, 's', 'test', 'member', ?, '{}', ?)", [
        auditId,
        brandId,
        spender.id,
        AT,
      ]);
      await db.query('UPDATE audit_log SET detail = ? WHERE id = ?', ['{"edited":true}', auditId]);

      await db.runMigrations({ transaction: 'each' });
      const [account] = await db.query("SELECT balance, seq FROM ledger_accounts WHERE member_id = ? AND kind = 'points'", [spender.id]);
      expect([Number(account.balance), Number(account.seq)]).toEqual([75, 3]);
      const [entries] = await db.query('SELECT COUNT(*) AS n FROM ledger_entries WHERE member_id = ?', [spender.id]);
      expect(Number(entries.n)).toBe(3);
    } finally {
      await db.destroy();
    }
  });

  it('down refuses to run while accounts other than points hold entries (they would be lost)', async () => {
    const uow = await UnitOfWork.open(config);
    try {
      const ledger = new Ledger();
      await uow.transaction(async (m) =>
        ledger.post(m, await ledger.account(m, (await lockMember(m, newcomer))!, 'stored_value_principal'), 10_000, {
          entryKind: 'recharge',
          key: `recharge:${randomUUID()}`,
          reason: '充值',
          sourceType: 'recharge',
          sourceId: 'r1',
          at: new Date(),
        }),
      );
    } finally {
      await uow.close();
    }
    const db = await connect(MIGRATIONS);
    try {
      for (let i = 0; i < AFTER_LEDGER.length; i++) await db.undoLastMigration({ transaction: 'each' });
      await expect(db.undoLastMigration({ transaction: 'each' })).rejects.toThrow(/other than points/);
      const [entries] = await db.query('SELECT COUNT(*) AS n FROM ledger_entries');
      expect(Number(entries.n)).toBe(4);
    } finally {
      await db.destroy();
    }
  });
});
