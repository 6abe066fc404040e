/** The errcode co-wechat-api attaches to a WeChatAPIError, or undefined for transport failures. */
export function wechatErrcode(error: unknown): number | undefined {
  if (error && typeof error === 'object' && (error as { name?: string }).name === 'WeChatAPIError') {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}

/**
 * co-wechat-api and httpx put the full URL in their error messages, and WeChat URLs carry the
 * AppSecret (jscode2session), the access token and the user's codes in the query: masked before
 * anything is logged.
 */
export function redactWechatSecrets(text: string): string {
  return text
    .replace(/\b(secret|appsecret|access_token|js_code|code)=[^&\s"',]*/gi, '$1=***')
    .replace(/("(?:secret|access_token|session_key)"\s*:\s*")[^"]*/gi, '$1***');
}
