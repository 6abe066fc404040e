declare module 'co-wechat-api' {
  interface AccessTokenShape {
    accessToken: string;
    expireTime: number;
  }
  class API {
    constructor(
      appid: string,
      appsecret: string,
      getToken?: () => Promise<AccessTokenShape | null | undefined>,
      saveToken?: (token: AccessTokenShape | null) => Promise<void>,
      tokenFromCustom?: boolean,
    );
    appid: string;
    appsecret: string;
    prefix: string;
    snsPrefix: string;
    wxaPrefix: string;
    setOpts(opts: { timeout?: number }): void;
    request(url: string, opts?: { method?: string; data?: string; headers?: Record<string, string> }, retry?: number): Promise<any>;
    getAccessToken(): Promise<AccessTokenShape>;
    ensureAccessToken(): Promise<AccessTokenShape>;
    code2Session(jsCode: string): Promise<{ openid: string; session_key: string; unionid?: string }>;
    getWXACodeUnlimit(scene: string, page?: string, width?: number): Promise<Buffer>;
    /** `cgi-bin/user/info` of the official account. */
    getUser(options: string | { openid: string; lang?: string }): Promise<{ subscribe?: number; openid?: string; unionid?: string; [key: string]: unknown }>;
  }
  export = API;
}
