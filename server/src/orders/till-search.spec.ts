import { DomainError } from '../common/domain-error';
import { decodeCursor, encodeCursor } from './member-orders.usecase';
import { isCalendarDate, likeEscape } from './orders.usecase';

describe('the till search and history helpers', () => {
  it('a cursor decodes to the order it was made from; anything else is a 400 naming cursor', () => {
    const order = { createdAt: new Date('2026-06-02T02:00:00.123Z'), id: '0b9f4a5e-6c1d-4f8e-9a51-3c2d1e0f9a87' };
    expect(decodeCursor(encodeCursor(order))).toEqual({ at: order.createdAt, id: order.id });
    for (const bad of ['', 'abc', '!!!', Buffer.from('1749000000000').toString('base64url'), Buffer.from(`99999999999999.x y`).toString('base64url')]) {
      let error: unknown;
      try {
        decodeCursor(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).issues?.map((i) => i.field)).toEqual(['cursor']);
    }
  });

  it('LIKE wildcards and the escape character are matched as themselves', () => {
    expect(likeEscape('R_1%2!3')).toBe('R!_1!%2!!3');
    expect(likeEscape('POS-0001')).toBe('POS-0001');
  });

  it('a date is a day of the calendar', () => {
    expect(['2026-06-02', '2028-02-29'].map(isCalendarDate)).toEqual([true, true]);
    expect(['2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10'].map(isCalendarDate)).toEqual([false, false, false, false]);
  });
});
