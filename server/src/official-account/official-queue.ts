/**
 * The official account's own jobs: resolving a new follower's unionid through `user/info` (keyed by
 * openid), and a template message's outcome that arrived before the sender stored its msgid.
 */
export const OFFICIAL_QUEUE = 'official';

export interface UnionidJob {
  openid: string;
}

/**
 * Retried with backoff from 1 s (about 17 minutes over 10 attempts): WeChat's -1 "system busy"
 * passes in seconds. Removed when done or given up, so a later follow can queue the openid again.
 */
export function unionidJobOptions(openid: string) {
  return { jobId: `unionid:${openid}`, attempts: 10, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: true };
}

export interface FinishJob {
  msgid: string;
  status: string;
}

/**
 * WeChat pushes TEMPLATESENDJOBFINISH right after answering the send, so it can beat the sender
 * writing the msgid on its notification. Tried again for about a minute (0.5 s, 1 s, 2 s … 32 s);
 * a msgid still unknown then was not ours, and is forgotten.
 */
export function finishJobOptions(msgid: string) {
  return { jobId: `finish:${msgid}`, delay: 500, attempts: 7, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: true };
}
