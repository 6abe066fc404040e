import type { CouponTemplate, CreateCouponTemplateRequest, MemberCoupon } from '@wemember/shared';
import { createTemplate } from './coupons';
import type { HttpResult } from './http';
import type { TestStack } from './stack';
import type { TestMember, TestTill } from './till';

/**
 * Coupons at the till as a clerk meets them: the marketer designs a template, the member claims a
 * coupon in the coupon centre, the clerk scans it — alone or in a purchase.
 */
export class TillCouponsDriver {
  constructor(
    readonly stack: TestStack,
    readonly till: TestTill,
    readonly marketerToken: string,
  ) {}

  static async open(stack: TestStack, till: TestTill): Promise<TillCouponsDriver> {
    return new TillCouponsDriver(stack, till, await stack.staffToken('marketer'));
  }

  /** A claimable template (满100减20 unless overridden) with room for many claims per member. */
  template(overrides: Partial<CreateCouponTemplateRequest> = {}): Promise<CouponTemplate> {
    return createTemplate(this.stack, this.marketerToken, { perMemberLimit: 100, stock: 10_000, ...overrides });
  }

  /** The member claims one in the coupon centre (it must succeed). */
  async claim(member: TestMember, templateId: string): Promise<MemberCoupon> {
    const result = await this.stack.api<MemberCoupon>('POST', `/coupons/${templateId}/claim`, { token: member.token });
    if (result.status !== 201) throw new Error(`claim failed: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  lookup(code: string, token = this.till.clerkToken, extra: Record<string, unknown> = {}): Promise<HttpResult> {
    return this.stack.api('POST', '/staff/coupons/lookup', { token, body: { code, ...extra } });
  }

  redeem(code: string, externalNo: string, token = this.till.clerkToken, extra: Record<string, unknown> = {}): Promise<HttpResult> {
    return this.stack.api('POST', '/staff/coupons/redeem', { token, body: { code, externalNo, ...extra } });
  }

  async quote(member: TestMember, body: { amountFen: number; couponCodes?: string[]; items?: unknown[]; pointsToRedeem?: number }): Promise<HttpResult> {
    return this.stack.api('POST', '/staff/orders/quote', { token: this.till.clerkToken, body: { memberCode: await this.till.code(member.token), ...body } });
  }

  /** The coupon's row as stored, to see its state and who redeemed it. */
  async row(couponId: string): Promise<{ status: string; redeemed_order_id: string | null; redeemed_external_no: string | null; redeemed_store_id: string | null }> {
    const [row] = await this.stack.db.query('SELECT status, redeemed_order_id, redeemed_external_no, redeemed_store_id FROM coupons WHERE id = ?', [couponId]);
    return row;
  }

  async status(couponId: string): Promise<string> {
    return (await this.row(couponId)).status;
  }
}

/** One roomy template per stack, for suites (the access matrix, the fuzzer) that need a fresh coupon per request. */
const roomyTemplates = new WeakMap<TestStack, Promise<CouponTemplate>>();

/** A new coupon of the member's, claimed in the coupon centre: its canonical code. */
export async function aCouponCode(stack: TestStack, memberToken: string): Promise<string> {
  if (!roomyTemplates.has(stack)) {
    roomyTemplates.set(stack, stack.staffToken('marketer').then((token) => createTemplate(stack, token, { name: '测试券', perMemberLimit: 100, stock: 10_000, thresholdFen: 0 })));
  }
  const template = await roomyTemplates.get(stack)!;
  const claimed = await stack.api<MemberCoupon>('POST', `/coupons/${template.id}/claim`, { token: memberToken });
  if (claimed.status !== 201) throw new Error(`claim failed: ${claimed.status} ${JSON.stringify(claimed.body)}`);
  return claimed.body.code;
}
