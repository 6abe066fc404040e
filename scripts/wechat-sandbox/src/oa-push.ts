import { createHash, randomBytes } from 'node:crypto';
import { getOnce, postOnce } from './http-post';
import { newNonce, originalIdFor } from './ids';
import { encryptMessage, msgSignature } from './oa-crypto';
import type { DeliveryResult, SandboxApp } from './state';

/** WeChat tries a push 3 times in total when the server does not answer 2xx in 5 s (§G.3). */
const PUSH_ATTEMPTS = 3;
const PUSH_HEADERS = { 'content-type': 'text/xml', 'user-agent': 'Mozilla/4.0' };

/** §G.1: hex(sha1(join(sort([token, timestamp, nonce])))), plain string sort. */
export function pushSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

/** What `POST /__sandbox/verify-url` reports: the GET WeChat made and whether the server echoed correctly. */
export interface VerificationResult {
  url: string;
  status: number | null;
  body: string | null;
  /** The echostr in plain text: what the server must answer with. */
  echostr: string;
  verified: boolean;
  error?: string;
}

function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** Strings are written as CDATA, numbers bare (`MsgID` may exceed 2^53, hence bigint). */
export type XmlValue = string | number | bigint;

/** A plain-mode event push body (§G.2). */
export function eventXml(
  app: SandboxApp,
  openid: string,
  createTime: number,
  event: string,
  extra: Array<[string, XmlValue]> = [],
): string {
  const fields: Array<[string, XmlValue]> = [
    ['ToUserName', originalIdFor(app.appid)],
    ['FromUserName', openid],
    ['CreateTime', createTime],
    ['MsgType', 'event'],
    ['Event', event],
    ...extra,
  ];
  const body = fields
    .map(([name, value]) => `<${name}>${typeof value === 'string' ? cdata(value) : value.toString()}</${name}>`)
    .join('');
  return `<xml>${body}</xml>`;
}

/** Delivers signed pushes to official-account servers; `close()` cancels those in flight. */
export class OfficialAccountPusher {
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly now: () => number,
    private readonly timeoutMs: number,
  ) {}

  /** Pushes now and waits for the outcome; null when the account has no push URL. */
  deliver(app: SandboxApp, openid: string, xml: string): Promise<DeliveryResult | null> {
    return this.run(app, openid, xml, this.track());
  }

  /** Pushes after the current API answer has gone out, as WeChat's asynchronous jobs do. */
  deliverLater(app: SandboxApp, openid: string, xml: string): Promise<DeliveryResult | null> {
    const cancel = this.track();
    return new Promise((resolve) => setImmediate(resolve)).then(() => this.run(app, openid, xml, cancel));
  }

  /**
   * What WeChat does when the URL is saved in the MP console (§G.1): a GET with signature,
   * timestamp, nonce and echostr; the server must answer the echostr alone. In safe mode the echostr
   * travels encrypted (with msg_signature) and the answer is still the plain one.
   */
  async verifyUrl(app: SandboxApp): Promise<VerificationResult | null> {
    if (!app.pushUrl || !app.pushToken) return null;
    const echostr = String(BigInt('0x' + randomBytes(8).toString('hex')));
    const timestamp = String(Math.floor(this.now() / 1000));
    const nonce = newNonce();
    const target = new URL(app.pushUrl);
    target.searchParams.set('signature', pushSignature(app.pushToken, timestamp, nonce));
    target.searchParams.set('timestamp', timestamp);
    target.searchParams.set('nonce', nonce);
    if (app.pushMode === 'safe' && app.encodingAESKey) {
      const encrypted = encryptMessage(app.encodingAESKey, app.appid, echostr);
      target.searchParams.set('echostr', encrypted);
      target.searchParams.set('encrypt_type', 'aes');
      target.searchParams.set('msg_signature', msgSignature(app.pushToken, timestamp, nonce, encrypted));
    } else {
      target.searchParams.set('echostr', echostr);
    }
    const cancel = this.track();
    try {
      const answer = await getOnce(target, { 'user-agent': PUSH_HEADERS['user-agent'] }, this.timeoutMs, cancel.signal);
      const verified = answer.status === 200 && answer.body === echostr;
      return { url: target.toString(), status: answer.status, body: answer.body, echostr, verified };
    } catch (error) {
      return { url: target.toString(), status: null, body: null, echostr, verified: false, error: (error as Error).message };
    } finally {
      this.inFlight.delete(cancel);
    }
  }

  close(): void {
    this.closed = true;
    for (const cancel of this.inFlight) cancel.abort();
    this.inFlight.clear();
  }

  private track(): AbortController {
    const cancel = new AbortController();
    if (this.closed) cancel.abort();
    else this.inFlight.add(cancel);
    return cancel;
  }

  private async run(app: SandboxApp, openid: string, xml: string, cancel: AbortController): Promise<DeliveryResult | null> {
    if (!app.pushUrl || !app.pushToken || cancel.signal.aborted) {
      this.inFlight.delete(cancel);
      return null;
    }
    const { target, body } = signedPush(app, openid, xml, Math.floor(this.now() / 1000));
    let result: DeliveryResult = { url: target.toString(), status: null, body: null, attempts: 0 };
    try {
      for (let attempt = 1; attempt <= PUSH_ATTEMPTS && !cancel.signal.aborted; attempt += 1) {
        try {
          const answer = await postOnce(target, body, PUSH_HEADERS, this.timeoutMs, cancel.signal);
          result = { url: result.url, status: answer.status, body: answer.body, attempts: attempt };
          if (answer.status >= 200 && answer.status < 300) break;
        } catch (error) {
          result = { url: result.url, status: null, body: null, attempts: attempt, error: (error as Error).message };
        }
      }
    } finally {
      this.inFlight.delete(cancel);
    }
    return result;
  }
}

/**
 * The push URL with the query every push carries — signature, timestamp, nonce, openid (§G.1) —
 * and the body in the account's mode: plain XML, or with safe/compatible mode also
 * `encrypt_type=aes&msg_signature=…` and an `Encrypt` element (only it and ToUserName in safe mode, §G.4).
 */
function signedPush(app: SandboxApp, openid: string, xml: string, timestampSeconds: number): { target: URL; body: string } {
  const token = app.pushToken ?? '';
  const timestamp = String(timestampSeconds);
  const nonce = newNonce();
  const target = new URL(app.pushUrl ?? '');
  target.searchParams.set('signature', pushSignature(token, timestamp, nonce));
  target.searchParams.set('timestamp', timestamp);
  target.searchParams.set('nonce', nonce);
  target.searchParams.set('openid', openid);
  const mode = app.pushMode ?? 'plain';
  if (mode === 'plain' || !app.encodingAESKey) return { target, body: xml };
  const encrypt = encryptMessage(app.encodingAESKey, app.appid, xml);
  target.searchParams.set('encrypt_type', 'aes');
  target.searchParams.set('msg_signature', msgSignature(token, timestamp, nonce, encrypt));
  const encryptElement = `<Encrypt>${cdata(encrypt)}</Encrypt>`;
  const body =
    mode === 'safe'
      ? `<xml><ToUserName>${cdata(originalIdFor(app.appid))}</ToUserName>${encryptElement}</xml>`
      : xml.replace(/<\/xml>$/, `${encryptElement}</xml>`);
  return { target, body };
}
