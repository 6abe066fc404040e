import { chinaDate, type CampaignSchedule } from '@wemember/shared';

/** Asia/Shanghai keeps no daylight saving: a wall-clock time there is UTC+8 all year. */
const SHANGHAI = '+08:00';

/**
 * When a campaign's next run is due at or after `from` (the launch, or the end of the last run),
 * or null when none is: `now` at once, `at` at its time (a time already past runs at once: it
 * catches up), `monthly` on day D at HH:mm Shanghai of this month or the next.
 */
export function nextRunAt(schedule: CampaignSchedule, from: Date, runsDone: number): Date | null {
  switch (schedule.type) {
    case 'now':
      return runsDone === 0 ? from : null;
    case 'at':
      return runsDone === 0 ? new Date(schedule.at) : null;
    case 'monthly': {
      const [year, month] = chinaDate(from).split('-').map(Number);
      for (let add = 0; add < 2; add++) {
        const y = year + Math.floor((month - 1 + add) / 12);
        const m = ((month - 1 + add) % 12) + 1;
        const at = new Date(`${y}-${String(m).padStart(2, '0')}-${String(schedule.day).padStart(2, '0')}T${schedule.time}:00${SHANGHAI}`);
        if (at.getTime() >= from.getTime()) return at;
      }
      return null;
    }
  }
}

/**
 * The run a due time is: 1 for a one-off campaign, the Shanghai month YYYYMM of the due time for a
 * monthly one — so a month's run is one key, claimed once however often (or late) it is checked.
 */
export function runNoOf(schedule: CampaignSchedule, dueAt: Date): number {
  if (schedule.type !== 'monthly') return 1;
  const [year, month] = chinaDate(dueAt).split('-').map(Number);
  return year * 100 + month;
}
