import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Device } from './device';

/**
 * THE `wx` the mini-program gets in these tests: every API the harness provides is in `surface()`
 * below, and nothing else. A page that calls any other WeChat API fails its test with the API's
 * name (`unlisted()`), so a page that starts using a new API needs it added here, answered the way
 * WeChat would answer it: the network and the WeChat server through the e2e stack, the user's
 * choices through what the test put in front of the device (camera, phone-number dialog,
 * subscribe dialog).
 */

type Callbacks = { success?: (res: object) => void; fail?: (res: object) => void; complete?: (res: object) => void };
type Options = Callbacks & Record<string, any>;

/** Calls back as WeChat does: success or fail, then complete, always asynchronously. */
function answer(options: Options | undefined, work: () => Promise<object>): void {
  work().then(
    (res) => {
      options?.success?.(res);
      options?.complete?.(res);
    },
    (failure: unknown) => {
      const res = { errMsg: failure instanceof ApiFailure ? failure.errMsg : String(failure) };
      options?.fail?.(res);
      options?.complete?.(res);
    },
  );
}

/** A `fail` answer of an API, with WeChat's `<api>:fail <reason>` message. */
export class ApiFailure extends Error {
  constructor(readonly errMsg: string) {
    super(errMsg);
  }
}

/** The APIs the harness provides, in the shape WeChat's `wx` has them. */
function surface(device: Device): Record<string, (...args: any[]) => unknown> {
  // Called without success / fail / complete, an asynchronous API returns a promise, as WeChat's do
  // (Taro leaves some, requestPayment among them, to that form).
  const async = (name: string, run: (options: Options) => Promise<object>) => (options: Options = {}) => {
    const work = async () => ({ errMsg: `${name}:ok`, ...(await run(options)) });
    if (options.success || options.fail || options.complete) return answer(options, work);
    return new Promise((resolve, reject) => answer({ success: resolve, fail: reject }, work));
  };

  return {
    // ── Open capabilities: the WeChat server is the e2e stack's sandbox ──
    login: async('login', () => device.wechatLogin()),
    requestSubscribeMessage: async('requestSubscribeMessage', (o) => device.answerSubscribe(o.tmplIds as string[])),
    requestPayment: async('requestPayment', (o) => device.requestPayment(o)),

    // ── Network: real HTTP to the e2e stack's server ──
    request: (options: Options = {}) => {
      answer(options, () => device.network.request(options));
      return { abort: () => undefined, onHeadersReceived: () => undefined, offHeadersReceived: () => undefined };
    },

    // ── Device ──
    scanCode: async('scanCode', (o) => device.camera.scan(o as { scanType?: string[] })),
    getStorageSync: (key: string) => device.storage.get(key),
    setStorageSync: (key: string, value: unknown) => device.storage.set(key, value),
    removeStorageSync: (key: string) => device.storage.remove(key),
    clearStorageSync: () => device.storage.clear(),
    getStorage: async('getStorage', async (o) => {
      if (!device.storage.has(o.key)) throw new ApiFailure('getStorage:fail data not found');
      return { data: device.storage.get(o.key) };
    }),
    setStorage: async('setStorage', async (o) => (device.storage.set(o.key, o.data), {})),
    removeStorage: async('removeStorage', async (o) => (device.storage.remove(o.key), {})),
    compressImage: async('compressImage', async (o) => (device.files.read(o.src), { tempFilePath: o.src })),
    getFileSystemManager: () => ({
      readFile: (options: Options = {}) =>
        answer(options, async () => {
          const bytes = device.files.read(String(options.filePath));
          return { errMsg: 'readFile:ok', data: options.encoding ? bytes.toString(options.encoding as BufferEncoding) : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) };
        }),
    }),
    makePhoneCall: async('makePhoneCall', async (o) => (device.calls.push(String(o.phoneNumber)), {})),
    getSystemInfoSync: () => device.systemInfo(),
    getWindowInfo: () => device.systemInfo(),
    getSystemInfo: async('getSystemInfo', async () => device.systemInfo()),

    // ── Routing: the page stack of the harness ──
    navigateTo: async('navigateTo', (o) => device.router.navigateTo(o.url)),
    redirectTo: async('redirectTo', (o) => device.router.redirectTo(o.url)),
    navigateBack: async('navigateBack', (o) => device.router.navigateBack(o.delta ?? 1)),
    switchTab: async('switchTab', (o) => device.router.switchTab(o.url)),
    reLaunch: async('reLaunch', (o) => device.router.reLaunch(o.url)),

    // ── Interface: recorded, so a test can read what the shopper was told ──
    showToast: async('showToast', async (o) => (device.screen.toast(String(o.title ?? '')), {})),
    hideToast: async('hideToast', async () => ({})),
    showLoading: async('showLoading', async (o) => (device.screen.loading(String(o.title ?? '')), {})),
    hideLoading: async('hideLoading', async () => (device.screen.loading(null), {})),
    showModal: async('showModal', async (o) => device.screen.modal(o as { title?: string; content?: string })),
    setNavigationBarTitle: async('setNavigationBarTitle', async (o) => (device.screen.title(String(o.title ?? '')), {})),
    stopPullDownRefresh: async('stopPullDownRefresh', async () => ({})),
    pageScrollTo: async('pageScrollTo', async () => ({})),
    vibrateShort: async('vibrateShort', async () => ({})),
  };
}

/**
 * Every API name WeChat has that Taro knows of (its own lists, read from the installed Taro): Taro
 * builds `Taro.xxx` from the keys of `wx`, so these are listed as keys too, and calling one that
 * the harness does not provide fails the test naming it.
 */
function wechatApiNames(): string[] {
  const names = new Set<string>();
  for (const file of ['@tarojs/shared/dist/shared.esm.js', '@tarojs/plugin-platform-weapp/dist/runtime-utils.js']) {
    const source = readFileSync(createRequire(__filename).resolve(file), 'utf8');
    for (const list of source.matchAll(/const needPromiseApis = new Set\(\[([^\]]*)\]/g)) {
      for (const name of list[1].matchAll(/'([A-Za-z]+)'/g)) names.add(name[1]);
    }
  }
  return [...names];
}

/** The `wx` object a mini-program sees: the surface above; any other WeChat API fails the test. */
export function createWx(device: Device, unlisted: (api: string) => void): object {
  const apis = surface(device);
  apis.canIUse = (schema: string) => typeof schema === 'string' && Object.hasOwn(apis, schema.split('.')[0]);
  const known = new Set(wechatApiNames());
  const target: Record<string, unknown> = { ...apis };
  const refuse = (name: string) => () => {
    unlisted(name);
    throw new Error(`wx.${name} is not provided by the weapp test harness (test/weapp/harness/wx-surface.ts)`);
  };
  return new Proxy(target, {
    get(t, name) {
      if (typeof name !== 'string' || name in t) return t[name as string];
      return known.has(name) ? refuse(name) : undefined;
    },
    has: (t, name) => name in t || (typeof name === 'string' && known.has(name)),
    ownKeys: (t) => [...new Set([...Reflect.ownKeys(t), ...known])],
    getOwnPropertyDescriptor(t, name) {
      if (name in t) return Reflect.getOwnPropertyDescriptor(t, name);
      if (typeof name === 'string' && known.has(name)) return { value: refuse(name), enumerable: true, configurable: true, writable: false };
      return undefined;
    },
  });
}
