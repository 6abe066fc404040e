import { checkinReward, checkinRulesSchema, DEFAULT_CHECKIN_RULES, DEFAULT_MAKE_UP_RULES, ladderDay, makeUpRefusal, nextCheckinStep, nextStreak, streaksAfterMakeUp, type CheckinRules } from './checkin';

const rules: CheckinRules = {
  enabled: true,
  basePoints: 5,
  ladder: [
    { day: 3, points: 5, templateId: null },
    { day: 7, points: 20, templateId: 'tpl-7' },
  ],
  cycle: true,
  makeUp: DEFAULT_MAKE_UP_RULES,
};

describe('check-in streak', () => {
  it('grows on consecutive days, across a month and a leap day', () => {
    expect(nextStreak('2028-03-01', { date: '2028-02-29', streak: 4 })).toBe(5);
    expect(nextStreak('2027-01-01', { date: '2026-12-31', streak: 1 })).toBe(2);
  });

  it('starts over after a missed day, and on the first check-in', () => {
    expect(nextStreak('2026-12-03', { date: '2026-12-01', streak: 9 })).toBe(1);
    expect(nextStreak('2026-12-03', null)).toBe(1);
  });
});

describe('check-in rewards', () => {
  it('gives the base points, plus a step on the day the streak reaches it', () => {
    expect(checkinReward(rules, 1)).toEqual({ points: 5, step: null });
    expect(checkinReward(rules, 3)).toEqual({ points: 10, step: rules.ladder[0] });
    expect(checkinReward(rules, 7)).toEqual({ points: 25, step: rules.ladder[1] });
  });

  it('starts the ladder over after its last step when it cycles', () => {
    expect(ladderDay(rules, 8)).toBe(1);
    expect(checkinReward(rules, 10).step).toBe(rules.ladder[0]);
    expect(checkinReward(rules, 14).step).toBe(rules.ladder[1]);
  });

  it('gives nothing beyond the last step when it does not cycle', () => {
    const once = { ...rules, cycle: false };
    expect(checkinReward(once, 10)).toEqual({ points: 5, step: null });
    expect(nextCheckinStep(once, 7)).toBeNull();
  });

  it('names the next step and how far away it is', () => {
    expect(nextCheckinStep(rules, 0)).toEqual({ step: rules.ladder[0], inDays: 3 });
    expect(nextCheckinStep(rules, 3)).toEqual({ step: rules.ladder[1], inDays: 4 });
    expect(nextCheckinStep(rules, 7)).toEqual({ step: rules.ladder[0], inDays: 3 });
    expect(nextCheckinStep({ ...rules, ladder: [] }, 2)).toBeNull();
  });
});

describe('check-in rules', () => {
  it('accepts the defaults and refuses a day set twice, naming the reason', () => {
    expect(checkinRulesSchema.parse(DEFAULT_CHECKIN_RULES)).toEqual(DEFAULT_CHECKIN_RULES);
    const twice = checkinRulesSchema.safeParse({ ...rules, ladder: [rules.ladder[0], rules.ladder[0]] });
    expect(twice.success).toBe(false);
    expect(twice.error?.issues[0]?.message).toBe('每个连续天数只能设置一档');
    const negative = checkinRulesSchema.safeParse({ ...rules, basePoints: -1 });
    expect(negative.error?.issues[0]?.path).toEqual(['basePoints']);
  });
});

describe('make-up check-in', () => {
  const allowing: CheckinRules = { ...rules, makeUp: { enabled: true, costPoints: 20, withinDays: 3, maxPerMonth: 2 } };

  it('takes a missed day before today and within the window, while the month has make-ups left', () => {
    expect(makeUpRefusal(allowing, '2026-06-13', '2026-06-10', 0)).toBeNull();
    expect(makeUpRefusal(allowing, '2026-06-13', '2026-06-12', 1)).toBeNull();
    // Across a month boundary the allowance counted is the missed day's month's.
    expect(makeUpRefusal(allowing, '2026-07-01', '2026-06-30', 0)).toBeNull();
  });

  it('refuses today, later days, days past the window, a spent allowance and a brand that does not allow it', () => {
    expect(makeUpRefusal(allowing, '2026-06-13', '2026-06-13', 0)).toMatchObject({ code: 'CHECKIN_MAKEUP_DATE' });
    expect(makeUpRefusal(allowing, '2026-06-13', '2026-06-20', 0)).toMatchObject({ code: 'CHECKIN_MAKEUP_DATE' });
    expect(makeUpRefusal(allowing, '2026-06-13', '2026-06-09', 0)).toEqual({ code: 'CHECKIN_MAKEUP_DATE', message: '只能补签最近 3 天内漏签的日子' });
    expect(makeUpRefusal(allowing, '2026-06-13', '2026-06-11', 2)).toEqual({ code: 'CHECKIN_MAKEUP_LIMIT' });
    expect(makeUpRefusal(rules, '2026-06-13', '2026-06-11', 0)).toEqual({ code: 'CHECKIN_MAKEUP_DISABLED' });
    expect(makeUpRefusal({ ...allowing, enabled: false }, '2026-06-13', '2026-06-11', 0)).toEqual({ code: 'CHECKIN_MAKEUP_DISABLED' });
  });

  it('joins the streak: the made-up day counts on from the day before, and the consecutive days after it count on from it', () => {
    expect(
      streaksAfterMakeUp('2026-06-11', { date: '2026-06-10', streak: 4 }, [
        { date: '2026-06-12', streak: 1 },
        { date: '2026-06-13', streak: 2 },
        { date: '2026-06-15', streak: 1 },
      ]),
    ).toEqual([
      { date: '2026-06-11', streak: 5 },
      { date: '2026-06-12', streak: 6 },
      { date: '2026-06-13', streak: 7 },
    ]);
    // No check-in the day before: the made-up day starts a streak; a gap after it stops the recount.
    expect(streaksAfterMakeUp('2026-06-11', { date: '2026-06-08', streak: 3 }, [{ date: '2026-06-13', streak: 1 }])).toEqual([{ date: '2026-06-11', streak: 1 }]);
    expect(streaksAfterMakeUp('2026-02-28', null, [{ date: '2026-03-01', streak: 1 }])).toEqual([
      { date: '2026-02-28', streak: 1 },
      { date: '2026-03-01', streak: 2 },
    ]);
  });
});
