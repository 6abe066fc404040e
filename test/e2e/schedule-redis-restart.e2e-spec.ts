import { chinaDate } from '@wemember/shared';
import { POINTS_SCHEDULE, PointsJobs } from '../../server/src/jobs/points-jobs';
import { OwnRedis } from '../support/own-redis';
import { STAFF_PASSWORD, TestStack } from '../support/stack';

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, seconds = 20): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe().catch(() => undefined as T);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > until) throw new Error(`not within ${seconds} s: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The schedule survives Redis restarting empty; while Redis is away, what needs it answers 503. */
describe('jobs through a Redis restart', () => {
  let redis: OwnRedis;
  let stack: TestStack;
  const scheduled = () => stack.app.get(PointsJobs).queue.getRepeatableJobs();

  beforeAll(async () => {
    redis = await OwnRedis.start();
    stack = await TestStack.start({ env: { SCHEDULE_JOBS: 'true', REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  it('Redis restarts empty: the schedule is registered again, and logins answer 503 while it is away', async () => {
    expect((await scheduled()).map((j) => j.name).sort()).toEqual(Object.keys(POINTS_SCHEDULE).sort());

    await redis.kill();
    const login = await stack.api('POST', '/staff/auth/login', { body: { username: stack.usernamePrefix + 'clerk', password: STAFF_PASSWORD } });
    expect(login.status).toBe(503);
    expect(login.body).toMatchObject({ code: 'BUSY_RETRY', message: '系统繁忙，请稍后重试' });

    await redis.up();
    const back = await eventually(scheduled, (jobs) => jobs.length === Object.keys(POINTS_SCHEDULE).length);
    expect(back.map((j) => [j.name, j.cron, j.tz]).sort()).toEqual(Object.entries(POINTS_SCHEDULE).map(([n, c]) => [n, c, 'Asia/Shanghai']).sort());
    const again = await eventually(
      () => stack.api('POST', '/staff/auth/login', { body: { username: stack.usernamePrefix + 'clerk', password: STAFF_PASSWORD } }),
      (r) => r.status === 200,
    );
    expect(again.body.staff.username).toBe(stack.usernamePrefix + 'clerk');
  });

  it('a scheduled run that did not happen is reported; once it runs, it is not', async () => {
    const jobs = stack.app.get(PointsJobs);
    expect(await jobs.missedRuns()).toEqual([]);
    // A day and a half later, no run having happened (the test clock moves; Bull's timer does not).
    const from = stack.clock.now();
    stack.clock.advance(36 * 3600_000);
    const missed = await jobs.check();
    // Every daily job; a monthly or yearly one too when its day fell in the day and a half.
    expect(missed.map((m) => m.name)).toEqual(expect.arrayContaining(['expire', 'reconcile', 'coupon-expire']));
    for (const run of missed) expect(Date.parse(run.due)).toBeGreaterThan(from);
    const today = chinaDate(new Date(stack.clock.now()));
    await (await jobs.runFor('expire', today, stack.chain.brand.id)).finished();
    expect((await jobs.missedRuns()).map((m) => m.name).sort()).toEqual(missed.map((m) => m.name).filter((name) => name !== 'expire').sort());
  });
});
