import type { DataSource } from 'typeorm';

/**
 * Row counts of every table that has a `brand_id` column, for one brand: what a refused request must
 * leave unchanged. The tables are found in the database itself (MySQL/MariaDB's information schema,
 * SQLite's sqlite_master), not listed here, so a migration that adds or renames a table (the ledger's
 * point_ledger → ledger_entries) is counted without touching the tests.
 */
export class BrandRows {
  private constructor(
    private readonly db: DataSource,
    readonly tables: readonly string[],
    private readonly sql: string,
  ) {}

  static async of(db: DataSource): Promise<BrandRows> {
    const tables = await brandTables(db);
    if (tables.length === 0) throw new Error('no table with a brand_id column: is this the wemember schema?');
    const q = db.options.type === 'mysql' ? (t: string) => `\`${t}\`` : (t: string) => `"${t}"`;
    // One round trip for all the tables, so counting around every request stays cheap.
    const sql = `SELECT ${tables.map((t) => `(SELECT COUNT(*) FROM ${q(t)} WHERE brand_id = ?) AS ${q(t)}`).join(', ')}`;
    return new BrandRows(db, tables, sql);
  }

  async count(brandId: string): Promise<Record<string, number>> {
    const [row] = await this.db.query(this.sql, this.tables.map(() => brandId));
    return Object.fromEntries(this.tables.map((t) => [t, Number(row[t])]));
  }
}

/** The tables of the current database that have a brand_id column, sorted. */
export async function brandTables(db: DataSource): Promise<string[]> {
  let names: string[];
  if (db.options.type === 'mysql') {
    const tables: Record<string, string>[] = await db.query('SHOW TABLES');
    const all = tables.map((row) => Object.values(row)[0]);
    const withBrand: { t: string }[] = await db.query(
      "SELECT table_name AS t FROM information_schema.columns WHERE table_schema = DATABASE() AND column_name = 'brand_id'",
    );
    const branded = new Set(withBrand.map((r) => r.t));
    names = all.filter((t) => branded.has(t));
  } else {
    const tables: { name: string }[] = await db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    names = [];
    for (const { name } of tables) {
      const columns: { name: string }[] = await db.query(`SELECT name FROM pragma_table_info('${name.replace(/'/g, "''")}')`);
      if (columns.some((c) => c.name === 'brand_id')) names.push(name);
    }
  }
  return names.sort();
}

/** Which counts differ, as "table: before → after". */
export function rowChanges(before: Record<string, number>, after: Record<string, number>): string[] {
  const tables = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...tables].filter((t) => before[t] !== after[t]).map((t) => `${t}: ${before[t]} → ${after[t]}`);
}
