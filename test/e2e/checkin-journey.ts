import type { CheckinCalendar, CheckinResult, CheckinSettings, MakeUpResult } from '@wemember/shared';
import { createTemplate } from '../support/coupons';
import type { HttpResult } from '../support/http';
import { TestStack } from '../support/stack';
import { POINT_ENTRIES, TestTill, type TestMember } from '../support/till';

/** An error answer's fields. */
interface ErrorBody {
  code?: string;
  issues?: { field: string; message: string }[];
}

/**
 * Tuesday 2 June 2026, the last minute of the day in Shanghai (23:59 +08:00), with the server in UTC.
 * The test clock keeps running after a jump: a minute leaves the two check-ins below room on a slow machine.
 */
const LAST_MINUTE = '2026-06-02T15:59:00Z';
/** Midnight in Shanghai: 3 June there, still 2 June in UTC. */
const MIDNIGHT = '2026-06-02T16:00:00Z';
/** 10:00 in Shanghai on the given June day. */
const june = (day: number) => `2026-06-${String(day).padStart(2, '0')}T02:00:00Z`;

/**
 * Daily check-in over HTTP: one per member per Shanghai day whatever the server's zone, the streak
 * growing and starting over, the ladder's points and coupon given once, the month calendar, and
 * refusals that change nothing. Shared by the MariaDB and the SQLite runs.
 */
