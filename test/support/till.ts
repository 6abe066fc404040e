import { randomBytes } from 'node:crypto';
import type { MemberCode, Order, Reconciliation } from '@wemember/shared';
import { PointsMaintenance } from '../../server/src/points/points-maintenance';
import type { HttpResult } from './http';
import { aPhone, type TestStack } from './stack';

export interface TestMember {
  token: string;
  memberNo: string;
  memberId: string;
  phone: string;
}

/**
 * The points accounts' entries, shaped as point_ledger's rows were (`kind` is the entry's kind), for
 * tests that add up a member's points history: `SELECT … FROM ${POINT_ENTRIES} l WHERE l.member_id = ?`.
 */
export const POINT_ENTRIES = "(SELECT e.*, e.entry_kind AS kind FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id AND a.kind = 'points')";

/** A receipt number no other test uses. */
export const aReceiptNo = (prefix = 'R') => `${prefix}${randomBytes(6).toString('hex')}`;

/**
 * The till as a clerk works it: members join through WeChat, show their live code, the clerk
 * records purchases and refunds over HTTP.
 */
export class TestTill {
  private constructor(
    readonly stack: TestStack,
    readonly clerkToken: string,
    readonly adminToken: string,
  ) {}

  static async open(stack: TestStack): Promise<TestTill> {
    return new TestTill(stack, await stack.staffToken('clerk'), await stack.staffToken('admin'));
  }

  async newMember(): Promise<TestMember> {
    const phone = aPhone();
    const joined = await this.stack.join(phone);
    const code = await this.code(joined.token);
    const resolved = await this.stack.api('POST', '/staff/members/resolve', { token: this.clerkToken, body: { code } });
    if (resolved.status !== 200) throw new Error(`resolve failed: ${JSON.stringify(resolved.body)}`);
    return { token: joined.token, memberNo: joined.member!.memberNo, memberId: resolved.body.memberId, phone };
  }

  /** The member's live code, as the card shows it. */
  async code(memberToken: string): Promise<string> {
    const result = await this.stack.api<MemberCode>('GET', '/member/code', { token: memberToken });
    if (result.status !== 200) throw new Error(`code failed: ${JSON.stringify(result.body)}`);
    return result.body.code;
  }

  async buy(
    member: TestMember,
    body: { amountFen: number; pointsToRedeem?: number; externalNo?: string; receiptNo?: string; items?: unknown[]; storeId?: string; couponCodes?: string[] },
    token = this.clerkToken,
  ): Promise<HttpResult> {
    return this.stack.api('POST', '/staff/orders', {
      token,
      body: { memberCode: await this.code(member.token), externalNo: aReceiptNo(), ...body },
    });
  }

  /** A purchase that must succeed. */
  async bought(member: TestMember, body: { amountFen: number; pointsToRedeem?: number; externalNo?: string; items?: unknown[]; couponCodes?: string[] }): Promise<Order> {
    const result = await this.buy(member, body);
    if (result.status !== 201) throw new Error(`purchase failed: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  refund(orderId: string, body: { amountFen: number; refundNo?: string; reason?: string }, token = this.clerkToken): Promise<HttpResult> {
    return this.stack.api('POST', `/staff/orders/${orderId}/refund`, { token, body: { refundNo: aReceiptNo('F'), ...body } });
  }

  adjust(member: TestMember, delta: number, reason = '客诉补偿积分', requestId = aReceiptNo('ADJ')): Promise<HttpResult> {
    return this.stack.api('POST', `/staff/members/${member.memberId}/points/adjustments`, { token: this.adminToken, body: { delta, reason, requestId } });
  }

  async points(member: TestMember): Promise<number> {
    const card = await this.stack.api('GET', '/member/card', { token: member.token });
    return card.body.points;
  }

  /** The reconciliation job's check, for this brand. */
  reconcile(): Promise<Reconciliation> {
    return this.stack.app.get(PointsMaintenance).reconcile(this.stack.chain.brand.id);
  }

  /** Rows of a table for this brand, to prove a refused request wrote nothing. */
  async count(table: string): Promise<number> {
    const [row] = await this.stack.db.query(`SELECT COUNT(*) AS n FROM ${table} WHERE brand_id = ?`, [this.stack.chain.brand.id]);
    return Number(row.n);
  }

  async ledgerCounts(): Promise<Record<string, number>> {
    const tables = ['orders', 'order_refunds', 'ledger_accounts', 'ledger_entries', 'point_lots', 'members', 'tier_changes', 'audit_log'];
    return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await this.count(t)] as const)));
  }
}
