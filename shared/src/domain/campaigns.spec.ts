import { campaignArm, campaignLift, resolveMergeFields, templateValueProblem, unknownMergeFields } from './campaigns';

describe('campaign holdout arm', () => {
  it('is the same draw every time for a member and run, and close to the percentage over many members', () => {
    const arms = Array.from({ length: 10_000 }, (_, i) => campaignArm('c1', 1, `m${i}`, 20));
    expect(Array.from({ length: 10_000 }, (_, i) => campaignArm('c1', 1, `m${i}`, 20))).toEqual(arms);
    const held = arms.filter((a) => a === 'holdout').length;
    expect(held).toBeGreaterThan(1800);
    expect(held).toBeLessThan(2200);
  });

  it('holds out nobody at 0% and draws afresh each run', () => {
    expect(Array.from({ length: 1000 }, (_, i) => campaignArm('c1', 1, `m${i}`, 0)).every((a) => a === 'treated')).toBe(true);
    const run1 = Array.from({ length: 1000 }, (_, i) => campaignArm('c1', 1, `m${i}`, 50));
    const run2 = Array.from({ length: 1000 }, (_, i) => campaignArm('c1', 2, `m${i}`, 50));
    expect(run1).not.toEqual(run2);
  });
});

describe('merge fields', () => {
  it('resolve per member and leave unknown braces alone', () => {
    expect(resolveMergeFields('会员{memberNo}有{points}分，{tierName}', { memberNo: '8001', points: '120', tierName: '金卡' })).toBe('会员8001有120分，金卡');
    expect(unknownMergeFields('你好{name}{points}')).toEqual(['name']);
  });
});

describe('template key rules', () => {
  it('accept what WeChat accepts for each key type', () => {
    expect(templateValueProblem('thing1', '欢迎回来')).toBeNull();
    expect(templateValueProblem('thing1', '一二三四五六七八九十一二三四五六七八九十一')).toMatch(/20/);
    expect(templateValueProblem('number2', '120')).toBeNull();
    expect(templateValueProblem('number2', '十二')).not.toBeNull();
    expect(templateValueProblem('amount3', '12.30')).toBeNull();
    expect(templateValueProblem('date4', '2026-12-01')).toBeNull();
    expect(templateValueProblem('phrase5', '回来啦')).toBeNull();
    expect(templateValueProblem('phrase5', 'back')).not.toBeNull();
    expect(templateValueProblem('title', 'x')).toMatch(/键名/);
  });
});

describe('lift against the holdout', () => {
  it('is the difference of the purchase rates with a 95% interval (normal approximation)', () => {
    const lift = campaignLift({ members: 400, converted: 80 }, { members: 100, converted: 10 });
    expect(lift.treatedRate).toBeCloseTo(0.2);
    expect(lift.holdoutRate).toBeCloseTo(0.1);
    expect(lift.lift).toBeCloseTo(0.1);
    // se = sqrt(.2*.8/400 + .1*.9/100) = sqrt(0.0004 + 0.0009) = 0.036056
    expect(lift.low).toBeCloseTo(0.1 - 1.96 * 0.036056, 4);
    expect(lift.high).toBeCloseTo(0.1 + 1.96 * 0.036056, 4);
  });

  it('has no interval when an arm is empty', () => {
    expect(campaignLift({ members: 10, converted: 1 }, { members: 0, converted: 0 })).toMatchObject({ low: null, high: null });
  });
});
