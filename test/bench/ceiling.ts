import { randomBytes, randomUUID } from 'node:crypto';
import { chinaDate, DEFAULT_LOYALTY_RULES, formatYuan, pointsExpiryDate } from '@wemember/shared';
import { createPool, type Pool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { dbTime } from '../../server/src/database/sql';
import { rollingStartMonth } from '../../server/src/loyalty/member-growth';

/** Where the purchases happen: the seeded brand, the clerk's store and the clerk. */
export interface CeilingTillSetup {
  brandId: string;
  storeId: string;
  storeName: string;
  staffId: string;
  /** What the server gives for the purchase amount at the normal tier (from a real order). */
  pointsEarned: number;
  growthEarned: number;
  /** The `SET TRANSACTION ISOLATION LEVEL …` the server sends before START TRANSACTION, if any. */
  setIsolation: string | null;
}

export interface SeededMember {
  id: string;
  memberNo: string;
}

type Sender = Pool | PoolConnection;

/**
 * The ceiling: the statements the server sends for one purchase without points redemption (as
 * recorded from it, see orders.bench.ts), sent straight through mysql2 with the server's pool
 * settings and no HTTP, Nest, TypeORM or validation in between. Real ids and values, so every
 * statement succeeds and the ledger still adds up; no tier change (the server's rare extra INSERT).
 */
export class CeilingTill {
  private readonly pool: Pool;
  private statements = 0;
  private purchases = 0;

  constructor(
    url: string,
    poolSize: number,
    private readonly setup: CeilingTillSetup,
  ) {
    // As data-source.ts configures TypeORM's mysql2 pool.
    this.pool = createPool({
      uri: url,
      connectionLimit: poolSize,
      charset: 'utf8mb4',
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: true,
      flags: ['FOUND_ROWS'],
      trace: false,
    });
  }

  get statementsPerPurchase(): number {
    return this.statements / this.purchases;
  }

  async purchase(member: SeededMember, amountFen: number, externalNo: string): Promise<void> {
    const { brandId, storeId, staffId, pointsEarned, growthEarned } = this.setup;
    const now = new Date();
    const at = dbTime(now);
    const orderId = randomUUID();
    const businessDate = chinaDate(now);
    this.purchases += 1;

    // Outside the transaction, each on any pooled connection: the clerk behind the token, the
    // store, the replay check, the member behind the code, the brand's rules.
    await this.send(this.pool, 'SELECT * FROM staff WHERE id = ? LIMIT 1', [staffId]);
    await this.send(this.pool, 'SELECT * FROM stores WHERE id = ? LIMIT 1', [storeId]);
    await this.send(this.pool, 'SELECT * FROM orders WHERE store_id = ? AND external_no = ? LIMIT 1', [storeId, externalNo]);
    await this.send(this.pool, 'SELECT * FROM members WHERE brand_id = ? AND member_no = ? LIMIT 1', [brandId, member.memberNo]);
    await this.send(this.pool, 'SELECT rules, version, updated_at, updated_by FROM loyalty_settings WHERE brand_id = ?', [brandId]);

    const connection = await this.pool.getConnection();
    try {
      if (this.setup.setIsolation) await this.send(connection, this.setup.setIsolation);
      await this.send(connection, 'START TRANSACTION');
      const [locked] = (await this.send(
        connection,
        'SELECT id, brand_id, member_no, phone_masked, status, tier, birthday, growth FROM members WHERE id = ? FOR UPDATE',
        [member.id],
      )) as RowDataPacket[];
      // The points account, opened on the member's first movement, as the server's Ledger does.
      let [account] = (await this.send(connection, "SELECT id, balance, seq FROM ledger_accounts WHERE member_id = ? AND kind = 'points'", [member.id])) as {
        id: string;
        balance: unknown;
        seq: unknown;
      }[];
      if (!account) {
        account = { id: randomUUID(), balance: 0, seq: 0 };
        await this.send(connection, "INSERT INTO ledger_accounts (id, brand_id, member_id, kind, balance, seq, created_at) VALUES (?, ?, ?, 'points', 0, 0, ?)", [
          account.id,
          brandId,
          member.id,
          at,
        ]);
      }
      const seq = Number(account.seq);
      const balanceAfter = Number(account.balance) + pointsEarned;

      const moved = (await this.send(connection, 'UPDATE ledger_accounts SET balance = balance + ?, seq = seq + 1 WHERE id = ? AND seq = ? AND balance + ? >= 0', [
        pointsEarned,
        account.id,
        seq,
        pointsEarned,
      ])) as ResultSetHeader;
      if (moved.affectedRows !== 1) throw new Error(`ceiling: account ${account.id} moved outside its member's lock`);
      await this.send(
        connection,
        `INSERT INTO ledger_entries (id, brand_id, account_id, member_id, seq, entry_kind, delta, balance_after, business_key, reason, source_type, source_id, store_id, staff_id, created_at)
         VALUES (?, ?, ?, ?, ?, 'earn', ?, ?, ?, ?, 'order', ?, ?, ?, ?)`,
        [randomUUID(), brandId, account.id, member.id, seq + 1, pointsEarned, balanceAfter, `order:${orderId}:earn`, `${this.setup.storeName} 消费 ${formatYuan(amountFen)}`, orderId, storeId, staffId, at],
      );
      await this.send(
        connection,
        "INSERT INTO point_lots (id, brand_id, member_id, source_type, source_id, amount, remaining, expired, expires_on, created_at) VALUES (?, ?, ?, 'order', ?, ?, ?, 0, ?, ?)",
        [randomUUID(), brandId, member.id, orderId, pointsEarned, pointsEarned, pointsExpiryDate(DEFAULT_LOYALTY_RULES, now), at],
      );

      await this.send(
        connection,
        `INSERT INTO member_months (member_id, month, brand_id, purchases, spend_fen, growth) VALUES (?, ?, ?, 1, ?, ?)
         ON DUPLICATE KEY UPDATE purchases = purchases + VALUES(purchases), spend_fen = spend_fen + VALUES(spend_fen), growth = growth + VALUES(growth)`,
        [member.id, businessDate.slice(0, 7), brandId, amountFen, growthEarned],
      );
      const [rolling] = (await this.send(connection, 'SELECT COALESCE(SUM(growth), 0) AS total FROM member_months WHERE member_id = ? AND month >= ?', [
        member.id,
        rollingStartMonth(businessDate),
      ])) as RowDataPacket[];
      await this.send(connection, 'UPDATE members SET growth = ? WHERE id = ?', [Number(rolling.total), member.id]);

      await this.send(
        connection,
        `INSERT INTO orders (id, brand_id, store_id, member_id, staff_id, api_key_id, external_no, request_hash, amount_fen, discount_fen, points_redeemed,
           points_deduct_fen, payable_fen, points_earned, growth_earned, tier_before, tier_after, earning_notes, items, refunded_fen, status, business_date, created_at)
         VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, 0, 0, 0, ?, ?, ?, ?, ?, '[]', '[]', 0, 'completed', ?, ?)`,
        [orderId, brandId, storeId, member.id, staffId, externalNo, randomBytes(32).toString('hex'), amountFen, amountFen, pointsEarned, growthEarned, locked.tier, locked.tier, businessDate, at],
      );
      await this.send(connection, 'COMMIT');
    } catch (error) {
      await connection.query('ROLLBACK');
      throw error;
    } finally {
      connection.release();
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }

  private async send(to: Sender, sql: string, params?: unknown[]): Promise<unknown> {
    this.statements += 1;
    const [result] = await to.query(sql, params);
    return result;
  }
}
