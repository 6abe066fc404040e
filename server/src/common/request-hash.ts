import { createHash } from 'node:crypto';

/** SHA-256 of a request's meaning, so "same key, same request" is a replay and anything else a conflict. */
export function requestHash(content: unknown): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}
