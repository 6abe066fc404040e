import { firstAllowed, nextDayAllowed, quietUntil } from './send-window';

const overnight = { start: '21:30', end: '08:30' };
const afternoon = { start: '12:00', end: '14:00' };
// Shanghai is UTC+8: 21:30 Shanghai on 2026-06-02 is 13:30Z.
const sh = (local: string) => new Date(`${local}+08:00`);

describe('send window', () => {
  it('defers an evening send to the next morning and an early one to the same morning', () => {
    expect(quietUntil(sh('2026-06-02T21:30:00'), overnight)).toEqual(sh('2026-06-03T08:30:00'));
    expect(quietUntil(sh('2026-06-02T23:59:00'), overnight)).toEqual(sh('2026-06-03T08:30:00'));
    expect(quietUntil(sh('2026-06-03T00:00:00'), overnight)).toEqual(sh('2026-06-03T08:30:00'));
    expect(quietUntil(sh('2026-06-03T08:29:59'), overnight)).toEqual(sh('2026-06-03T08:30:00'));
  });

  it('lets a send through outside the quiet hours, and when there are none', () => {
    expect(quietUntil(sh('2026-06-03T08:30:00'), overnight)).toBeNull();
    expect(quietUntil(sh('2026-06-02T21:29:00'), overnight)).toBeNull();
    expect(quietUntil(sh('2026-06-02T23:00:00'), null)).toBeNull();
    expect(firstAllowed(sh('2026-06-02T12:00:00'), overnight)).toEqual(sh('2026-06-02T12:00:00'));
  });

  it('handles quiet hours within one day', () => {
    expect(quietUntil(sh('2026-06-02T12:00:00'), afternoon)).toEqual(sh('2026-06-02T14:00:00'));
    expect(quietUntil(sh('2026-06-02T14:00:00'), afternoon)).toBeNull();
    expect(quietUntil(sh('2026-06-02T11:59:00'), afternoon)).toBeNull();
  });

  it('the next day starts at midnight Shanghai, or when its quiet hours end', () => {
    expect(nextDayAllowed(sh('2026-06-02T10:00:00'), overnight)).toEqual(sh('2026-06-03T08:30:00'));
    expect(nextDayAllowed(sh('2026-12-31T23:00:00'), null)).toEqual(sh('2027-01-01T00:00:00'));
    expect(nextDayAllowed(sh('2026-06-02T10:00:00'), afternoon)).toEqual(sh('2026-06-03T00:00:00'));
  });
});
