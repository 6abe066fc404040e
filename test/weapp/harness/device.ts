import { createVerify } from 'node:crypto';
import type { TestStack } from '../../support/stack';
import { ApiFailure } from './wx-surface';

/**
 * The phone the mini-program runs on, as far as the `wx` surface reaches: one WeChat user, the
 * network (to the e2e stack only), storage, the camera, and the screen's toasts and dialogs. What
 * the user does in WeChat's own UI (which code the camera sees, what a dialog is answered) is set
 * by the test beforehand; a dialog the test did not expect fails it.
 */

/**
 * Where the weapp build sends its API calls: `API_BASE` of miniapp/config/index.ts when the build
 * sets none. The harness delivers these to the e2e stack's server; a request anywhere else fails.
 */
export const BUILD_API_BASE = 'http://127.0.0.1:3000/api';

/** The methods wx.request accepts (no PATCH). */
const WX_REQUEST_METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];

export interface Router {
  navigateTo(url: string): Promise<object>;
  redirectTo(url: string): Promise<object>;
  navigateBack(delta: number): Promise<object>;
  switchTab(url: string): Promise<object>;
  reLaunch(url: string): Promise<object>;
}

/** wx storage: values are stored as copies, a missing key reads as '' (as on a phone). */
export class Storage {
  private readonly values = new Map<string, string>();
  has = (key: string) => this.values.has(key);
  get = (key: string): unknown => (this.values.has(key) ? JSON.parse(this.values.get(key)!) : '');
  set = (key: string, value: unknown): void => void this.values.set(key, JSON.stringify(value ?? null));
  remove = (key: string): void => void this.values.delete(key);
  clear = (): void => this.values.clear();
}

export interface ScannedCode {
  result: string;
  scanType?: 'QR_CODE' | 'CODE_128' | 'WX_CODE';
}

/** What the camera sees when the page opens the scanner: one entry per `wx.scanCode`, in order. */
export class Camera {
  private readonly queue: (ScannedCode | 'cancel')[] = [];
  constructor(private readonly unexpected: (message: string) => void) {}

  /** The next scan reads this code. */
  show(result: string, scanType: ScannedCode['scanType'] = 'QR_CODE'): void {
    this.queue.push({ result, scanType });
  }

  /** The next scan is closed by the user without reading anything. */
  cancel(): void {
    this.queue.push('cancel');
  }

  async scan(options: { scanType?: string[] }): Promise<object> {
    const next = this.queue.shift();
    if (!next) {
      this.unexpected('wx.scanCode opened the camera, but the test put nothing in front of it (device.camera.show)');
      throw new ApiFailure('scanCode:fail cancel');
    }
    if (next === 'cancel') throw new ApiFailure('scanCode:fail cancel');
    const kind = next.scanType === 'CODE_128' ? 'barCode' : 'qrCode';
    if (options.scanType && !options.scanType.includes(kind)) {
      this.unexpected(`wx.scanCode was asked for ${options.scanType.join(', ')} only, so it cannot read a ${next.scanType}`);
      throw new ApiFailure('scanCode:fail cancel');
    }
    return { result: next.result, scanType: next.scanType, charSet: 'utf-8', rawData: Buffer.from(next.result).toString('base64') };
  }

  /** Codes shown that no scan read: a test leaving some means the page never opened the camera. */
  get unread(): number {
    return this.queue.length;
  }
}

export interface ModalAnswer {
  confirm: boolean;
}

/** What WeChat's own UI showed: toasts, loading masks, dialogs (answered by the test), the title. */
export class Screen {
  readonly toasts: string[] = [];
  readonly modals: { title?: string; content?: string }[] = [];
  readonly titles: string[] = [];
  loadingText: string | null = null;
  private readonly modalAnswers: ModalAnswer[] = [];
  constructor(private readonly unexpected: (message: string) => void) {}

  toast(title: string): void {
    this.toasts.push(title);
  }

  loading(title: string | null): void {
    this.loadingText = title;
  }

  title(title: string): void {
    this.titles.push(title);
  }

  /** The next wx.showModal is answered so. */
  answerNextModal(answer: ModalAnswer): void {
    this.modalAnswers.push(answer);
  }

  async modal(options: { title?: string; content?: string }): Promise<object> {
    this.modals.push({ title: options.title, content: options.content });
    const answer = this.modalAnswers.shift();
    if (!answer) {
      this.unexpected(`wx.showModal «${options.title ?? ''} ${options.content ?? ''}» was shown, but the test gave no answer (device.screen.answerNextModal)`);
      throw new ApiFailure('showModal:fail cancel');
    }
    return { confirm: answer.confirm, cancel: !answer.confirm };
  }
}

