/* Helpers for the WeChat Pay specs: the real wechatpay-node-v3 client pointed at the sandbox, a
 * hand-made signed request for what the library cannot send (bad auth), and notification checks. */
import { createDecipheriv, createSign, randomBytes } from 'node:crypto';
import Pay from 'wechatpay-node-v3';
import type { Output } from 'wechatpay-node-v3/dist/lib/interface-v2';
import { PayRequest } from 'wechatpay-node-v3/dist/lib/pay-request';
import type { PayKeys, RunningSandbox, SandboxApp, SandboxOptions } from './index';
import { aMiniProgram, control, PushReceiver, startTestSandbox, type ReceivedPush, type TestClock } from './spec-support';

export { Pay };

const WECHATPAY_HOST = 'https://api.mch.weixin.qq.com';

/**
 * The library hard-codes WeChat Pay's host; its documented hook is `createHttp(service)`. The URL is
 * signed before the service sees it (over the path alone), so rewriting the host here is safe.
 */
class SandboxPayRequest extends PayRequest {
  constructor(private readonly base: string) {
    super();
  }
  override post(url: string, params: Record<string, any>, headers: Record<string, any>): Promise<Output> {
    return super.post(url.replace(WECHATPAY_HOST, this.base), params, headers);
  }
  override get(url: string, headers: Record<string, any>): Promise<Output> {
    return super.get(url.replace(WECHATPAY_HOST, this.base), headers);
  }
}

/**
 * wechatpay-node-v3 as a merchant server would set it up, against the sandbox. Without `serial_no`
 * the library reads the serial from the certificate itself (lowercase, with a leading 00 when the
 * first byte is high): the sandbox must accept that spelling.
 */
export function payClient(sandbox: RunningSandbox, appid: string, keys: PayKeys = sandbox.payKeys, serialNo?: string): Pay {
  const pay = new Pay({
    appid,
    mchid: keys.mchid,
    publicKey: Buffer.from(keys.merchantCertPem),
    privateKey: Buffer.from(keys.merchantPrivateKeyPem),
    key: keys.apiV3Key,
    ...(serialNo && { serial_no: serialNo }),
  });
  pay.createHttp(new SandboxPayRequest(sandbox.url));
  return pay;
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, any> | null;
}

export interface SignOptions {
  keys: PayKeys;
  timestamp?: number;
  serial?: string;
  /** Sign this instead of the body that is sent (a tampered request). */
  signedBody?: string;
  headers?: Record<string, string>;
}

/** A request signed by hand (§H.1), for what the library will not send: stale, mis-signed, other serials. */
export async function signedFetch(sandbox: RunningSandbox, method: 'GET' | 'POST', pathWithQuery: string, body: object | null, options: SignOptions): Promise<RawAnswer> {
  const { keys } = options;
  const text = body === null ? '' : JSON.stringify(body);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex');
  const message = `${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${options.signedBody ?? text}\n`;
  const signature = createSign('RSA-SHA256').update(message).sign(keys.merchantPrivateKeyPem, 'base64');
  const authorization = `WECHATPAY2-SHA256-RSA2048 mchid="${keys.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${options.serial ?? keys.merchantSerialNo}"`;
  const response = await fetch(`${sandbox.url}${pathWithQuery}`, {
    method,
    headers: { authorization, accept: 'application/json', ...(body && { 'content-type': 'application/json' }), ...options.headers },
    body: body === null ? undefined : text,
  });
  const answer = await response.text();
  return { status: response.status, headers: response.headers, text: answer, json: answer === '' ? null : (JSON.parse(answer) as Record<string, any>) };
}

export interface NotificationEnvelope {
  id: string;
  create_time: string;
  resource_type: string;
  event_type: string;
  summary: string;
  resource: { original_type: string; algorithm: string; ciphertext: string; associated_data: string; nonce: string };
}

/** AES-256-GCM decryption that checks the tag (`final()`), which the library's decipher_gcm skips. */
export function decryptResource(apiV3Key: string, resource: NotificationEnvelope['resource']): Record<string, any> {
  const data = Buffer.from(resource.ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(resource.nonce));
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(resource.associated_data));
  const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  return JSON.parse(plain) as Record<string, any>;
}

/** What a merchant's notify handler passes to the library's verifySign (raw body, lowercase headers). */
export function verifyParams(received: ReceivedPush, apiSecret: string) {
  return {
    timestamp: String(received.headers['wechatpay-timestamp']),
    nonce: String(received.headers['wechatpay-nonce']),
    serial: String(received.headers['wechatpay-serial']),
    signature: String(received.headers['wechatpay-signature']),
    body: received.body,
    apiSecret,
  };
}

export interface OrderView {
  trade_state: string;
  transaction_id?: string;
  prepay_id: string;
  notifications: Array<{ id: string; event_type: string; mode: string; acknowledged: boolean; attempts: Array<{ copy: number; attempt: number; at: string; signature: string; status: number | null }> }>;
  refunds: Array<Record<string, any>>;
  shipping: Array<Record<string, any>>;
  [field: string]: unknown;
}

export async function orderView(sandbox: RunningSandbox, outTradeNo: string): Promise<OrderView> {
  return (await control<OrderView>(sandbox, 'GET', `/pay/orders/${outTradeNo}`)).body;
}

/** Waits until the sandbox's view of an order satisfies `done` (deliveries run in the background). */
export async function waitForOrder(sandbox: RunningSandbox, outTradeNo: string, done: (order: OrderView) => boolean, timeoutMs = 5000): Promise<OrderView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const order = await orderView(sandbox, outTradeNo);
    if (done(order)) return order;
    if (Date.now() > deadline) throw new Error(`order ${outTradeNo} did not get there: ${JSON.stringify(order)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function newOutTradeNo(): string {
  return 'WM' + randomBytes(10).toString('hex');
}

/** The prepay_id inside the requestPayment params that transactions_jsapi answers. */
export function prepayIdOf(placed: Output): string {
  return (placed.data as { package: string }).package.replace('prepay_id=', '');
}

export interface PayStack {
  miniProgram: SandboxApp;
  /** The merchant's notify endpoint: answers 204 unless a spec says otherwise. */
  receiver: PushReceiver;
  notifyUrl: string;
  sandbox: RunningSandbox;
  clock: TestClock;
  pay: Pay;
}

/**
 * Registers the hooks of a pay spec: a sandbox with one mini-program (WeChat Pay delays × 0.001), a
 * notify receiver, the library client; reset to a fresh merchant state before each test.
 */
export function payStack(options: SandboxOptions = {}): PayStack {
  const stack = { miniProgram: aMiniProgram(), receiver: new PushReceiver() } as PayStack;
  beforeAll(async () => {
    stack.notifyUrl = await stack.receiver.start('/wechat/pay/notify');
    ({ sandbox: stack.sandbox, clock: stack.clock } = await startTestSandbox({ apps: [stack.miniProgram], payTimeScale: 0.001, ...options }));
    stack.pay = payClient(stack.sandbox, stack.miniProgram.appid);
  });
  afterAll(async () => {
    await stack.sandbox.close();
    await stack.receiver.close();
  });
  beforeEach(async () => {
    stack.clock.travelTo(new Date()); // undo a spec's time travel, even when it failed half-way
    await control(stack.sandbox, 'POST', '/reset');
    await control(stack.sandbox, 'POST', '/merchant', { verification: 'certificate', notifyUrl: null });
    stack.receiver.received.length = 0;
    stack.receiver.answer = () => ({ status: 204, body: '' });
  });
  return stack;
}
