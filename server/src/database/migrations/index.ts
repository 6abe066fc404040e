import { Foundation1764316800000 } from './1764316800000-Foundation';
import { Points1764403200000 } from './1764403200000-Points';
import { Ledger1795910400000 } from './1795910400000-Ledger';

/** Every migration, in order. A new migration is added here and never edited once released. */
export const MIGRATIONS = [Foundation1764316800000, Points1764403200000, Ledger1795910400000];
