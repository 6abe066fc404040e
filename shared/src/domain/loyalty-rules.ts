import { z } from 'zod';
import { TIER_CODES, type TierCode } from './tiers';

/**
 * A brand's loyalty rules: every number of the domain rules (docs/domain.md), editable by an HQ admin.
 * Rates are integers (percentages, points per yuan) so no rule ever computes with a float.
 */
const percent = (min: number, max: number, what: string) =>
  z
    .number({ error: `${what}应为整数` })
    .int(`${what}应为整数`)
    .min(min, `${what}不能小于 ${min}`)
    .max(max, `${what}不能大于 ${max}`);

export const tierRuleSchema = z
  .object({
    code: z.enum(TIER_CODES),
    /** Growth (rolling 12 months) from which the tier applies. */
    minGrowth: z.number().int().min(0).max(100_000_000),
    /** 100 = ×1, 150 = ×1.5. */
    pointsMultiplierPercent: percent(100, 1000, '积分倍率'),
    /** 5 = 9.5 折 on eligible goods. */
    discountOffPercent: percent(0, 50, '会员折扣'),
  })
  .strict();
export type TierRule = z.infer<typeof tierRuleSchema>;

const category = z.string().trim().min(1).max(32);

export const BIRTHDAY_BONUS_MODES = ['month', 'day', 'once_in_month'] as const;
export type BirthdayBonusMode = (typeof BIRTHDAY_BONUS_MODES)[number];

export const loyaltyRulesSchema = z
  .object({
    tiers: z
      .array(tierRuleSchema)
      .length(TIER_CODES.length, `应依次设置 ${TIER_CODES.length} 个等级`)
      .superRefine((tiers, ctx) => {
        tiers.forEach((tier, i) => {
          if (tier.code !== TIER_CODES[i]) ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `第 ${i + 1} 个等级应为 ${TIER_CODES[i]}` });
          if (i === 0 && tier.minGrowth !== 0) ctx.addIssue({ code: 'custom', path: [i, 'minGrowth'], message: '普通会员的成长值门槛应为 0' });
          if (i > 0 && tier.minGrowth <= tiers[i - 1].minGrowth)
            ctx.addIssue({ code: 'custom', path: [i, 'minGrowth'], message: '等级门槛应逐级升高' });
        });
      }),
    earning: z
      .object({
        /** Points per yuan paid, before multipliers. */
        pointsPerYuan: z.number().int().min(0).max(100),
        birthdayMonthMultiplierPercent: percent(100, 1000, '生日月倍率'),
        /**
         * When the birthday multiplier applies: every purchase of the birthday month, only on the
         * birthday itself (28 Feb for 29 Feb birthdays in other years), or the first purchase of the month.
         */
        birthdayBonusMode: z.enum(BIRTHDAY_BONUS_MODES, { error: '生日积分方式应为 month、day 或 once_in_month' }).default('month'),
        memberDay: z
          .object({
            /** 0 = Sunday … 6 = Saturday (Asia/Shanghai). */
            weekdays: z.array(z.number().int().min(0).max(6)).max(7),
            /** Days of the month, 1..31. */
            monthDays: z.array(z.number().int().min(1).max(31)).max(31),
            multiplierPercent: percent(100, 1000, '会员日倍率'),
            /** Extra percent off eligible goods on member day, after the tier discount (0 = none). */
            discountOffPercent: percent(0, 50, '会员日折扣').default(0),
          })
          .strict(),
        /** Whether birthday-month and member-day bonuses multiply each other (else the larger applies). */
        stackBonuses: z.boolean(),
        /** Item categories that neither earn points nor get the member discount (tobacco, lottery…). */
        excludedCategories: z.array(category).max(100),
      })
      .strict(),
    redemption: z
      .object({
        /** Points worth one yuan when spent as cash (100 = ¥1 per 100 points). */
        pointsPerYuan: z.number().int().min(1).max(100_000),
        /** Points may pay at most this share of an order (after the member discount). */
        maxOrderPercent: percent(0, 100, '积分抵扣上限'),
      })
      .strict(),
    growth: z.object({ perYuan: z.number().int().min(0).max(100) }).strict(),
    expiry: z
      .object({
        /** Points earned in year Y expire at the end of year Y + this. */
        yearsAfterEarning: z.number().int().min(0).max(10),
        reminderDays: z.number().int().min(1).max(365),
      })
      .strict(),
  })
  .strict();
export type LoyaltyRules = z.infer<typeof loyaltyRulesSchema>;

/** The defaults of docs/domain.md. */
export const DEFAULT_LOYALTY_RULES: LoyaltyRules = {
  tiers: [
    { code: 'normal', minGrowth: 0, pointsMultiplierPercent: 100, discountOffPercent: 0 },
    { code: 'silver', minGrowth: 1000, pointsMultiplierPercent: 120, discountOffPercent: 2 },
    { code: 'gold', minGrowth: 5000, pointsMultiplierPercent: 150, discountOffPercent: 5 },
    { code: 'diamond', minGrowth: 20000, pointsMultiplierPercent: 200, discountOffPercent: 10 },
  ],
  earning: {
    pointsPerYuan: 1,
    birthdayMonthMultiplierPercent: 200,
    birthdayBonusMode: 'month',
    memberDay: { weekdays: [3], monthDays: [], multiplierPercent: 200, discountOffPercent: 0 },
    stackBonuses: false,
    excludedCategories: ['tobacco', 'lottery', 'prepaid_card'],
  },
  redemption: { pointsPerYuan: 100, maxOrderPercent: 50 },
  growth: { perYuan: 1 },
  expiry: { yearsAfterEarning: 1, reminderDays: 30 },
};

export function tierRule(rules: LoyaltyRules, tier: TierCode): TierRule {
  return rules.tiers.find((t) => t.code === tier) ?? rules.tiers[0];
}

export const TIER_RANK: Record<TierCode, number> = Object.fromEntries(TIER_CODES.map((c, i) => [c, i])) as Record<TierCode, number>;

/** The tier a rolling-12-month growth value earns. */
export function tierForGrowth(rules: LoyaltyRules, growth: number): TierCode {
  let tier: TierCode = rules.tiers[0].code;
  for (const t of rules.tiers) if (growth >= t.minGrowth) tier = t.code;
  return tier;
}

/** The tier after a purchase: upgrades happen at once, downgrades only at the yearly review. */
export function tierAfterPurchase(rules: LoyaltyRules, current: TierCode, growth: number): TierCode {
  const earned = tierForGrowth(rules, growth);
  return TIER_RANK[earned] > TIER_RANK[current] ? earned : current;
}

/** How far the member is from the next tier; null at the top. */
export function nextTierProgress(rules: LoyaltyRules, current: TierCode, growth: number): { tier: TierCode; minGrowth: number; growthNeeded: number } | null {
  const next = rules.tiers.find((t) => TIER_RANK[t.code] > TIER_RANK[current]);
  if (!next) return null;
  return { tier: next.code, minGrowth: next.minGrowth, growthNeeded: Math.max(0, next.minGrowth - growth) };
}

/** "9.5折" for 5 % off; "无折扣" for none. */
export function discountLabel(offPercent: number): string {
  if (offPercent <= 0) return '无折扣';
  const rate = 100 - offPercent;
  return `${rate % 10 === 0 ? rate / 10 : (rate / 10).toFixed(1)}折`;
}
