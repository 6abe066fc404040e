import { WechatTokenError, type RedisTokenWechatApi } from './redis-token-wechat-api';
import { redactWechatSecrets, wechatErrcode } from './wechat-api-error';

/**
 * A message send WeChat did not take. `errcode` is WeChat's answer (43004 not a follower, 43101 no
 * subscription left, 47003 data, 45009 quota, -1 busy…); null when no answer came at all (network,
 * timeout, a page that was not WeChat's) or the access token could not be had — worth retrying.
 */
export class WechatSendError extends Error {
  override readonly name = 'WechatSendError';

  constructor(
    readonly errcode: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** Template data: `{key: {value}}` (colours and first/remark are gone since 2023, §D). */
export type TemplateData = Record<string, { value: string }>;

/** POSTs `body` as JSON to `api`'s `path` with the access token; any errcode (or none at all) becomes a WechatSendError. */
export async function postMessage(api: RedisTokenWechatApi, path: string, body: object): Promise<Record<string, unknown>> {
  let answer: unknown;
  try {
    const { accessToken } = await api.ensureAccessToken();
    answer = await api.request(`${api.prefix}${path}?access_token=${encodeURIComponent(accessToken)}`, {
      method: 'POST',
      data: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' },
    });
  } catch (error) {
    if (error instanceof WechatTokenError) throw new WechatSendError(null, `access token unavailable: ${error.message}`);
    const errcode = wechatErrcode(error);
    throw new WechatSendError(errcode ?? null, redactWechatSecrets((error as Error).message));
  }
  if (!answer || Buffer.isBuffer(answer) || typeof answer !== 'object') throw new WechatSendError(null, 'the answer was not WeChat JSON');
  return answer as Record<string, unknown>;
}
