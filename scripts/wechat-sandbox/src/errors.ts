import { randomBytes } from 'node:crypto';

/**
 * WeChat MP/OA error codes the sandbox answers with, and the errmsg text of each (§1.1 and the
 * per-endpoint tables). Adding a code without a message is a compile error.
 */
export const WECHAT_ERRMSG = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40097: 'invalid args',
  40125: 'invalid appsecret',
  40129: 'invalid scene',
  40163: 'code been used',
  40169: 'invalid length for scene, or the data is not json string',
  40226: 'code blocked',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  41030: 'invalid page',
  42001: 'access_token expired',
  43002: 'require POST method',
  43004: 'require subscribe',
  43101: 'user refuse to accept the msg',
  44002: 'empty post data',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  47001: 'data format error',
  47003: 'argument invalid!',
  48001: 'api unauthorized',
  // Mini-program shipping info (upload_shipping_info), the step before WeChat releases the funds.
  10060001: '支付单不存在',
  10060003: '支付单已使用重新发货机会',
} as const;

export type WechatErrcode = keyof typeof WECHAT_ERRMSG;

export function isWechatErrcode(value: unknown): value is WechatErrcode {
  return typeof value === 'number' && Object.prototype.hasOwnProperty.call(WECHAT_ERRMSG, value);
}

/** A business error of a WeChat API: answered as HTTP 200 with `{errcode, errmsg}` (§1.1). */
export class WechatError extends Error {
  constructor(
    readonly errcode: WechatErrcode,
    readonly detail?: string,
  ) {
    super(detail ? `${WECHAT_ERRMSG[errcode]}, sandbox: ${detail}` : WECHAT_ERRMSG[errcode]);
    this.name = 'WechatError';
  }
}

/** Real errmsg strings end with a request id such as `rid: 668f2aa4-51c08c03-3d141241` (§1.1). */
export function requestId(): string {
  const hex = randomBytes(12).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 16)}-${hex.slice(16, 24)}`;
}

export function errorEnvelope(error: WechatError): { errcode: number; errmsg: string } {
  return { errcode: error.errcode, errmsg: `${error.message} rid: ${requestId()}` };
}

/** An error of the control API (not WeChat): answered with an HTTP status and `{error}`. */
export class ControlError extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
