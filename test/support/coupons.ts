import type { CouponTemplate, CreateCouponTemplateRequest } from '@wemember/shared';
import { DEMO_COUPON_TEMPLATES } from '../../server/src/seed/brand-setup';
import type { TestStack } from './stack';

/** The demo chain's claimable 满100减20 (100 in stock, one per member, 30 days after claiming); override what a test is about. */
export function aTemplate(overrides: Partial<CreateCouponTemplateRequest> = {}): CreateCouponTemplateRequest {
  return { ...DEMO_COUPON_TEMPLATES.claimable, ...overrides };
}

/** A template the marketer creates (it must succeed). */
export async function createTemplate(stack: TestStack, token: string, overrides: Partial<CreateCouponTemplateRequest> = {}): Promise<CouponTemplate> {
  const result = await stack.api<CouponTemplate>('POST', '/staff/coupon-templates', { token, body: aTemplate(overrides) });
  if (result.status !== 201) throw new Error(`template create failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}
