import { createCipheriv, createSign, randomBytes, randomUUID } from 'node:crypto';
import type { CreatedRechargeOrder, MemberCard, RechargeOrder } from '@wemember/shared';
import { http, type HttpResult } from './http';
import { aPhone, type TestStack } from './stack';

/** GET /__sandbox/merchant: enough to act as WeChat Pay towards the server. */
export interface SandboxMerchant {
  mchid: string;
  appid: string;
  apiV3Key: string;
  platformSerialNo: string;
  platformPrivateKeyPem: string;
  publicKeyId: string;
  publicKeyPrivateKeyPem: string;
  verification: 'certificate' | 'public_key';
}

/** A member who recharges: their token, and the orders they make through the API as the mini-program would. */
export class Recharger {
  private constructor(
    private readonly stack: TestStack,
    readonly token: string,
    readonly openid: string,
  ) {}

  /** A new member; `store` is the store code whose counter code they scanned to join (their home store). */
  static async join(stack: TestStack, store?: string): Promise<Recharger> {
    const openid = `oPay${randomBytes(10).toString('hex')}`;
    const scene = store ? stack.chain.counterScenes[store] : undefined;
    const joined = await stack.join(aPhone(), { openid, ...(scene && { scene }) });
    return new Recharger(stack, joined.token, openid);
  }

  /** A member who already has a card (the till's, the matrix's). */
  static of(stack: TestStack, token: string): Recharger {
    return new Recharger(stack, token, '');
  }

  /** A recharge ordered, paid in WeChat, and credited (by the notification or the result page's query). */
  async paid(name: string): Promise<string> {
    const { orderNo } = await this.orderAndPay(name);
    await this.waitFor(orderNo, (o) => o.status === 'paid');
    return orderNo;
  }

  /** The demo chain's package by its name: 充100, 充300送20, 充500送50. */
  packageId(name: string): string {
    const found = this.stack.chain.rechargePackages.find((p) => p.name === name);
    if (!found) throw new Error(`no package ${name}`);
    return found.id;
  }

  order(name: string): Promise<HttpResult<CreatedRechargeOrder>> {
    return this.stack.api('POST', '/recharge/orders', { token: this.token, body: { packageId: this.packageId(name) } });
  }

  /** Orders and pays in WeChat (the sandbox's user confirms wx.requestPayment); the notification goes per the sandbox's faults. */
  async orderAndPay(name: string): Promise<CreatedRechargeOrder> {
    const created = await this.order(name);
    if (created.status !== 201) throw new Error(`recharge order failed: ${created.status} ${JSON.stringify(created.body)}`);
    await this.stack.wechat('/pay', { prepay_id: created.body.payParams.package.replace('prepay_id=', '') });
    return created.body;
  }

  get(orderNo: string): Promise<HttpResult<RechargeOrder>> {
    return this.stack.api('GET', `/recharge/orders/${orderNo}`, { token: this.token });
  }

  async card(): Promise<MemberCard> {
    return (await this.stack.api<MemberCard>('GET', '/member/card', { token: this.token })).body;
  }

  /** The order as the member's result page sees it once `done` holds (it polls, as the page does). */
  async waitFor(orderNo: string, done: (o: RechargeOrder) => boolean, timeoutMs = 8000): Promise<RechargeOrder> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const order = await this.stack.db.query('SELECT status FROM recharge_orders WHERE order_no = ?', [orderNo]);
      const view = (await this.get(orderNo)).body;
      if (done(view)) return view;
      if (Date.now() > deadline) throw new Error(`order ${orderNo} stayed ${JSON.stringify(order)} ${JSON.stringify(view)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function merchantOf(stack: TestStack): Promise<SandboxMerchant> {
  return stack.wechat<SandboxMerchant>('/merchant');
}

/** The server's view of a recharge's ledger entries: how many times it was credited. */
export async function ledgerEntries(stack: TestStack, key: string): Promise<{ business_key: string; delta: number }[]> {
  return stack.db.query('SELECT business_key, delta FROM ledger_entries WHERE business_key LIKE ? ORDER BY business_key', [`${key}:%`]);
}

export interface ForgedNotification {
  headers: Record<string, string>;
  body: string;
}

/**
 * A notification as WeChat Pay would send it (§H.8), made by the test from the sandbox's platform
 * keys: `resource` encrypted with the APIv3 key, the envelope signed over the exact body. Options
 * spoil one thing at a time.
 */
export function signedNotification(
  merchant: SandboxMerchant,
  eventType: string,
  resource: Record<string, unknown>,
  spoil: { timestamp?: number; serial?: string; key?: string; tamper?: (body: string) => string; signature?: string } = {},
): ForgedNotification {
  const nonce = randomBytes(6).toString('hex');
  const associated = eventType.startsWith('REFUND') ? 'refund' : 'transaction';
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(merchant.apiV3Key), Buffer.from(nonce));
  cipher.setAAD(Buffer.from(associated));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
  const body = JSON.stringify({
    id: randomUUID(),
    create_time: new Date().toISOString(),
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary: '支付成功',
    resource: { original_type: associated, algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: associated, nonce },
  });
  const timestamp = String(spoil.timestamp ?? Math.floor(Date.now() / 1000));
  const signNonce = randomBytes(16).toString('hex');
  const signature = spoil.signature ?? createSign('RSA-SHA256').update(`${timestamp}\n${signNonce}\n${body}\n`).sign(spoil.key ?? merchant.platformPrivateKeyPem, 'base64');
  return {
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': signNonce,
      'wechatpay-serial': spoil.serial ?? merchant.platformSerialNo,
      'wechatpay-signature': signature,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    },
    body: spoil.tamper ? spoil.tamper(body) : body,
  };
}

export function postNotification(stack: TestStack, n: ForgedNotification): Promise<HttpResult> {
  return http('POST', `${stack.url}/api/wechat/pay/notify`, { rawBody: n.body, headers: n.headers });
}
