import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';

/**
 * Runs a unit of work in one transaction and hands its manager down; inside it only that manager
 * is used. On SQLite, better-sqlite3 shares one connection, so interleaved transactions would
 * nest as savepoints and silently lose updates: every write transaction waits its turn here.
 * On MySQL a deadlock victim is retried, since InnoDB rolled it back whole.
 */
@Injectable()
export class Transactions {
  private sqliteQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  get isSqlite(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isSqlite) return this.serialised(() => this.dataSource.transaction(work));
    for (let attempt = 1; ; attempt++) {
      try {
        // READ COMMITTED: a plain SELECT sees what committed before it, not a snapshot taken at the
        // transaction's first read (under REPEATABLE READ a snapshot taken before the member lock
        // was granted would miss the movements the lock waited for).
        return await this.dataSource.transaction('READ COMMITTED', work);
      } catch (error) {
        if (attempt >= 5 || !isRetryableConflict(error)) throw error;
        await new Promise((r) => setTimeout(r, attempt * 5 + Math.random() * 20));
      }
    }
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const result = this.sqliteQueue.then(task, task);
    this.sqliteQueue = result.catch(() => undefined);
    return result;
  }
}

/** ER_DUP_ENTRY on MySQL, SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY on SQLite. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; errno?: number } | undefined;
  return (
    driverError?.code === 'ER_DUP_ENTRY' ||
    driverError?.errno === 1062 ||
    driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    driverError?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

function isRetryableConflict(error: unknown): boolean {
  const code = (error as { driverError?: { code?: string } })?.driverError?.code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

/** Affected rows of an UPDATE/DELETE on either driver. */
export function affectedRows(result: { affected?: number | null }): number {
  return result.affected ?? 0;
}
