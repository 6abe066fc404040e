import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../../server/src/config/app-config';
import { UnitOfWork } from '../../../server/src/database/unit-of-work';
import { TEST_DATABASE_URL } from '../../support/test-database';

export type MediumDatabase = 'mysql' | 'sqlite';

/** The medium tests' own MariaDB database, beside the e2e one: `<e2e name>_medium`. Dropped per run. */
export const MEDIUM_DATABASE_URL = process.env.TEST_MEDIUM_DATABASE_URL ?? `${TEST_DATABASE_URL}_medium`;

/** The databases this run covers: both unless MEDIUM_DATABASES names one (to time each alone). */
export function mediumDatabases(): MediumDatabase[] {
  const wanted = (process.env.MEDIUM_DATABASES ?? 'mysql,sqlite').split(',').map((d) => d.trim());
  const known: MediumDatabase[] = ['mysql', 'sqlite'];
  const unknown = wanted.filter((d) => !known.includes(d as MediumDatabase));
  if (unknown.length) throw new Error(`MEDIUM_DATABASES: unknown ${unknown.join(', ')} (mysql, sqlite)`);
  return known.filter((d) => wanted.includes(d));
}

/** An open database with its migrations applied, as the server opens it. */
export interface OpenDatabase {
  database: MediumDatabase;
  uow: UnitOfWork;
  /** The writing DataSource, for looking at rows and for statements the unit of work would refuse. */
  db: DataSource;
  close(): Promise<void>;
}

export async function openDatabase(database: MediumDatabase): Promise<OpenDatabase> {
  const dir = database === 'sqlite' ? mkdtempSync(join(tmpdir(), 'wemember-medium-')) : null;
  const config: DatabaseConfig =
    database === 'sqlite' ? { type: 'sqlite', path: join(dir!, `medium-${randomBytes(4).toString('hex')}.sqlite`) } : { type: 'mysql', url: MEDIUM_DATABASE_URL, poolSize: 10 };
  const uow = await UnitOfWork.open(config);
  return {
    database,
    uow,
    db: uow.dataSource,
    async close() {
      await uow.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A promise and the function that settles it: stands in for a reply from Redis, WeChat or a bank. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
