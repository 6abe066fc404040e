/** The errcode co-wechat-api attaches to a WeChatAPIError, or undefined for transport failures. */
export function wechatErrcode(error: unknown): number | undefined {
  if (error && typeof error === 'object' && (error as { name?: string }).name === 'WeChatAPIError') {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}