export function describeCheckinJourney(database: 'mysql' | 'sqlite'): void {
  describe(`daily check-in (${database})`, () => {
    let stack: TestStack;
    let till: TestTill;

    beforeAll(async () => {
      stack = await TestStack.start({ database });
      till = await TestTill.open(stack);
    });
    afterEach(async () => expect((await till.reconcile()).mismatches).toEqual([]));
    afterAll(() => stack?.close());

    // Untyped answers: the refusals are read from the same calls (their bodies are errors).
    const checkIn = (member: TestMember): Promise<HttpResult<CheckinResult & ErrorBody>> => stack.api('POST', '/member/checkins', { token: member.token });
    const calendar = (member: TestMember, month?: string): Promise<HttpResult<CheckinCalendar & ErrorBody>> =>
      stack.api('GET', `/member/checkins${month === undefined ? '' : `?month=${encodeURIComponent(month)}`}`, { token: member.token });
    const checkinEntries = async (member: TestMember) =>
      (await stack.db.query(`SELECT delta FROM ${POINT_ENTRIES} l WHERE l.member_id = ? AND l.kind = 'checkin'`, [member.memberId])) as { delta: unknown }[];
    const rows = async (member: TestMember) => Number(((await stack.db.query('SELECT COUNT(*) AS n FROM checkins WHERE member_id = ?', [member.memberId])) as { n: unknown }[])[0]!.n);

    it("counts China's day, not the server's: 15:59Z and 16:00Z are two check-in days", async () => {
      stack.clock.travelTo(june(2));
      const member = await till.newMember();
      const before = await till.points(member);

      stack.clock.travelTo(LAST_MINUTE);
      const first = await checkIn(member);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ date: '2026-06-02', streak: 1, pointsEarned: 5, rewards: [], alreadyCheckedIn: false });
      // Again the same Shanghai day: the day's result, nothing given twice.
      const again = await checkIn(member);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ ...first.body, alreadyCheckedIn: true });

      stack.clock.travelTo(MIDNIGHT);
      const next = await checkIn(member);
      expect(next.status).toBe(201);
      expect(next.body).toMatchObject({ date: '2026-06-03', streak: 2, pointsEarned: 5 });

      expect(await till.points(member)).toBe(before + 10);
      expect((await checkinEntries(member)).map((e) => Number(e.delta))).toEqual([5, 5]);
      const points = await stack.api('GET', '/member/points?limit=5', { token: member.token });
      expect(points.body.entries[0]).toMatchObject({ kind: 'checkin', kindName: '签到', delta: 5 });
    });

    it('20 concurrent check-ins of one member give one check-in and its points once', async () => {
      stack.clock.travelTo(june(4));
      const member = await till.newMember();
      const before = await till.points(member);
      const results = await Promise.all(Array.from({ length: 20 }, () => checkIn(member)));
      expect(results.map((r) => r.status).sort()).toEqual([...Array(19).fill(200), 201]);
      for (const r of results) expect(r.body).toMatchObject({ date: '2026-06-04', streak: 1, pointsEarned: 5 });
      expect(await rows(member)).toBe(1);
      expect(await checkinEntries(member)).toHaveLength(1);
      expect(await till.points(member)).toBe(before + 5);
    });

    it('the streak grows day by day, the ladder gives its points and coupon once, and a missed day starts over', async () => {
      const template = await createTemplate(stack, till.adminToken, { name: '签到满30减5', thresholdFen: 3_000, valueFen: 500, claimable: false });
      const current = await stack.api<CheckinSettings>('GET', '/staff/settings/checkin', { token: till.adminToken });
      const saved = await stack.api<CheckinSettings>('PUT', '/staff/settings/checkin', {
        token: till.adminToken,
        body: { version: current.body.version, enabled: true, basePoints: 2, ladder: [{ day: 3, points: 10, templateId: template.id }], cycle: false },
      });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ basePoints: 2, version: current.body.version + 1 });

      stack.clock.travelTo(june(10));
      const member = await till.newMember();
      const before = await till.points(member);
      const shown = (await calendar(member)).body;
      expect(shown).toMatchObject({ month: '2026-06', today: '2026-06-10', days: [], checkedInToday: false, streak: 0, todayPoints: 2 });
      expect(shown.next).toEqual({ inDays: 3, day: 3, points: 12, couponName: '签到满30减5' });

      expect((await checkIn(member)).body).toMatchObject({ streak: 1, pointsEarned: 2, rewards: [] });
      stack.clock.travelTo(june(11));
      expect((await checkIn(member)).body).toMatchObject({ streak: 2, pointsEarned: 2, rewards: [] });
      stack.clock.travelTo(june(12));
      const third = await checkIn(member);
      expect(third.body).toMatchObject({ date: '2026-06-12', streak: 3, pointsEarned: 12, rewards: [{ day: 3, points: 10, coupon: { name: '签到满30减5' } }] });
      const replay = await checkIn(member);
      expect(replay.status).toBe(200);
      expect(replay.body.rewards).toEqual(third.body.rewards);
      const coupons = (await stack.db.query("SELECT id FROM coupons WHERE member_id = ? AND source = 'checkin'", [member.memberId])) as { id: string }[];
      expect(coupons.map((c) => c.id)).toEqual([third.body.rewards[0]!.coupon!.couponId]);
      const mine = await stack.api('GET', '/member/coupons', { token: member.token });
      expect(mine.body.coupons ?? mine.body.items ?? mine.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: coupons[0]!.id, sourceName: '签到奖励' })]));

      // Without cycling, day 4 is the base points only; 14 June is missed, so 15 June starts over.
      stack.clock.travelTo(june(13));
      expect((await checkIn(member)).body).toMatchObject({ streak: 4, pointsEarned: 2, rewards: [] });
      stack.clock.travelTo(june(15));
      expect((await calendar(member)).body).toMatchObject({ streak: 0, checkedInToday: false, todayPoints: 2 });
      expect((await checkIn(member)).body).toMatchObject({ date: '2026-06-15', streak: 1, pointsEarned: 2 });

      const month = (await calendar(member, '2026-06')).body;
      expect(month.days.map((d) => [d.date, d.streak, d.points])).toEqual([
        ['2026-06-10', 1, 2],
        ['2026-06-11', 2, 2],
        ['2026-06-12', 3, 12],
        ['2026-06-13', 4, 2],
        ['2026-06-15', 1, 2],
      ]);
      expect(month).toMatchObject({ checkedInToday: true, streak: 1, todayPoints: 2, next: { inDays: 2, day: 3 } });
      expect((await calendar(member, '2026-05')).body.days).toEqual([]);
      expect(await till.points(member)).toBe(before + 20);
    });

    it('a missed day is made up for points: the streak joins up, it is charged once, and the rules refuse the rest', async () => {
      const current = await stack.api<CheckinSettings>('GET', '/staff/settings/checkin', { token: till.adminToken });
      const { version, updatedAt: _at, updatedBy: _by, ...rules } = current.body;
      const saved = await stack.api<CheckinSettings>('PUT', '/staff/settings/checkin', {
        token: till.adminToken,
        body: { ...rules, version, makeUp: { enabled: true, costPoints: 20, withinDays: 3, maxPerMonth: 2 } },
      });
      expect(saved.status).toBe(200);
      const makeUp = (member: TestMember, date: string): Promise<HttpResult<MakeUpResult & ErrorBody>> =>
        stack.api('POST', '/member/checkins/makeup', { token: member.token, body: { date } });

      stack.clock.travelTo(june(10));
      const member = await till.newMember();
      await till.bought(member, { amountFen: 10_000 });
      const tenth = (await checkIn(member)).body;
      stack.clock.travelTo(june(12));
      const twelfth = (await checkIn(member)).body;
      stack.clock.travelTo(june(13));
      const thirteenth = (await checkIn(member)).body;
      expect([tenth.streak, twelfth.streak, thirteenth.streak]).toEqual([1, 1, 2]);
      const before = await till.points(member);
      expect((await calendar(member)).body.makeUp).toEqual({ costPoints: 20, earliest: '2026-06-10', remainingThisMonth: 2 });

      const made = await makeUp(member, '2026-06-11');
      expect(made.status).toBe(201);
      expect(made.body).toEqual({ date: '2026-06-11', pointsSpent: 20, streak: 4, alreadyMadeUp: false });
      // The same make-up again (a retried tap): the first one's answer, charged once.
      const again = await makeUp(member, '2026-06-11');
      expect([again.status, again.body]).toEqual([200, { ...made.body, alreadyMadeUp: true }]);
      expect(await till.points(member)).toBe(before - 20);
      const month = (await calendar(member)).body;
      expect(month.days).toEqual([
        // What each day earned stays as it was: a make-up rejoins the streak, it gives nothing back.
        { date: '2026-06-10', streak: 1, points: tenth.pointsEarned, madeUp: false },
        { date: '2026-06-11', streak: 2, points: 0, madeUp: true },
        { date: '2026-06-12', streak: 3, points: twelfth.pointsEarned, madeUp: false },
        { date: '2026-06-13', streak: 4, points: thirteenth.pointsEarned, madeUp: false },
      ]);
      expect(month).toMatchObject({ streak: 4, makeUp: { remainingThisMonth: 1 } });
      const entries = await stack.api('GET', '/member/points?limit=1', { token: member.token });
      expect(entries.body.entries[0]).toMatchObject({ kind: 'checkin_makeup', kindName: '补签', delta: -20, reason: '补签 6月11日' });

      // A day checked in (today's too) is 409; tomorrow, a day past the window or no date at all: 400 naming `date`.
      for (const date of ['2026-06-12', '2026-06-13']) {
        const checked = await makeUp(member, date);
        expect([checked.status, checked.body.code]).toEqual([409, 'CHECKIN_ALREADY']);
      }
      for (const date of ['2026-06-14', '2026-06-09', '2026-02-30']) {
        const bad = await makeUp(member, date);
        expect({ date, status: bad.status, fields: bad.body.issues?.map((i) => i.field) }).toEqual({ date, status: 400, fields: ['date'] });
      }
      expect(await till.points(member)).toBe(before - 20);

      // Ten taps at once on one missed day: one make-up, one charge; then the month's allowance runs out.
      const other = await till.newMember();
      await till.bought(other, { amountFen: 10_000 });
      const otherBefore = await till.points(other);
      const taps = await Promise.all(Array.from({ length: 10 }, () => makeUp(other, '2026-06-12')));
      expect(taps.map((t) => t.status).sort()).toEqual([...Array(9).fill(200), 201]);
      expect((await makeUp(other, '2026-06-11')).status).toBe(201);
      const limit = await makeUp(other, '2026-06-10');
      expect([limit.status, limit.body.code]).toEqual([409, 'CHECKIN_MAKEUP_LIMIT']);
      expect(await till.points(other)).toBe(otherBefore - 40);
      // Yesterday and the day before made up: today's check-in would be day 3 of a streak.
      expect((await calendar(other)).body).toMatchObject({ checkedInToday: false, streak: 2, makeUp: { remainingThisMonth: 0 } });

      // Short of points: refused, no row.
      const poor = await till.newMember();
      const short = await makeUp(poor, '2026-06-12');
      expect([short.status, short.body.code]).toEqual([422, 'POINTS_INSUFFICIENT']);
      expect(await rows(poor)).toBe(0);
    });

    it('refuses a bad month naming `month`, a frozen card, and a brand that turned check-in off, changing nothing', async () => {
      stack.clock.travelTo(june(20));
      const member = await till.newMember();
      for (const month of ['2026-13', '2026-6', 'june', '2026-06-01']) {
        const bad = await calendar(member, month);
        expect({ status: bad.status, fields: bad.body.issues?.map((i) => i.field) }).toEqual({ status: 400, fields: ['month'] });
      }

      const frozen = await till.newMember();
      await stack.db.query("UPDATE members SET status = 'frozen' WHERE id = ?", [frozen.memberId]);
      const refused = await checkIn(frozen);
      expect([refused.status, refused.body.code]).toEqual([403, 'MEMBER_FROZEN']);
      expect(await rows(frozen)).toBe(0);

      const current = await stack.api<CheckinSettings>('GET', '/staff/settings/checkin', { token: till.adminToken });
      const { version, updatedAt: _at, updatedBy: _by, ...rules } = current.body;
      const unknown = await stack.api('PUT', '/staff/settings/checkin', { token: till.adminToken, body: { ...rules, version, ladder: [{ day: 2, points: 1, templateId: 'no-such-template' }] } });
      expect([unknown.status, unknown.body.issues.map((i: { field: string }) => i.field)]).toEqual([400, ['ladder.0.templateId']]);
      const stale = await stack.api('PUT', '/staff/settings/checkin', { token: till.adminToken, body: { ...rules, version: version + 5 } });
      expect([stale.status, stale.body.code]).toEqual([409, 'SETTINGS_CONFLICT']);
      const clerk = await stack.api('PUT', '/staff/settings/checkin', { token: till.clerkToken, body: { ...rules, version } });
      expect(clerk.status).toBe(403);

      const off = await stack.api('PUT', '/staff/settings/checkin', { token: till.adminToken, body: { ...rules, version, enabled: false } });
      expect(off.status).toBe(200);
      const closed = await checkIn(member);
      expect([closed.status, closed.body.code]).toEqual([409, 'CHECKIN_DISABLED']);
      expect(await rows(member)).toBe(0);
      expect((await calendar(member)).body.enabled).toBe(false);
    });
  });
}
