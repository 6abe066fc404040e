import type { ValueTransformer } from 'typeorm';

/**
 * BIGINT columns come back from mysql2 as strings and from better-sqlite3 as numbers; money and
 * points stay within Number.MAX_SAFE_INTEGER, so both become a safe integer or an error.
 */
export const safeInteger: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown) => {
    if (value === null || value === undefined) return value;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isSafeInteger(n)) throw new RangeError(`integer column out of range: ${String(value)}`);
    return n;
  },
};

/** Milliseconds survive on both databases (datetime(3) on MariaDB). */
export const DATETIME = { type: 'datetime', precision: 3 } as const;
