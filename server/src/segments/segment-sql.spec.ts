import { segmentFilterSchema } from '@wemember/shared';
import { compileSegment, SEGMENT_FROM } from './segment-sql';

const context = { brandId: 'brand-1', today: '2027-03-10', oaAppid: 'wxoa' };

/** The WHERE clause's text after the FROM, for reading. */
const where = (sql: string) => sql.slice(`${SEGMENT_FROM} WHERE `.length);
const placeholders = (sql: string) => (sql.match(/\?/g) ?? []).length;

describe('the segment compiler', () => {
  it('always limits to the brand, active cards and (by default) members marketing may reach', () => {
    const empty = compileSegment({}, context);
    expect(empty.from.startsWith(`${SEGMENT_FROM} WHERE `)).toBe(true);
    expect(where(empty.from)).toBe(
      "m.brand_id = ? AND m.status = 'active' AND m.marketing_consent = 1 AND m.status <> 'closed' AND NOT EXISTS (SELECT 1 FROM sms_opt_outs o WHERE o.phone_hash = m.phone_hash)",
    );
    expect(empty.params).toEqual(['brand-1']);
    expect(where(compileSegment({ marketingAllowed: false }, context).from)).toBe("m.brand_id = ? AND m.status = 'active'");
  });

  it('writes every value as a placeholder, in order, never into the text', () => {
    const hostile = "x' OR '1'='1";
    const compiled = compileSegment(
      {
        stages: ['active', 'new'],
        stageChangedFrom: 'active',
        stageChangedTo: 'recently_lapsed',
        stageChangedWithinDays: 7,
        rScores: [5, 5, 4],
        tiers: ['gold'],
        storeIds: [hostile],
        regionIds: [hostile],
        lastPurchaseDaysMin: 30,
        lastPurchaseDaysMax: 90,
        joinedFrom: '2026-01-01',
        joinedTo: '2026-12-31',
        birthdayMonths: [5],
        pointsMin: 100,
        pointsMax: 500,
        usedCoupon: true,
        couponsUsedWithinDays: 7,
        hasUsableCoupon: false,
        followsOfficialAccount: true,
        hasSubscribeCredits: true,
        marketingAllowed: false,
      },
      context,
    );
    expect(compiled.from).not.toContain(hostile);
    expect(placeholders(compiled.from)).toBe(compiled.params.length);
    expect(compiled.params).toEqual([
      'brand-1',
      'active',
      'new',
      'active',
      'recently_lapsed',
      '2027-03-03',
      5,
      4,
      'gold',
      hostile,
      hostile,
      '2027-02-08',
      '2026-12-10',
      // Shanghai midnight of the join window's first day and of the day after its last, in UTC.
      '2025-12-31 16:00:00.000',
      '2026-12-31 16:00:00.000',
      '05',
      100,
      500,
      '2027-03-02 16:00:00.000',
      '2027-03-10',
      '2027-03-10',
      'wxoa',
    ]);
    expect(where(compiled.from)).toContain('r.r_score IN (?, ?)');
    expect(where(compiled.from)).toContain('NOT EXISTS (SELECT 1 FROM coupons c WHERE c.member_id = m.id AND c.status = \'issued\'');
  });

  it('treats an empty list as no criterion and "no official account" as nobody following', () => {
    expect(compileSegment({ stages: [], tiers: [], storeIds: [] }, context)).toEqual(compileSegment({}, context));
    const none = { ...context, oaAppid: null };
    expect(where(compileSegment({ followsOfficialAccount: true }, none).from)).toMatch(/ AND 1 = 0$/);
    expect(compileSegment({ followsOfficialAccount: false }, none)).toEqual(compileSegment({}, none));
  });

  it('is what the schema lets through: a bad filter never reaches it', () => {
    const bad = segmentFilterSchema.safeParse({ stages: ['gone'], rScores: [0], joinedFrom: '2027-02-30', extra: 1 });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['stages.0', 'rScores.0', 'joinedFrom', '']));
    expect(segmentFilterSchema.safeParse({ lastPurchaseDaysMin: 9, lastPurchaseDaysMax: 3 }).error!.issues[0].path).toEqual(['lastPurchaseDaysMax']);
  });
});
