import { chinaDate, chinaDayStart } from '@wemember/shared';

/*
 * When a message may go out: never in the brand's quiet hours (Asia/Shanghai wall-clock time, a
 * span that may cross midnight), and once the member's daily cap is used, not before the next
 * Shanghai day. Pure, so the sender and its tests agree on the minute.
 */

export interface QuietHours {
  start: string;
  end: string;
}

const DAY_MS = 24 * 3600_000;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** The end of the quiet hours `at` falls in; null when `at` is outside them (or there are none). */
export function quietUntil(at: Date, quiet: QuietHours | null): Date | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const dayStart = chinaDayStart(chinaDate(at)).getTime();
  const minute = Math.floor((at.getTime() - dayStart) / 60_000);
  const endToday = new Date(dayStart + end * 60_000);
  if (start < end) return minute >= start && minute < end ? endToday : null;
  // Across midnight (21:30–08:30): the evening part ends tomorrow morning, the morning part today.
  if (minute >= start) return new Date(endToday.getTime() + DAY_MS);
  if (minute < end) return endToday;
  return null;
}

/** `at`, or the end of the quiet hours it falls in. */
export function firstAllowed(at: Date, quiet: QuietHours | null): Date {
  return quietUntil(at, quiet) ?? at;
}

/** The first allowed moment of the Shanghai day after the one `at` falls in. */
export function nextDayAllowed(at: Date, quiet: QuietHours | null): Date {
  const tomorrow = new Date(chinaDayStart(chinaDate(at)).getTime() + DAY_MS);
  return firstAllowed(tomorrow, quiet);
}

