import type { TableColumnOptions } from 'typeorm';

/* Column shapes shared by the migrations; changing one changes only migrations written after. */
export const id = (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: name === 'id' });
export const ref = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable: nullable });
export const text = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
export const time = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
export const integer = (name: string): TableColumnOptions => ({ name, type: 'bigint', default: 0 });
export const flag = (name: string): TableColumnOptions => ({ name, type: 'boolean', default: true });
/** A Shanghai business date, YYYY-MM-DD: compares as text on every database. */
export const day = (name: string): TableColumnOptions => text(name, 10);
