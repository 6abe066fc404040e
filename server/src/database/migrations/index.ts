import { Foundation1764316800000 } from './1764316800000-Foundation';
import { Points1764403200000 } from './1764403200000-Points';

/** Every migration, in order. A new migration is added here and never edited once released. */
export const MIGRATIONS = [Foundation1764316800000, Points1764403200000];
