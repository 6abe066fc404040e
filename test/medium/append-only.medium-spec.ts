import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../server/src/audit/audit-log';
import { dbTime } from '../../server/src/database/sql';
import { Ledger } from '../../server/src/ledger/ledger';
import { lockMember } from '../../server/src/ledger/member-lock';
import { mediumDatabases, openDatabase, type OpenDatabase } from './support/database';
import { aBrand, aMember } from './support/factories';

/**
 * Ledger entries and the audit log are append-only in the database itself: triggers refuse UPDATE
 * and DELETE, whoever sends them (here straight through the DataSource and through a unit of work),
 * and the rows stay as they were.
 */
describe.each(mediumDatabases())('append-only tables (%s)', (database) => {
  let open: OpenDatabase;
  let entryId: string;
  let auditId: string;

  beforeAll(async () => {
    open = await openDatabase(database);
    const brand = await aBrand(open.uow);
    const member = await aMember(open.uow, brand.id);
    const ledger = new Ledger();
    entryId = (
      await open.uow.transaction(async (m) =>
        ledger.post(m, await ledger.account(m, (await lockMember(m, member.id))!, 'points'), 42, {
          entryKind: 'adjust',
          key: `test:${randomUUID()}`,
          reason: '开业赠送',
          sourceType: 'test',
          sourceId: 'x',
          at: new Date(),
        }),
      )
    ).entryId;
    await open.uow.transaction((m) =>
      recordAudit(m, { brandId: brand.id, staffId: 'staff-1', action: 'points.adjust', targetType: 'member', targetId: member.id, detail: { delta: 42 }, at: new Date() }),
    );
    [{ id: auditId }] = await open.db.query('SELECT id FROM audit_log WHERE target_id = ?', [member.id]);
  });
  afterAll(() => open?.close());

  const cases = [
    { table: 'ledger_entries', id: () => entryId, update: 'UPDATE ledger_entries SET delta = 4200, balance_after = 4200 WHERE id = ?' },
    { table: 'audit_log', id: () => auditId, update: "UPDATE audit_log SET detail = '{}' WHERE id = ?" },
  ];

  describe.each(cases)('$table', ({ table, id, update }) => {
    const row = async () => (await open.db.query(`SELECT * FROM ${table} WHERE id = ?`, [id()]))[0];
    const refused = new RegExp(`${table} is append-only`);

    it('refuses UPDATE and DELETE sent straight to the database; the row is unchanged', async () => {
      const before = await row();
      expect(before).toBeDefined();
      await expect(open.db.query(update, [id()])).rejects.toThrow(refused);
      await expect(open.db.query(`DELETE FROM ${table} WHERE id = ?`, [id()])).rejects.toThrow(refused);
      expect(await row()).toEqual(before);
    });

    it('refuses them inside a unit of work too, which then rolls back whole', async () => {
      const before = await row();
      for (const refusedStatement of [update, `DELETE FROM ${table} WHERE id = ?`]) {
        const other = randomUUID();
        const work = open.uow.transaction(async (m) => {
          await m.query('INSERT INTO brands (id, name, wechat_appid, created_at) VALUES (?, ?, ?, ?)', [other, '同一事务', other.slice(0, 32), dbTime(new Date())]);
          await m.query(refusedStatement, [id()]);
        });
        await expect(work).rejects.toThrow(refused);
        expect(await open.db.query('SELECT id FROM brands WHERE id = ?', [other])).toEqual([]);
      }
      expect(await row()).toEqual(before);
    });
  });
});
