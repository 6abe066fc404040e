import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { killHard, track, waitFor } from './child-processes';
import { freePort } from './own-redis';

function findBinary(names: string[]): string {
  for (const name of names) {
    for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  throw new Error(`none of ${names.join(', ')} is installed (Debian: apt-get install mariadb-server)`);
}

/**
 * A MariaDB of the test's own: a fresh data directory (mariadb-install-db) in a temp folder, served
 * by a mariadbd on a spare port that the test may kill -9 and start again on the same data, as a
 * crashed database server comes back (InnoDB recovers what was committed). No grant tables: root
 * without a password, on 127.0.0.1 only. As root, mariadbd must run as the mysql user, so the
 * folder is handed to it.
 */
export class OwnMariaDb {
  private process: ChildProcess | null = null;
  private starts = 0;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly asUser: string | null,
    private readonly bufferPoolMb: number,
  ) {}

  static async start(options: { bufferPoolMb?: number } = {}): Promise<OwnMariaDb> {
    const dir = mkdtempSync(join(tmpdir(), 'wemember-mariadb-'));
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'mysql']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'mysql']).toString().trim());
      chownSync(dir, uid, gid);
    }
    const db = new OwnMariaDb(await freePort(), dir, asRoot ? 'mysql' : null, options.bufferPoolMb ?? 64);
    try {
      execFileSync(
        findBinary(['mariadb-install-db', 'mysql_install_db']),
        ['--no-defaults', `--datadir=${db.dataDir}`, ...db.userArgs, '--auth-root-authentication-method=normal', '--skip-test-db'],
        { stdio: 'pipe' },
      );
      await db.up();
    } catch (error) {
      await db.stop();
      throw error;
    }
    return db;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  private get userArgs(): string[] {
    return this.asUser ? [`--user=${this.asUser}`] : [];
  }

  /** A URL for `database` on this server. */
  url(database: string): string {
    return `mysql://root@127.0.0.1:${this.port}/${database}`;
  }

  get errorLog(): string {
    const file = join(this.dir, 'error.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** Starts mariadbd on the data directory (again, after a kill) and waits until it answers. */
  async up(): Promise<void> {
    this.starts += 1;
    const out = openSync(join(this.dir, `mariadbd-${this.starts}.out`), 'w');
    const child = spawn(
      findBinary(['mariadbd', 'mysqld']),
      [
        '--no-defaults',
        `--datadir=${this.dataDir}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(this.dir, 'mariadbd.sock')}`,
        `--pid-file=${join(this.dir, 'mariadbd.pid')}`,
        `--log-error=${join(this.dir, 'error.log')}`,
        ...this.userArgs,
        '--skip-grant-tables',
        '--skip-name-resolve',
        '--skip-log-bin',
        `--innodb-buffer-pool-size=${this.bufferPoolMb}M`,
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci',
      ],
      { stdio: ['ignore', out, out] },
    );
    this.process = track(child);
    await waitFor(
      `mariadbd on ${this.port}`,
      async () => {
        const connection = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 1_000 });
        await connection.end();
        return true;
      },
      60,
      () => (child.exitCode !== null ? `exited with ${child.exitCode}: ${this.errorLog.slice(-2_000)}` : null),
    );
  }

  /** kill -9: whatever was not committed is gone; what was is recovered at the next start. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = null;
    await killHard(child);
  }

  async query<T = any>(database: string, sql: string, params: unknown[] = []): Promise<T> {
    const connection = await createConnection({ uri: this.url(database), supportBigNumbers: true, bigNumberStrings: true });
    try {
      const [rows] = await connection.query(sql, params);
      return rows as T;
    } finally {
      await connection.end();
    }
  }

  async createDatabase(name: string): Promise<void> {
    if (!/test/i.test(name)) throw new Error(`refusing to create "${name}": a test database's name must contain "test"`);
    const connection = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root' });
    try {
      await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    } finally {
      await connection.end();
    }
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
