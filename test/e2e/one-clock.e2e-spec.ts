import { chinaDate } from '@wemember/shared';
import { Clock } from '../../server/src/common/clock';
import { TestStack } from '../support/stack';
import { TestTill } from '../support/till';

/**
 * A purchase reads the clock once: a till that records a purchase in the last millisecond of a
 * Tuesday prices it as Tuesday's, even if the clock has passed midnight — into the member day
 * (Wednesday, double points) — by the time the rules are applied.
 */
describe('one clock reading per purchase', () => {
  let stack: TestStack;
  let till: TestTill;
  beforeAll(async () => {
    stack = await TestStack.start();
    till = await TestTill.open(stack);
  });
  afterAll(() => stack?.close());

  it('a purchase straddling midnight into the member day gets the date and the points of the moment it was recorded', async () => {
    const member = await till.newMember();
    const tuesdayLast = new Date('2026-12-01T15:59:59.999Z'); // 23:59:59.999 in Shanghai, a Tuesday
    const wednesday = new Date('2026-12-01T16:00:00.001Z');
    expect([chinaDate(tuesdayLast), chinaDate(wednesday)]).toEqual(['2026-12-01', '2026-12-02']);
    stack.clock.travelTo(tuesdayLast);
    const code = await till.code(member.token);
    // From the first reading on, the clock says Wednesday: a second reading would price the member day.
    const clock = stack.app.get(Clock);
    const now = clock.now.bind(clock);
    let readings = 0;
    clock.now = () => (readings++ === 0 ? tuesdayLast : wednesday);
    try {
      const answer = await stack.api('POST', '/staff/orders', { token: till.clerkToken, body: { memberCode: code, amountFen: 10_000, externalNo: `MIDNIGHT-${member.memberNo}` } });
      expect(answer.status).toBe(201);
      const order = answer.body;
      expect(readings).toBeGreaterThanOrEqual(1);
      expect({ createdAt: order.createdAt, pointsEarned: order.pointsEarned, notes: order.earningNotes }).toEqual({
        createdAt: tuesdayLast.toISOString(),
        pointsEarned: 100,
        notes: [],
      });
    } finally {
      clock.now = now;
    }
  });
});
