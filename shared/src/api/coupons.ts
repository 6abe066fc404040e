import { z } from 'zod';
import { normalizeCouponCode } from '../coupon-code';
import { COUPON_SOURCES, COUPON_TYPES } from '../domain/coupons';
import { COUPON_STATUSES } from '../domain/state-machines';
import { TIER_CODES } from '../domain/tiers';
import { MAX_FEN } from '../money';
import { amountFenSchema } from './fields';

/*
 * E-coupons: templates (HQ admins and marketers), the coupon centre and the points mall (members),
 * the member's coupons, redemption at the till, statistics, and the gifts the brand configures
 * (welcome gift on joining, each tier's monthly pack).
 */

const businessDate = (what: string) =>
  z
    .string({ error: `请填写${what}` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${what}格式应为 YYYY-MM-DD`)
    .refine((date) => {
      const at = new Date(`${date}T00:00:00Z`);
      return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === date;
    }, `${what}不是有效日期`);

export const couponValiditySchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('fixed'),
        /** First valid business day (Asia/Shanghai), inclusive. */
        from: businessDate('开始日期'),
        /** Last valid business day, inclusive. */
        to: businessDate('结束日期'),
      })
      .strict()
      .refine((v) => v.from <= v.to, { path: ['to'], message: '结束日期不能早于开始日期' }),
    z
      .object({
        kind: z.literal('relative'),
        /** Valid from the day of receipt through day N (1 = that day only). */
        days: z.number({ error: '有效天数应为整数' }).int('有效天数应为整数').min(1, '有效天数至少 1 天').max(3650, '有效天数不能超过 3650 天'),
      })
      .strict(),
  ],
  { error: '请设置有效期：固定日期（fixed）或领取后 N 天（relative）' },
);
export type CouponValidityInput = z.infer<typeof couponValiditySchema>;

const idList = (what: string) => z.array(z.string().trim().min(1).max(36)).max(200, `${what}最多 200 个`);

/** A stable key chosen by the client so a double tap or a retry moves value once. */
export const requestIdSchema = z
  .string({ error: '请提供 requestId' })
  .trim()
  .regex(/^[A-Za-z0-9_.:-]{8,64}$/, 'requestId 应为 8–64 位字母、数字或 _ . : -');

const templateFields = {
  name: z.string({ error: '请填写券名称' }).trim().min(1, '请填写券名称').max(40, '券名称不能超过 40 个字'),
  /** Shown under the coupon: "酒水、香烟除外" … */
  description: z.string().trim().max(200, '使用说明不能超过 200 字').optional(),
  type: z.enum(COUPON_TYPES, { error: '券类型应为 cash（满减）、percent（折扣）或 gift（礼品）' }),
  valueFen: amountFenSchema('减免金额').optional(),
  /** 20 = 20 % off (8折). */
  percentOff: z.number({ error: '折扣应为整数' }).int('折扣应为整数').min(1, '折扣力度至少 1%').max(99, '折扣力度不能超过 99%').optional(),
  capFen: amountFenSchema('最高减免金额').optional(),
  /** Eligible goods (before the member discount) must reach this; 0 or absent = no threshold. */
  thresholdFen: amountFenSchema('使用门槛', 0).optional(),
  giftName: z.string().trim().min(1, '请填写礼品名称').max(40, '礼品名称不能超过 40 个字').optional(),
  /** Coupons that may ever be issued (claims, exchanges and grants together). */
  stock: z.number({ error: '库存应为整数' }).int('库存应为整数').min(1, '库存至少为 1').max(10_000_000, '库存不能超过 10,000,000'),
  /** How many one member may claim or exchange (grants such as the welcome gift are keyed separately). */
  perMemberLimit: z.number({ error: '每人限领应为整数' }).int('每人限领应为整数').min(1, '每人限领至少 1 张').max(100, '每人限领不能超过 100 张'),
  validity: couponValiditySchema,
  /** Shown in the coupon centre for members to claim; false = issued only by grants (gifts, campaigns). */
  claimable: z.boolean({ error: 'claimable 应为 true 或 false' }),
  /** When set, the points mall sells it for this many points. */
  pointsPrice: z.number({ error: '兑换积分应为整数' }).int('兑换积分应为整数').min(1, '兑换积分至少为 1').max(MAX_FEN, '兑换积分过大').optional(),
  /** Usable only at these stores and/or the stores of these regions; both absent or empty = every store. */
  storeIds: idList('适用门店').optional(),
  regionIds: idList('适用区域').optional(),
  /** Only members of these tiers may claim or exchange it; absent or empty = every tier. */
  tiers: z.array(z.enum(TIER_CODES)).max(TIER_CODES.length).optional(),
};

type TemplateFields = { [K in keyof typeof templateFields]?: unknown } & {
  type?: string;
  valueFen?: number;
  percentOff?: number;
  capFen?: number;
  thresholdFen?: number;
  giftName?: string;
};

/** What each type needs, and the combinations that make no sense, named by field. */
function checkTerms(t: TemplateFields, ctx: z.RefinementCtx): void {
  const need = (field: keyof TemplateFields, message: string) => {
    if (t[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message });
  };
  const forbid = (field: keyof TemplateFields, message: string) => {
    if (t[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message });
  };
  if (t.type === 'cash') {
    need('valueFen', '满减券请填写减免金额（valueFen）');
    forbid('percentOff', '满减券不设折扣（percentOff）');
    forbid('capFen', '满减券不设最高减免（capFen）');
    forbid('giftName', '满减券不设礼品（giftName）');
    if (t.valueFen !== undefined && t.thresholdFen !== undefined && t.thresholdFen > 0 && t.thresholdFen <= t.valueFen) {
      ctx.addIssue({ code: 'custom', path: ['thresholdFen'], message: '使用门槛应高于减免金额（如满100减20）' });
    }
  } else if (t.type === 'percent') {
    need('percentOff', '折扣券请填写折扣力度（percentOff，20 即 8 折）');
    forbid('valueFen', '折扣券不设减免金额（valueFen）');
    forbid('giftName', '折扣券不设礼品（giftName）');
  } else if (t.type === 'gift') {
    need('giftName', '礼品券请填写礼品名称（giftName）');
    forbid('valueFen', '礼品券不设减免金额（valueFen）');
    forbid('percentOff', '礼品券不设折扣（percentOff）');
    forbid('capFen', '礼品券不设最高减免（capFen）');
  }
}

export const createCouponTemplateRequestSchema = z.object(templateFields).strict().superRefine(checkTerms);
export type CreateCouponTemplateRequest = z.infer<typeof createCouponTemplateRequestSchema>;

export const COUPON_TEMPLATE_STATUSES = ['active', 'paused', 'ended'] as const;
export type CouponTemplateStatus = (typeof COUPON_TEMPLATE_STATUSES)[number];

/**
 * A whole new version of the template's fields (as created) plus its status. Issued coupons keep
 * the terms they were issued with; the stock cannot go below what was already issued.
 */
export const updateCouponTemplateRequestSchema = z
  .object({
    ...templateFields,
    /** active: issued and claimable; paused: nothing new is issued; ended: paused for good. */
    status: z.enum(COUPON_TEMPLATE_STATUSES, { error: '状态应为 active、paused 或 ended' }),
  })
  .strict()
  .superRefine(checkTerms);
export type UpdateCouponTemplateRequest = z.infer<typeof updateCouponTemplateRequestSchema>;

/** The terms as a person reads them, on every view of a template or coupon. */
const termsView = {
  name: z.string(),
  description: z.string().nullable(),
  type: z.enum(COUPON_TYPES),
  valueFen: z.number().int().nullable(),
  percentOff: z.number().int().nullable(),
  capFen: z.number().int().nullable(),
  thresholdFen: z.number().int(),
  giftName: z.string().nullable(),
  /** "满100减20", "8.5折 最高减30元", "赠 抽纸一提". */
  summary: z.string(),
  /** "全部门店" or "仅限 人民路店、滨江店". */
  storeScopeText: z.string(),
};

export const couponTemplateSchema = z.object({
  id: z.string(),
  ...termsView,
  stock: z.number().int(),
  /** Coupons issued so far (claims, exchanges and grants). */
  issued: z.number().int(),
  stockLeft: z.number().int(),
  perMemberLimit: z.number().int(),
  validity: couponValiditySchema,
  /** "2026-12-01 至 2026-12-31" or "领取后 30 天内有效". */
  validityText: z.string(),
  claimable: z.boolean(),
  pointsPrice: z.number().int().nullable(),
  storeIds: z.array(z.string()),
  regionIds: z.array(z.string()),
  tiers: z.array(z.enum(TIER_CODES)),
  status: z.enum(COUPON_TEMPLATE_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CouponTemplate = z.infer<typeof couponTemplateSchema>;

export const listCouponTemplatesQuerySchema = z
  .object({
    status: z.enum(COUPON_TEMPLATE_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ListCouponTemplatesQuery = z.infer<typeof listCouponTemplatesQuerySchema>;

/** A template as offered to one member, in the coupon centre or the points mall. */
export const couponOfferSchema = z.object({
  templateId: z.string(),
  ...termsView,
  validityText: z.string(),
  pointsPrice: z.number().int().nullable(),
  /** Tier names that may take it, empty for everyone: ["金卡", "钻石卡"]. */
  tierNames: z.array(z.string()),
  stockLeft: z.number().int(),
  perMemberLimit: z.number().int(),
  /** How many this member has claimed or exchanged. */
  takenByMe: z.number().int(),
  /** Whether this member can take one now (stock, limit, tier, points for the mall). */
  available: z.boolean(),
  /** Why not, in a shopper's words ("已领完", "每人限领 1 张", "金卡及以上可领", "积分不足"); null when available. */
  unavailableReason: z.string().nullable(),
});
export type CouponOffer = z.infer<typeof couponOfferSchema>;

export const couponCenterSchema = z.object({ offers: z.array(couponOfferSchema) });
export type CouponCenter = z.infer<typeof couponCenterSchema>;

export const pointsMallSchema = z.object({
  pointsBalance: z.number().int(),
  offers: z.array(couponOfferSchema),
});
export type PointsMall = z.infer<typeof pointsMallSchema>;

/** What the member sees of a coupon: usable (issued or held by a purchase), used, or expired (expired or revoked). */
export const MEMBER_COUPON_TABS = ['usable', 'used', 'expired'] as const;
export type MemberCouponTab = (typeof MEMBER_COUPON_TABS)[number];

export const memberCouponSchema = z.object({
  id: z.string(),
  templateId: z.string(),
  /** Canonical code: what the QR encodes. */
  code: z.string(),
  /** The code in groups of four, to read out or type: "K7QM 2XPA 9D3R HF6TZ". */
  codeDisplay: z.string(),
  ...termsView,
  status: z.enum(COUPON_STATUSES),
  tab: z.enum(MEMBER_COUPON_TABS),
  source: z.enum(COUPON_SOURCES),
  /** "入会礼", "领券中心", "积分兑换"… */
  sourceName: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
  /** True when a usable coupon ends within 3 days. */
  expiringSoon: z.boolean(),
  issuedAt: z.string(),
  redeemedAt: z.string().nullable(),
  redeemedStoreName: z.string().nullable(),
});
export type MemberCoupon = z.infer<typeof memberCouponSchema>;

export const memberCouponsQuerySchema = z
  .object({
    status: z.enum(MEMBER_COUPON_TABS, { error: 'status 应为 usable、used 或 expired' }).default('usable'),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();
export type MemberCouponsQuery = z.infer<typeof memberCouponsQuerySchema>;

export const memberCouponsSchema = z.object({
  coupons: z.array(memberCouponSchema),
  /** How many coupons each tab holds, for the tab labels. */
  counts: z.object({ usable: z.number().int(), used: z.number().int(), expired: z.number().int() }),
});
export type MemberCoupons = z.infer<typeof memberCouponsSchema>;

export const exchangeRequestSchema = z.object({ requestId: requestIdSchema }).strict();
export type ExchangeRequest = z.infer<typeof exchangeRequestSchema>;

export const pointsExchangeSchema = z.object({
  id: z.string(),
  templateId: z.string(),
  name: z.string(),
  summary: z.string(),
  points: z.number().int(),
  couponId: z.string(),
  /** The coupon's state now, so the record shows 已使用 / 已过期. */
  couponStatus: z.enum(COUPON_STATUSES),
  createdAt: z.string(),
});
export type PointsExchange = z.infer<typeof pointsExchangeSchema>;

export const exchangeResultSchema = z.object({
  exchange: pointsExchangeSchema,
  coupon: memberCouponSchema,
  pointsBalance: z.number().int(),
  /** True when this answer is the replay of an earlier request with the same requestId. */
  replayed: z.boolean(),
});
export type ExchangeResult = z.infer<typeof exchangeResultSchema>;

export const memberExchangesSchema = z.object({ exchanges: z.array(pointsExchangeSchema) });
export type MemberExchanges = z.infer<typeof memberExchangesSchema>;

// Gifts the brand configures -------------------------------------------------------------------------

export const BIRTHDAY_GRANT_DAYS = ['month_start', 'birthday'] as const;
export type BirthdayGrantDay = (typeof BIRTHDAY_GRANT_DAYS)[number];

export const giftCouponLineSchema = z
  .object({
    templateId: z.string({ error: '请选择券模板' }).trim().min(1, '请选择券模板').max(36),
    quantity: z.number({ error: '张数应为整数' }).int('张数应为整数').min(1, '张数至少为 1').max(10, '每种券最多 10 张'),
  })
  .strict();
export type GiftCouponLine = z.infer<typeof giftCouponLineSchema>;

/** Coupons per tier (each tier at most once): the monthly packs, the birthday gifts. */
const tierCouponsSchema = z
  .array(
    z
      .object({
        tier: z.enum(TIER_CODES),
        coupons: z.array(giftCouponLineSchema).max(10, '每个等级最多 10 种券'),
      })
      .strict(),
  )
  .max(TIER_CODES.length)
  .refine((packs) => new Set(packs.map((p) => p.tier)).size === packs.length, '每个等级只能设置一次');

export const giftSettingsBodySchema = z
  .object({
    /** Granted once per member on joining. */
    welcome: z
      .object({
        points: z.number({ error: '入会积分应为整数' }).int('入会积分应为整数').min(0, '入会积分不能为负数').max(1_000_000, '入会积分过大'),
        coupons: z.array(giftCouponLineSchema).max(10, '入会礼最多 10 种券'),
      })
      .strict(),
    /** Each tier's monthly coupon pack, granted on the 1st of every month (keyed per member, template and month). */
    tierPacks: tierCouponsSchema,
    /**
     * Each tier's birthday coupons, granted once per member per year by the birthday job: on the
     * 1st of the birthday month, or on the birthday itself (28 Feb for 29 Feb birthdays in other years).
     */
    birthday: z
      .object({
        grantOn: z.enum(BIRTHDAY_GRANT_DAYS, { error: '发放日应为 month_start（生日当月 1 日）或 birthday（生日当天）' }),
        tierCoupons: tierCouponsSchema,
      })
      .strict()
      .default({ grantOn: 'month_start', tierCoupons: [] }),
    /** Coupons a member may take once on each member day (会员日礼券), keyed per member and day. */
    memberDay: z
      .object({ coupons: z.array(giftCouponLineSchema).max(10, '会员日礼券最多 10 种') })
      .strict()
      .default({ coupons: [] }),
  })
  .strict();
export type GiftSettingsBody = z.infer<typeof giftSettingsBodySchema>;
/** What a client may send: `birthday` and `memberDay` may be left out (then none). */
export type GiftSettingsInput = z.input<typeof giftSettingsBodySchema>;

export const updateGiftSettingsRequestSchema = giftSettingsBodySchema
  .extend({
    /** The version read; 0 for a brand that never saved gift settings. */
    version: z.number().int().min(0),
  })
  .strict();
export type UpdateGiftSettingsRequest = z.infer<typeof updateGiftSettingsRequestSchema>;

export const giftSettingsSchema = giftSettingsBodySchema.extend({
  version: z.number().int(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type GiftSettings = z.infer<typeof giftSettingsSchema>;

/** A gift line as a shopper reads it: "满100减20 × 2". */
export const giftLineViewSchema = z.object({
  templateId: z.string(),
  name: z.string(),
  summary: z.string(),
  quantity: z.number().int(),
});
export type GiftLineView = z.infer<typeof giftLineViewSchema>;

/** What joining gives, shown on the join page before the shopper joins: only what is configured and in stock. */
export const welcomeGiftPreviewSchema = z.object({
  points: z.number().int(),
  coupons: z.array(giftLineViewSchema),
});
export type WelcomeGiftPreview = z.infer<typeof welcomeGiftPreviewSchema>;

/** What joining gave this member, right after joining; null on a welcome back (given once per member). */
export const welcomeGiftSchema = z
  .object({
    points: z.number().int(),
    coupons: z.array(memberCouponSchema),
  })
  .nullable();
export type WelcomeGift = z.infer<typeof welcomeGiftSchema>;

// Staff: grants, revocation, redemption, statistics -------------------------------------------------

export const grantCouponRequestSchema = z
  .object({
    memberId: z.string({ error: '请选择会员' }).trim().min(1, '请选择会员').max(36),
    requestId: requestIdSchema,
    /** Why the brand gives it (kept in the audit log): "投诉补偿". */
    note: z.string().trim().max(200, '备注不能超过 200 字').optional(),
  })
  .strict();
export type GrantCouponRequest = z.infer<typeof grantCouponRequestSchema>;

export const revokeCouponRequestSchema = z
  .object({ reason: z.string({ error: '请填写作废原因' }).trim().min(2, '请填写作废原因（至少 2 个字）').max(200, '作废原因不能超过 200 字') })
  .strict();
export type RevokeCouponRequest = z.infer<typeof revokeCouponRequestSchema>;

/** What a clerk scanned or typed: the QR's content, or the printed code with or without spaces. */
export const couponCodeFieldSchema = z
  .string({ error: '请扫描或输入券码' })
  .trim()
  .min(1, '请扫描或输入券码')
  .max(40, '券码格式不正确')
  .refine((code) => normalizeCouponCode(code) !== null, '券码格式不正确，请核对后重新输入');

export const lookupCouponRequestSchema = z
  .object({
    code: couponCodeFieldSchema,
    /** Staff who manage several stores say which till they act for; clerks and POS keys have one. */
    storeId: z.string().trim().min(1).max(36).optional(),
  })
  .strict();
export type LookupCouponRequest = z.infer<typeof lookupCouponRequestSchema>;

export const redeemCouponRequestSchema = z
  .object({
    code: couponCodeFieldSchema,
    storeId: z.string().trim().min(1).max(36).optional(),
    /** The till's receipt or voucher number: a retry with the same number is answered as a replay. */
    externalNo: z
      .string({ error: '请提供小票号（externalNo）' })
      .trim()
      .min(1, '请提供小票号（externalNo）')
      .max(64, '小票号（externalNo）不能超过 64 个字符')
      .regex(/^[A-Za-z0-9_.:-]+$/, '小票号（externalNo）只能包含字母、数字和 _ . : -'),
  })
  .strict();
export type RedeemCouponRequest = z.infer<typeof redeemCouponRequestSchema>;

/** A coupon as the till sees it: whose it is, what it gives, and whether it can be used here and now. */
export const staffCouponSchema = z.object({
  id: z.string(),
  templateId: z.string(),
  codeDisplay: z.string(),
  ...termsView,
  status: z.enum(COUPON_STATUSES),
  memberNo: z.string(),
  memberPhone: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
  /** Whether it can be redeemed at the store asked about, now. */
  usableHere: z.boolean(),
  /** Why not ("已于 11月29日 14:03 在 人民路店 核销", "该券不适用于本门店"); null when usable. */
  problem: z.string().nullable(),
  redeemedAt: z.string().nullable(),
  redeemedStoreName: z.string().nullable(),
  /** Who redeemed it: the staff member's name, or "POS" for a store system. */
  redeemedBy: z.string().nullable(),
  /** The purchase it was used in, when it was used in one. */
  redeemedOrderId: z.string().nullable(),
});
export type StaffCoupon = z.infer<typeof staffCouponSchema>;

export const couponRedemptionSchema = z.object({
  coupon: staffCouponSchema,
  storeId: z.string(),
  storeName: z.string(),
  externalNo: z.string(),
  redeemedAt: z.string(),
  replayed: z.boolean(),
});
export type CouponRedemption = z.infer<typeof couponRedemptionSchema>;

export const couponStatsQuerySchema = z
  .object({
    /** Business days (Asia/Shanghai) of redemptions to count, inclusive; all time when left out. */
    from: businessDate('开始日期').optional(),
    to: businessDate('结束日期').optional(),
  })
  .strict();
export type CouponStatsQuery = z.infer<typeof couponStatsQuerySchema>;

export const couponStatsSchema = z.object({
  templateId: z.string(),
  name: z.string(),
  issued: z.number().int(),
  /** Issued by source. */
  claimed: z.number().int(),
  exchanged: z.number().int(),
  granted: z.number().int(),
  redeemed: z.number().int(),
  expired: z.number().int(),
  revoked: z.number().int(),
  /** Redeemed ÷ issued, in basis points (1234 = 12.34 %). */
  redemptionRateBp: z.number().int(),
  /** What the purchases that used it paid (payable, less refunds), in fen. */
  revenueFen: z.number().int(),
  byStore: z.array(
    z.object({
      storeId: z.string(),
      storeName: z.string(),
      redeemed: z.number().int(),
      revenueFen: z.number().int(),
    }),
  ),
});
export type CouponStats = z.infer<typeof couponStatsSchema>;

/** A coupon used in a purchase, as the receipt and the till show it. */
export const orderCouponSchema = z.object({
  couponId: z.string(),
  codeDisplay: z.string(),
  name: z.string(),
  summary: z.string(),
  type: z.enum(COUPON_TYPES),
  giftName: z.string().nullable(),
  discountFen: z.number().int(),
});
export type OrderCoupon = z.infer<typeof orderCouponSchema>;
