import { nextRunAt, runNoOf } from './campaign-schedule';

describe('campaign schedule', () => {
  const at = (iso: string) => new Date(iso);

  it('runs a `now` campaign at launch and an `at` one at its time (a past time at once), each once', () => {
    const launch = at('2026-06-02T04:00:00Z');
    expect(nextRunAt({ type: 'now' }, launch, 0)).toEqual(launch);
    expect(nextRunAt({ type: 'now' }, launch, 1)).toBeNull();
    expect(nextRunAt({ type: 'at', at: '2026-06-05T10:00:00+08:00' }, launch, 0)).toEqual(at('2026-06-05T02:00:00Z'));
    expect(nextRunAt({ type: 'at', at: '2026-06-01T10:00:00+08:00' }, launch, 1)).toBeNull();
    expect(runNoOf({ type: 'now' }, launch)).toBe(1);
  });

  it('runs a monthly campaign on day D at HH:mm Shanghai, this month or the next, keyed by that month', () => {
    const monthly = { type: 'monthly' as const, day: 1, time: '10:00' };
    expect(nextRunAt(monthly, at('2026-06-02T04:00:00Z'), 0)).toEqual(at('2026-07-01T02:00:00Z'));
    // 1 June 09:59 in Shanghai is before that day's 10:00.
    expect(nextRunAt(monthly, at('2026-06-01T01:59:00Z'), 0)).toEqual(at('2026-06-01T02:00:00Z'));
    // December rolls into January; Shanghai's date, not UTC's (31 Dec 17:00 UTC is 1 Jan in Shanghai).
    expect(nextRunAt(monthly, at('2026-12-15T00:00:00Z'), 3)).toEqual(at('2027-01-01T02:00:00Z'));
    expect(runNoOf(monthly, at('2026-12-31T17:00:00Z'))).toBe(202701);
    expect(runNoOf(monthly, at('2026-07-01T02:00:00Z'))).toBe(202607);
  });
});
