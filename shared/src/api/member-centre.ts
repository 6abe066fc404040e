import { z } from 'zod';
import { TIER_CODES } from '../domain/tiers';
import { giftLineViewSchema } from './coupons';
import { orderRefundLineSchema, orderSchema } from './orders';
import { tierProgressSchema } from './points';

/*
 * The member centre: agreements and consent, the profile (我的), purchase history with
 * e-receipts, the tier page and the home store.
 */

export const AGREEMENT_KINDS = ['membership', 'privacy'] as const;
export type AgreementKind = (typeof AGREEMENT_KINDS)[number];

/** A version of 会员协议 or 隐私政策: what the shopper reads before joining. */
export const agreementSchema = z.object({
  version: z.string(),
  title: z.string(),
  /** Plain text; paragraphs separated by blank lines. */
  text: z.string(),
  /** YYYY-MM-DD the version took effect. */
  effectiveDate: z.string(),
});
export type Agreement = z.infer<typeof agreementSchema>;

export const agreementsSchema = z.object({ membership: agreementSchema, privacy: agreementSchema });
export type Agreements = z.infer<typeof agreementsSchema>;

const agreementVersion = (what: string) =>
  z
    .string({ error: `请先阅读并同意${what}` })
    .trim()
    .min(1, `请先阅读并同意${what}`)
    .max(32, `${what}版本号过长`);

/** The versions the shopper ticked; refused (AGREEMENT_OUTDATED) unless they are the current ones. */
export const acceptedAgreementsSchema = z
  .object(
    {
      membership: agreementVersion('《会员协议》'),
      privacy: agreementVersion('《隐私政策》'),
    },
    { error: '请先阅读并同意《会员协议》和《隐私政策》' },
  )
  .strict();
export type AcceptedAgreements = z.infer<typeof acceptedAgreementsSchema>;

/** A store as a shopper sees it: where it is, when it opens, how to call it. */
export const storeInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  /** e.g. "周一至周日 09:00–22:00". */
  hours: z.string().nullable(),
});
export type StoreInfo = z.infer<typeof storeInfoSchema>;

export const homeStoreSchema = z.object({
  /** The store the member joined at; null when they joined without a store code. */
  store: storeInfoSchema.nullable(),
});
export type HomeStore = z.infer<typeof homeStoreSchema>;

export const GENDERS = ['unknown', 'male', 'female'] as const;
export type Gender = (typeof GENDERS)[number];
export const GENDER_NAMES: Record<Gender, string> = { unknown: '保密', male: '男', female: '女' };

export const memberProfileSchema = z.object({
  memberNo: z.string(),
  phoneMasked: z.string(),
  nickname: z.string().nullable(),
  /** Where the avatar image is served (a path below /api), null until the member sets one. */
  avatarUrl: z.string().nullable(),
  gender: z.enum(GENDERS),
  /** YYYY-MM-DD once set; the member sets it once, later changes only at a store. */
  birthday: z.string().nullable(),
  /** May we send offers (template messages, SMS)? Off until the member turns it on. */
  marketingConsent: z.boolean(),
  /** The home store first, then the other stores the member has bought at, each once. */
  stores: z.array(storeInfoSchema.pick({ id: true, name: true })),
  /** Which agreement versions the member accepted, and when (ISO instant). */
  agreements: z.object({
    membership: z.object({ version: z.string(), acceptedAt: z.string() }).nullable(),
    privacy: z.object({ version: z.string(), acceptedAt: z.string() }).nullable(),
  }),
  joinedAt: z.string(),
});
export type MemberProfile = z.infer<typeof memberProfileSchema>;

export const updateProfileRequestSchema = z
  .object({
    nickname: z
      .string({ error: '昵称应为文字' })
      .trim()
      .min(1, '昵称不能为空')
      .max(20, '昵称不能超过 20 个字')
      // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), '昵称含有不允许的字符')
      .optional(),
    gender: z.enum(GENDERS, { error: '性别应为 unknown、male 或 female' }).optional(),
    marketingConsent: z.boolean({ error: 'marketingConsent 应为 true 或 false' }).optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, '请至少修改一项');
export type UpdateProfileRequest = z.infer<typeof updateProfileRequestSchema>;

/** Largest avatar accepted, decoded. */
export const AVATAR_MAX_BYTES = 256 * 1024;

export const setAvatarRequestSchema = z
  .object({
    /** The image file (JPEG or PNG) as base64, without a data: prefix. */
    image: z
      .string({ error: '请选择头像图片' })
      .min(16, '头像图片无效')
      .max(Math.ceil((AVATAR_MAX_BYTES * 4) / 3) + 4, '头像图片不能超过 256 KB')
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, '头像图片应为 base64 编码'),
  })
  .strict();
