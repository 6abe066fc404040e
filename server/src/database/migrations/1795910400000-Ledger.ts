import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { id, integer, ref, text, time } from './columns';

const unique = (name: string, columnNames: string[]) => new TableIndex({ name, columnNames, isUnique: true });

/** Tables whose rows are never updated or deleted: a correction is a new row. */
const APPEND_ONLY = ['ledger_entries', 'audit_log'];

const isMysql = (q: QueryRunner) => q.connection.options.type === 'mysql';

/** A random UUID computed by the database, so existing rows are copied by one INSERT … SELECT. */
const uuidSql = (q: QueryRunner) =>
  isMysql(q)
    ? 'UUID()'
    : "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";

/**
 * Value lives in ledger accounts: one per member and kind (points now; stored-value principal and
 * bonus next), each with a cached balance and a sequence, and append-only entries carrying the
 * account's sequence, the balance after, a unique business key and where the movement came from.
 * The points balance and sequence move here from members.points / members.ledger_seq, and the rows
 * of point_ledger become the points accounts' entries with their ids kept, so point_lot_draws
 * (whose ledger_id names the entry a draw belongs to) and every business key still match.
 *
 * Triggers refuse UPDATE and DELETE of ledger entries and of the audit log on both databases.
 * On MySQL/MariaDB with binary logging on, creating triggers needs SUPER (or
 * log_bin_trust_function_creators=1). On SQLite, TypeORM rebuilds a table to alter it, which drops
 * its triggers: a later migration that alters either table must create them again.
 */
export class Ledger1795910400000 implements MigrationInterface {
  name = 'Ledger1795910400000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'ledger_accounts',
        columns: [id(), ref('brand_id'), ref('member_id'), text('kind', 32), integer('balance'), integer('seq'), time('created_at')],
        indices: [unique('uq_ledger_accounts_member_kind', ['member_id', 'kind'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ledger_entries',
        columns: [
          id(),
          ref('brand_id'),
          ref('account_id'),
          /** The account's member, so a member's statement needs no join. */
          ref('member_id'),
          integer('seq'),
          /** What the movement is in its account's terms: earn, redeem, refund_return, … for points. */
          text('entry_kind', 24),
          integer('delta'),
          integer('balance_after'),
          text('business_key', 128),
          text('reason', 200),
          text('source_type', 24),
          text('source_id', 64),
          ref('store_id', true),
          ref('staff_id', true),
          time('created_at'),
        ],
        indices: [unique('uq_ledger_entries_key', ['business_key']), unique('uq_ledger_entries_seq', ['account_id', 'seq'])],
      }),
    );

    // Members with any points history get their points account (balance and sequence as cached).
    await q.query(
      `INSERT INTO ledger_accounts (id, brand_id, member_id, kind, balance, seq, created_at)
       SELECT ${uuidSql(q)}, m.brand_id, m.id, 'points', m.points, m.ledger_seq, m.joined_at FROM members m
       WHERE m.points <> 0 OR m.ledger_seq <> 0 OR EXISTS (SELECT 1 FROM point_ledger l WHERE l.member_id = m.id)`,
    );
    await q.query(
      `INSERT INTO ledger_entries (id, brand_id, account_id, member_id, seq, entry_kind, delta, balance_after, business_key, reason, source_type, source_id, store_id, staff_id, created_at)
       SELECT l.id, l.brand_id, a.id, l.member_id, l.seq, l.kind, l.delta, l.balance_after, l.business_key, l.reason, l.source_type, l.source_id, l.store_id, l.staff_id, l.created_at
       FROM point_ledger l JOIN ledger_accounts a ON a.member_id = l.member_id AND a.kind = 'points'`,
    );
    // A row of point_ledger without its member would be left behind: fail instead of dropping it.
    const [before] = await q.query('SELECT COUNT(*) AS n FROM point_ledger');
    const [after] = await q.query('SELECT COUNT(*) AS n FROM ledger_entries');
    if (Number(before.n) !== Number(after.n)) throw new Error(`point_ledger has ${before.n} rows, only ${after.n} found their member's account`);

    await q.dropTable('point_ledger');
    await q.dropColumns('members', ['points', 'ledger_seq']);

    for (const table of APPEND_ONLY) {
      for (const action of ['UPDATE', 'DELETE'] as const) await q.query(createRefusal(q, table, action));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // Only points fit back into point_ledger; entries of any other account would be lost.
    const [other] = await q.query("SELECT COUNT(*) AS n FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE a.kind <> 'points'");
    if (Number(other.n) > 0) throw new Error(`${other.n} ledger entries of accounts other than points have no place before this migration`);

    for (const table of APPEND_ONLY) {
      for (const action of ['UPDATE', 'DELETE'] as const) await q.query(`DROP TRIGGER IF EXISTS ${triggerName(table, action)}`);
    }
    await q.addColumns('members', [new TableColumn(integer('points')), new TableColumn(integer('ledger_seq'))]);
    await q.createTable(
      new Table({
        name: 'point_ledger',
        columns: [
          id(),
          ref('brand_id'),
          ref('member_id'),
          integer('seq'),
          text('kind', 24),
          integer('delta'),
          integer('balance_after'),
          text('business_key', 128),
          text('source_type', 24),
          text('source_id', 64),
          text('reason', 200),
          ref('store_id', true),
          ref('staff_id', true),
          time('created_at'),
        ],
        indices: [unique('uq_point_ledger_key', ['business_key']), unique('uq_point_ledger_seq', ['member_id', 'seq'])],
      }),
    );
    await q.query(
      `INSERT INTO point_ledger (id, brand_id, member_id, seq, kind, delta, balance_after, business_key, source_type, source_id, reason, store_id, staff_id, created_at)
       SELECT e.id, e.brand_id, e.member_id, e.seq, e.entry_kind, e.delta, e.balance_after, e.business_key, e.source_type, e.source_id, e.reason, e.store_id, e.staff_id, e.created_at
       FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE a.kind = 'points'`,
    );
    await q.query(
      `UPDATE members SET
         points = (SELECT a.balance FROM ledger_accounts a WHERE a.member_id = members.id AND a.kind = 'points'),
         ledger_seq = (SELECT a.seq FROM ledger_accounts a WHERE a.member_id = members.id AND a.kind = 'points')
       WHERE EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.member_id = members.id AND a.kind = 'points')`,
    );
    await q.dropTable('ledger_entries');
    await q.dropTable('ledger_accounts');
  }
}

function triggerName(table: string, action: 'UPDATE' | 'DELETE'): string {
  return `${table}_no_${action.toLowerCase()}`;
}

/** BEFORE UPDATE / DELETE … refuse: SIGNAL on MySQL/MariaDB, RAISE(ABORT) on SQLite. */
function createRefusal(q: QueryRunner, table: string, action: 'UPDATE' | 'DELETE'): string {
  const message = `${table} is append-only: ${action} refused (correct it with a new row)`;
  return isMysql(q)
    ? `CREATE TRIGGER ${triggerName(table, action)} BEFORE ${action} ON ${table} FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${message}'`
    : `CREATE TRIGGER ${triggerName(table, action)} BEFORE ${action} ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END`;
}
