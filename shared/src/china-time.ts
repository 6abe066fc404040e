/**
 * Business dates are Asia/Shanghai (UTC+8, no daylight saving); timestamps are stored in UTC.
 * These helpers never depend on the machine's time zone.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function chinaDate(at: Date = new Date()): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The UTC instant at which a Shanghai calendar date (YYYY-MM-DD) begins. */
export function chinaDayStart(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - SHANGHAI_OFFSET_MS);
}

/** The Shanghai month (1..12) of an instant. */
export function chinaMonth(at: Date = new Date()): number {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).getUTCMonth() + 1;
}

/** Day of the week in Shanghai, 0 = Sunday … 6 = Saturday. */
export function chinaWeekday(at: Date = new Date()): number {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).getUTCDay();
}

/** "2026-11-28 14:05": an instant as Shanghai wall-clock time, to the minute. */
export function chinaDateTime(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** "2026年12月31日" for the date 2026-12-31 (YYYY-MM-DD), as a shopper reads a date. */
export function chinaDateLabel(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

/** Whole days from one calendar date (YYYY-MM-DD) to another: 0 for the same day, negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