export type SetAvatarRequest = z.infer<typeof setAvatarRequestSchema>;

export const closeMembershipRequestSchema = z
  .object({
    /** The shopper typed or ticked their confirmation; the page asks twice. */
    confirm: z.literal(true, { error: '请确认注销会员' }),
    reason: z.string().trim().max(200, '注销原因不能超过 200 字').optional(),
  })
  .strict();
export type CloseMembershipRequest = z.infer<typeof closeMembershipRequestSchema>;

export const closeMembershipSchema = z.object({ closedAt: z.string() });
export type CloseMembership = z.infer<typeof closeMembershipSchema>;

/**
 * One refund on a member's e-receipt: the goods returned (amountFen), the money back (refundFen),
 * the earned points taken back, those already spent and paid for out of the refund
 * (pointsChargedBack at chargebackFen), and the redeemed points given back. The till's refund line
 * without its id and the clerk's note.
 */
export const receiptRefundSchema = orderRefundLineSchema.omit({ id: true, reason: true });
export type ReceiptRefund = z.infer<typeof receiptRefundSchema>;

/** A purchase as the member's e-receipt shows it. */
export const memberReceiptSchema = orderSchema
  .pick({
    id: true,
    storeName: true,
    createdAt: true,
    items: true,
    amountFen: true,
    discountFen: true,
    couponDiscountFen: true,
    coupons: true,
    pointsRedeemed: true,
    pointsDeductFen: true,
    payableFen: true,
    balancePaidFen: true,
    pointsEarned: true,
    refundedFen: true,
    refundedMoneyFen: true,
    status: true,
  })
  .extend({
    /** The receipt number the shopper has on paper: the POS's own number when the till sent one, else externalNo. */
    receiptNo: z.string(),
    refunds: z.array(receiptRefundSchema),
  });
export type MemberReceipt = z.infer<typeof memberReceiptSchema>;

export const memberOrdersQuerySchema = z
  .object({
    /** The `nextCursor` of the previous page. */
    cursor: z.string().trim().max(128).optional(),
    limit: z.coerce.number().int().min(1).max(50).default(10),
  })
  .strict();
export type MemberOrdersQuery = z.infer<typeof memberOrdersQuerySchema>;

export const memberOrdersSchema = z.object({
  orders: z.array(memberReceiptSchema),
  /** Pass as `cursor` for older purchases; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type MemberOrders = z.infer<typeof memberOrdersSchema>;

export const tierInfoSchema = z.object({
  code: z.enum(TIER_CODES),
  name: z.string(),
  /** Growth over the last twelve months needed to reach (and, at the review, keep) the tier. */
  minGrowth: z.number().int(),
  /** "1.5 倍积分" */
  pointsMultiplier: z.string(),
  /** "9.5 折" or null when the tier has no member price. */
  discount: z.string().nullable(),
  /** What a shopper reads: "消费 1 元得 1.5 积分", "会员价 9.5 折", "每月领 满100减10 ×2", … */
  benefits: z.array(z.string()),
  /** The coupons the tier brings on the 1st of every month. */
  monthlyCoupons: z.array(giftLineViewSchema),
});
export type TierInfo = z.infer<typeof tierInfoSchema>;

export const memberTiersSchema = z.object({
  tiers: z.array(tierInfoSchema),
  tier: z.enum(TIER_CODES),
  tierName: z.string(),
  /** Growth of the last twelve months, the figure the review looks at. */
  growth: z.number().int(),
  progress: tierProgressSchema,
  /** Growth still needed by the next review to keep the current tier; 0 when already kept; null at the lowest tier. */
  keepGrowthNeeded: z.number().int().nullable(),
  /** YYYY-MM-DD (Asia/Shanghai) of the next yearly review. */
  nextReviewDate: z.string(),
  /** "每年 1 月 1 日按过去 12 个月的成长值评定等级；消费 1 元得 1 成长值" */
  rules: z.array(z.string()),
});
export type MemberTiers = z.infer<typeof memberTiersSchema>;
