import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { POINTS_SCHEDULE, PointsJobs } from '../../server/src/jobs/points-jobs';
import { TestStack } from '../support/stack';
import { POINT_ENTRIES, TestTill } from '../support/till';

/**
 * The daily and yearly jobs on Bull with two server instances sharing one database and one Redis:
 * one schedule in Redis, each run executed once, and its effects keyed even when Bull delivers twice.
 */
describe('points jobs with two server instances', () => {
  let stack: TestStack;
  let twin: NestFastifyApplication;
  let till: TestTill;

  beforeAll(async () => {
    stack = await TestStack.start({ env: { SCHEDULE_JOBS: 'true' } });
    twin = await stack.twin();
    till = await TestTill.open(stack);
  });
  afterAll(() => stack?.close());

  it('both instances register the schedule; Redis holds it once, in Shanghai time', async () => {
    const repeatable = await stack.app.get(PointsJobs).queue.getRepeatableJobs();
    expect(repeatable.map((j) => [j.name, j.cron, j.tz]).sort()).toEqual(
      Object.entries(POINTS_SCHEDULE)
        .map(([name, cron]) => [name, cron, 'Asia/Shanghai'])
        .sort(),
    );
    expect(await twin.get(PointsJobs).queue.getRepeatableJobs()).toHaveLength(Object.keys(POINTS_SCHEDULE).length);
  });

  it('a day’s expiry asked of both instances runs once and expires each remainder once', async () => {
    stack.clock.travelTo('2026-06-02T02:00:00Z');
    const members = [await till.newMember(), await till.newMember()];
    await till.bought(members[0], { amountFen: 12_300 });
    await till.bought(members[1], { amountFen: 45_600 });
    await till.bought(members[1], { amountFen: 10_000, pointsToRedeem: 100 });
    stack.clock.travelTo('2028-01-01T02:00:00Z');

    const brandId = stack.chain.brand.id;
    const [one, two] = await Promise.all([stack.app.get(PointsJobs).runFor('expire', '2028-01-01', brandId), twin.get(PointsJobs).runFor('expire', '2028-01-01', brandId)]);
    expect(one.id).toBe(two.id);
    const result = await one.finished();
    expect(result).toMatchObject({ date: '2028-01-01', membersExpired: 2, pointsExpired: 123 + 456 - 100 + 99 });

    // Asked again later the same day: Bull knows the run and queues nothing.
    const again = await twin.get(PointsJobs).runFor('expire', '2028-01-01', brandId);
    expect(again.id).toBe(one.id);
    const [rows] = await stack.db.query(`SELECT COUNT(*) AS n, SUM(delta) AS total FROM ${POINT_ENTRIES} l WHERE l.brand_id = ? AND l.kind = 'expire'`, [brandId]);
    expect([Number(rows.n), Number(rows.total)]).toEqual([2, -(123 + 456 - 100 + 99)]);
    for (const member of members) expect(await till.points(member)).toBe(0);

    const reconcile = await stack.app.get(PointsJobs).runFor('reconcile', '2028-01-01', brandId);
    expect(await reconcile.finished()).toEqual({ checkedMembers: expect.any(Number), mismatches: 0 });
  });

  it('the yearly review lowers tiers that the year just ended no longer supports, once', async () => {
    stack.clock.travelTo('2026-06-02T02:00:00Z');
    const member = await till.newMember();
    expect((await till.bought(member, { amountFen: 520_000 })).tierAfter).toBe('gold');
    // Gold earned in January 2027 counts for the whole of 2027, so the review keeps it.
    stack.clock.travelTo('2027-01-10T02:00:00Z');
    const keeper = await till.newMember();
    expect((await till.bought(keeper, { amountFen: 520_000 })).tierAfter).toBe('gold');
    // A year and a half later the rolling 12 months hold nothing: the review takes the card down to 普通.
    stack.clock.travelTo('2028-01-01T02:00:00Z');
    const brandId = stack.chain.brand.id;
    const [first, second] = await Promise.all([
      stack.app.get(PointsJobs).runFor('tier-review', '2028-01-01', brandId),
      twin.get(PointsJobs).runFor('tier-review', '2028-01-01', brandId),
    ]);
    expect(first.id).toBe(second.id);
    await first.finished();
    const card = await stack.api('GET', '/member/card', { token: member.token });
    expect(card.body).toMatchObject({ tier: 'normal', growth: 0 });
    expect((await stack.api('GET', '/member/card', { token: keeper.token })).body.tier).toBe('gold');
    const changes = await stack.db.query('SELECT from_tier, to_tier, reason FROM tier_changes WHERE member_id = ? ORDER BY created_at', [member.memberId]);
    expect(changes).toEqual([
      { from_tier: 'normal', to_tier: 'gold', reason: 'purchase' },
      { from_tier: 'gold', to_tier: 'normal', reason: 'review' },
    ]);
  });
});
