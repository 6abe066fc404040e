export const TIER_CODES = ['normal', 'silver', 'gold', 'diamond'] as const;
export type TierCode = (typeof TIER_CODES)[number];

/** What a shopper reads on the card. */
export const TIER_NAMES: Record<TierCode, string> = {
  normal: '普通会员',
  silver: '银卡会员',
  gold: '金卡会员',
  diamond: '钻石会员',
};
