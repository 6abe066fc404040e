import type { CouponTemplate, CreateCouponTemplateRequest } from '@wemember/shared';
import type { TestStack } from './stack';

/** A claimable 满100减20, 100 in stock, one per member, valid 30 days after claiming; override what a test is about. */
export function aTemplate(overrides: Partial<CreateCouponTemplateRequest> = {}): CreateCouponTemplateRequest {
  return {
    name: '满100减20',
    type: 'cash',
    valueFen: 2_000,
    thresholdFen: 10_000,
    stock: 100,
    perMemberLimit: 1,
    validity: { kind: 'relative', days: 30 },
    claimable: true,
    ...overrides,
  };
}

/** A template the marketer creates (it must succeed). */
export async function createTemplate(stack: TestStack, token: string, overrides: Partial<CreateCouponTemplateRequest> = {}): Promise<CouponTemplate> {
  const result = await stack.api<CouponTemplate>('POST', '/staff/coupon-templates', { token, body: aTemplate(overrides) });
  if (result.status !== 201) throw new Error(`template create failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}
