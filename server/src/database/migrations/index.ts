import { Foundation1764316800000 } from './1764316800000-Foundation';

/** Every migration, in order. A new migration is added here and never edited once released. */
export const MIGRATIONS = [Foundation1764316800000];