export interface SentRequest {
  method: string;
  path: string;
  status: number;
  /** What the page sent, as sent (JSON bodies parsed back). */
  body?: unknown;
}

function parseOrKeep(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** wx.request: real HTTP to the e2e stack's server. */
export class Network {
  readonly sent: SentRequest[] = [];
  /** While true every request fails as with no signal. */
  offline = false;
  private readonly lostAnswers: { method: string; path: string }[] = [];

  /**
   * The next `method path` request (path below /api, query excluded) reaches the server, which
   * answers, but the connection drops before the phone hears back.
   */
  loseNextAnswer(method: string, path: string): void {
    this.lostAnswers.push({ method: method.toUpperCase(), path });
  }

  constructor(
    private readonly stack: TestStack,
    private readonly unexpected: (message: string) => void,
  ) {}

  /** Where a URL of the build's API really is: on the e2e stack (an image's src, say). */
  locate(url: string): string {
    if (!url.startsWith(`${BUILD_API_BASE}/`)) throw new Error(`${url} is not on the API this build talks to (${BUILD_API_BASE})`);
    return `${this.stack.url}/api${url.slice(BUILD_API_BASE.length)}`;
  }

  async request(options: Record<string, any>): Promise<object> {
    const url = String(options.url ?? '');
    if (!url.startsWith(`${BUILD_API_BASE}/`)) {
      this.unexpected(`wx.request to ${url}: not the API this build talks to (${BUILD_API_BASE})`);
      throw new ApiFailure('request:fail url not in domain list');
    }
    if (this.offline) throw new ApiFailure('request:fail timeout');
    const method = String(options.method ?? 'GET').toUpperCase();
    if (!WX_REQUEST_METHODS.includes(method)) {
      this.unexpected(`wx.request with method ${method}: WeChat's wx.request has only ${WX_REQUEST_METHODS.join(', ')}`);
      throw new ApiFailure(`request:fail parameter error: method ${method} is not supported`);
    }
    const headers: Record<string, string> = { ...(options.header ?? {}) };
    let target = this.locate(url);
    let body: string | undefined;
    const data = options.data;
    if (method === 'GET' && data && typeof data === 'object') {
      // WeChat puts a GET's data into the query string, each value as a string.
      const query = Object.entries(data as Record<string, unknown>)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(typeof value === 'object' ? JSON.stringify(value) : String(value))}`)
        .join('&');
      if (query) target += (target.includes('?') ? '&' : '?') + query;
    } else if (data !== undefined) {
      const type = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? 'application/json';
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = type;
      body = typeof data === 'string' ? data : JSON.stringify(data);
    }
    let response: Response;
    try {
      response = await fetch(target, { method, headers, body, signal: AbortSignal.timeout(Number(options.timeout ?? 60_000)) });
    } catch (failure) {
      throw new ApiFailure(`request:fail ${(failure as Error).message}`);
    }
    const text = await response.text();
    const { pathname, search } = new URL(target);
    this.sent.push({ method, path: pathname + search, status: response.status, ...(body !== undefined && { body: parseOrKeep(body) }) });
    const lost = this.lostAnswers.findIndex((entry) => entry.method === method && `/api${entry.path}` === pathname);
    if (lost >= 0) {
      this.lostAnswers.splice(lost, 1);
      throw new ApiFailure('request:fail socket hang up');
    }
    let parsed: unknown = text;
    if ((options.dataType ?? 'json') === 'json') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    const header: Record<string, string> = {};
    response.headers.forEach((value, name) => (header[name] = value));
    return { data: parsed, statusCode: response.status, header, cookies: [] };
  }
}

/** Temporary files WeChat hands a page (a chosen avatar): `wxfile://tmp_…` paths and their bytes. */
export class Files {
  private readonly files = new Map<string, Buffer>();
  private next = 1;

  add(bytes: Buffer, extension = 'png'): string {
    const path = `wxfile://tmp_${String(this.next++).padStart(4, '0')}.${extension}`;
    this.files.set(path, bytes);
    return path;
  }

  read(path: string): Buffer {
    const bytes = this.files.get(path);
    if (!bytes) throw new ApiFailure(`readFile:fail no such file or directory, open ${path}`);
    return bytes;
  }
}

/** The whole phone: one WeChat user (an openid the sandbox made up at the first wx.login). */
export class Device {
  readonly storage = new Storage();
  readonly camera: Camera;
  readonly screen: Screen;
  readonly network: Network;
  readonly files = new Files();
  /** Numbers the user was offered to call (wx.makePhoneCall). */
  readonly calls: string[] = [];
  router!: Router;
  /** subscribe-message template id → what the user taps in the dialog. */
  readonly subscribeAnswers = new Map<string, 'accept' | 'reject'>();
  /** True while a tap is being handled: the only time WeChat opens the subscribe dialog. */
  tapping = false;
  /** The template ids of each wx.requestSubscribeMessage dialog shown, in order. */
  readonly subscribeRequests: string[][] = [];
  /** What the user does in WeChat Pay's sheet, one answer per wx.requestPayment, in order. */
  readonly payAnswers: ('pay' | 'cancel')[] = [];

  constructor(
    readonly stack: TestStack,
    /** The WeChat user on this phone; unset, the sandbox makes one up at the first wx.login. */
    public openid: string | undefined,
    private readonly unexpected: (message: string) => void,
  ) {
    this.camera = new Camera(unexpected);
    this.screen = new Screen(unexpected);
    this.network = new Network(stack, unexpected);
  }

  /** wx.login: a one-time code from the sandbox, as the WeChat client gets one from WeChat. */
  async wechatLogin(): Promise<object> {
    const { code, openid } = await this.stack.loginCode(this.openid);
    this.openid = openid;
    return { code };
  }

  /** wx.requestSubscribeMessage: the test's answers; an accepted template is accepted in the sandbox too. */
  async answerSubscribe(templateIds: string[]): Promise<object> {
    if (!this.tapping) {
      this.unexpected('wx.requestSubscribeMessage was called outside a tap; WeChat opens the dialog only from a tap (or a payment) callback');
      throw new ApiFailure('requestSubscribeMessage:fail can only be invoked by user TAP gesture.');
    }
    // WeChat refuses an empty list and more than 3 templates in one dialog (errCode 20001 / 20003).
    if (!Array.isArray(templateIds) || templateIds.length === 0) throw new ApiFailure('requestSubscribeMessage:fail No template data return, verify the template id exist');
    if (templateIds.length > 3) {
      this.unexpected(`wx.requestSubscribeMessage asked for ${templateIds.length} templates at once; WeChat shows at most 3`);
      throw new ApiFailure('requestSubscribeMessage:fail Templates count out of max bounds');
    }
    this.subscribeRequests.push([...templateIds]);
    const answers: Record<string, string> = {};
    for (const id of templateIds) {
      const answer = this.subscribeAnswers.get(id);
      if (!answer) {
        this.unexpected(`wx.requestSubscribeMessage asked for template ${id}, but the test gave no answer (device.subscribeAnswers)`);
        throw new ApiFailure('requestSubscribeMessage:fail cancel');
      }
      if (answer === 'accept') await this.stack.wechat('/subscribe-accept', { appid: this.stack.appid, openid: this.openid, templateId: id });
      answers[id] = answer;
    }
    return answers;
  }

  /**
   * wx.requestPayment: WeChat checks the merchant's paySign over this mini-program's appid, the
   * time stamp, the nonce and the package before it shows the sheet; then the user pays (the
   * sandbox's user pays the prepay_id, and WeChat Pay notifies the server) or closes it.
   */
  async requestPayment(params: Record<string, unknown>): Promise<object> {
    const answer = this.payAnswers.shift();
    if (!answer) {
      this.unexpected('wx.requestPayment opened WeChat Pay, but the test gave no answer (device.payAnswers)');
      throw new ApiFailure('requestPayment:fail cancel');
    }
    const { merchantCertPem } = await this.stack.wechat<{ merchantCertPem: string }>('/merchant');
    const signed = `${this.stack.appid}\n${String(params.timeStamp)}\n${String(params.nonceStr)}\n${String(params.package)}\n`;
    const verified = params.signType === 'RSA' && typeof params.paySign === 'string' && createVerify('RSA-SHA256').update(signed).verify(merchantCertPem, params.paySign, 'base64');
    if (!verified) {
      this.unexpected(`wx.requestPayment got parameters WeChat refuses (the paySign does not verify): ${JSON.stringify(params)}`);
      throw new ApiFailure('requestPayment:fail 支付验证签名失败');
    }
    if (answer === 'cancel') throw new ApiFailure('requestPayment:fail cancel');
    await this.stack.wechat('/pay', { prepay_id: String(params.package).replace(/^prepay_id=/, '') });
    return {};
  }

  systemInfo(): object {
    return {
      brand: 'iPhone',
      model: 'iPhone 13',
      platform: 'ios',
      system: 'iOS 17.5',
      language: 'zh_CN',
      version: '8.0.50',
      SDKVersion: '3.5.0',
      pixelRatio: 3,
      screenWidth: 390,
      screenHeight: 844,
      windowWidth: 390,
      windowHeight: 763,
      statusBarHeight: 47,
      safeArea: { top: 47, left: 0, right: 390, bottom: 810, width: 390, height: 763 },
    };
  }
}
