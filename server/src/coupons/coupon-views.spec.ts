import { tierRestrictionText } from './coupon-views';

describe('who may take a tier-restricted coupon, as a shopper reads it', () => {
  it('names the lowest tier when the rest of the ladder above it may take it', () => {
    expect(tierRestrictionText(['gold', 'diamond'])).toBe('金卡及以上可领');
    expect(tierRestrictionText(['diamond', 'silver', 'gold'])).toBe('银卡及以上可领');
    expect(tierRestrictionText(['diamond'])).toBe('钻石会员可领');
  });

  it('lists the tiers when they are not the top of the ladder', () => {
    expect(tierRestrictionText(['silver', 'diamond'])).toBe('仅 银卡会员、钻石会员 可领');
    expect(tierRestrictionText(['normal'])).toBe('仅 普通会员 可领');
  });

  it('says nothing when every tier may take it', () => {
    expect(tierRestrictionText([])).toBeNull();
  });
});
