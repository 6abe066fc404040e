import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { openDatabase, openSqliteReader } from './data-source';

/** Told which unit of work committed, so a listener registered with one database hears only of its own. */
type CommitHook = (uow: UnitOfWork) => void;

/** The hooks of the unit of work open in this async context (afterCommit). */
const commitHooks = new AsyncLocalStorage<CommitHook[]>();

/**
 * Runs `hook` once the unit of work open here has committed — never for one that rolls back, nor
 * for an attempt retried after a deadlock — so what happens outside the database (queueing a job)
 * follows only what is really there. Only inside a unit of work. The hook must not throw (the work
 * is committed; nothing can be undone) and should not wait: it is not awaited.
 */
export function afterCommit(hook: CommitHook): void {
  const hooks = commitHooks.getStore();
  if (!hooks) throw new Error('afterCommit outside a unit of work');
  hooks.push(hook);
}

/** Set while a unit of work's `work` runs, so misuse is an error rather than a silent wrong answer. */
interface OpenWork {
  open: boolean;
}

/**
 * The only way to write, on both databases: `transaction(work)` runs `work` in one transaction and
 * hands it the transaction's manager, which it passes down (repositories and use cases take it as
 * their first argument, like Vendure's TransactionalConnection). Reads outside a transaction go
 * through `reader` and see committed data only.
 *
 * MySQL/MariaDB: every transaction has its own pooled connection, READ COMMITTED, and a deadlock or
 * lock-wait victim is retried (InnoDB rolled it back whole). `reader` is the pool in autocommit.
 *
 * SQLite: TypeORM's better-sqlite3 driver hands every caller the same connection, so anything run
 * on it while a transaction is open — another request's INSERT, a plain SELECT — runs inside that
 * transaction: its writes are lost if the transaction rolls back, its reads see rows that may never
 * commit. So here (1) write transactions wait their turn in one in-process queue, and (2) reads
 * outside a transaction go to a second, read-only connection on the same file. In WAL mode a reader
 * sees the last committed state and never waits for the writer. The alternative — sending reads
 * through the queue too — would make every read wait behind a transaction that awaits Redis or
 * WeChat Pay, and a read-only connection also turns any write that slips past the queue into an
 * error instead of a lost update. The reader opens after the migrations, so it sees their schema.
 * One process per SQLite file: the queue is in memory (the embedded default runs one instance).
 */
export class UnitOfWork {
  private sqliteQueue: Promise<unknown> = Promise.resolve();
  private readonly current = new AsyncLocalStorage<OpenWork>();

  private constructor(
    private readonly writer: DataSource,
    /** SQLite's read-only connection; on MySQL reads share the writer's pool. */
    private readonly readOnly: DataSource | null,
  ) {}

  /** Opens the database, applies pending migrations (a failed one fails the start), then the reader. */
  static async open(config: DatabaseConfig): Promise<UnitOfWork> {
    const writer = await openDatabase(config);
    if (config.type !== 'sqlite') return new UnitOfWork(writer, null);
    try {
      return new UnitOfWork(writer, await openSqliteReader(config.path));
    } catch (error) {
      await writer.destroy();
      throw error;
    }
  }

  get isSqlite(): boolean {
    return this.writer.options.type === 'better-sqlite3';
  }

  /**
   * Committed data, outside any transaction. Inside one, read through its manager instead (it sees
   * the transaction's own writes and, on MySQL, its locks): asking here then is a bug.
   */
  get reader(): EntityManager {
    if (this.current.getStore()?.open) throw new Error('inside a unit of work, read through its manager, not uow.reader');
    return (this.readOnly ?? this.writer).manager;
  }

  /** The DataSource that writes, for the database module's shutdown and for tests; never for feature code. */
  get dataSource(): DataSource {
    return this.writer;
  }

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    // A nested unit of work would wait for itself on SQLite, and on MySQL take a second connection
    // that waits for the first one's locks: refuse it outright.
    if (this.current.getStore()?.open) throw new Error('a unit of work is already open here: pass its manager down instead');
    let hooks: CommitHook[] = [];
    const run = (m: EntityManager) => {
      const state: OpenWork = { open: true };
      // Each attempt collects its own hooks: those of an attempt rolled back go with it.
      const attempt: CommitHook[] = (hooks = []);
      return commitHooks.run(attempt, () =>
        this.current.run(state, async () => {
          try {
            return await work(m);
          } finally {
            state.open = false;
          }
        }),
      );
    };
    const result = await this.commit(run);
    for (const hook of hooks) {
      try {
        hook(this);
      } catch {
        // A hook's failure is its own (afterCommit): the work is committed whatever it does.
      }
    }
    return result;
  }

  private async commit<T>(run: (m: EntityManager) => Promise<T>): Promise<T> {
    if (this.isSqlite) return this.serialised(() => this.writer.transaction(run));
    for (let attempt = 1; ; attempt++) {
      try {
        // READ COMMITTED: a plain SELECT sees what committed before it, not a snapshot taken at the
        // transaction's first read (under REPEATABLE READ a snapshot taken before the member lock
        // was granted would miss the movements the lock waited for).
        return await this.writer.transaction('READ COMMITTED', run);
      } catch (error) {
        if (attempt >= 5 || !isLockConflict(error)) throw error;
        await new Promise((r) => setTimeout(r, attempt * 5 + Math.random() * 20));
      }
    }
  }

  async close(): Promise<void> {
    // Queued work finishes first; then the reader, then the writer (which checkpoints the WAL).
    await this.sqliteQueue;
    if (this.readOnly?.isInitialized) await this.readOnly.destroy();
    if (this.writer.isInitialized) await this.writer.destroy();
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

/** A deadlock or lock-wait victim on MySQL (the transaction was rolled back whole); the unit of work retries these a few times. */
export function isLockConflict(error: unknown): boolean {
  const code = (error as { driverError?: { code?: string } })?.driverError?.code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}


/** Affected rows of an UPDATE/DELETE on either driver. */
export function affectedRows(result: { affected?: number | null }): number {
  return result.affected ?? 0;
}
