import { accessSync, chmodSync, constants, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { format } from 'node:util';
import { dirname, join, posix, relative } from 'node:path';
import type { TestStack } from '../../support/stack';
import { Device, type Router } from './device';
import { installDom } from './dom';
import { PageView } from './page-view';
import { Timers } from './timers';
import { ApiFailure, createWx } from './wx-surface';

/** The weapp build the tests drive (`npm run build:weapp -w @wemember/miniapp`). */
export const WEAPP_DIST = join(__dirname, '../../../miniapp/dist/weapp');

/** WeChat refuses a navigateTo past ten pages on the stack. */
const MAX_PAGES = 10;

interface AppJson {
  pages: string[];
  subPackages?: { root: string; pages: string[] }[];
  subpackages?: { root: string; pages: string[] }[];
  tabBar?: { list: { pagePath: string; text?: string }[] };
}

type Definition = Record<string, any>;

/** The mini-program frameworks, loaded once the DOM exists (j-component reads `document`). */
/**
 * The part of j-component used here, typed by hand: its own typings pull in WeChat's global
 * declarations (miniprogram-api-typings), whose `require` would replace Node's in every test file.
 */
interface JComponent {
  register(definition: object): string;
  create(id: string, properties?: object): { attach(parent: Element): void; detach(): void; instance: unknown } | undefined;
  behavior(definition: object): string;
}

interface Frameworks {
  jComponent: JComponent;
  /** WeChat's template compiler output for the whole build: path of a .wxml → its render function. */
  gwx: (path: string) => unknown;
}

let frameworks: Frameworks | null = null;

const BUILTIN_PROPERTIES: Record<string, Record<string, unknown>> = {
  button: { openType: String, disabled: Boolean, loading: Boolean, formType: String },
  picker: { mode: String, value: null, start: String, end: String, disabled: Boolean },
  image: { src: String, mode: String },
  input: { value: String, placeholder: String, disabled: Boolean, type: String, password: Boolean, maxlength: Number },
  textarea: { value: String, placeholder: String, disabled: Boolean, maxlength: Number },
  checkbox: { value: String, checked: Boolean, disabled: Boolean },
  switch: { checked: Boolean, disabled: Boolean },
};

/**
 * miniprogram-compiler ships wcc (an x86-64 Linux binary) without its executable bit and sets it
 * when first used; npm 11 skips install scripts, so nothing else would. Fails with the reason when
 * it cannot run here.
 */
function ensureWccRuns(): void {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the weapp tests need WeChat's wcc, shipped for x86-64 Linux only (this is ${process.platform}/${process.arch})`);
  }
  const wcc = join(dirname(createRequire(__filename).resolve('miniprogram-compiler/package.json')), 'bin/linux/wcc');
  try {
    accessSync(wcc, constants.X_OK);
  } catch {
    try {
      chmodSync(wcc, 0o755);
    } catch (failure) {
      throw new Error(`${wcc} is not executable and cannot be made so (${(failure as Error).message}): run chmod +x on it`);
    }
  }
}

function loadFrameworks(): Frameworks {
  if (frameworks) return frameworks;
  installDom();
  // For the wcc output, as miniprogram-simulate sets it.
  (window as any).__webview_engine_version__ = 0.02;
  // miniprogram-simulate registers WeChat's builtin components (view, text, button, input…) with j-component.
  require('miniprogram-simulate');
  const jComponent = require('j-component') as JComponent;
  // …as empty shells: these get the properties a test must read (a button's open-type, whether it
  // is disabled, an input's value), still rendering only their content.
  for (const [name, properties] of Object.entries(BUILTIN_PROPERTIES)) {
    jComponent.register({ id: name, tagName: `wx-${name}`, template: '<slot/>', properties });
  }
  ensureWccRuns();
  const compiler = require('miniprogram-compiler') as { wxmlToJs(root: string): string };
  // wcc, WeChat's own template compiler, compiles every .wxml of the build (base.wxml's templates,
  // <import>, <wxs>) into one function, as the WeChat client does.
  const gwx = new Function(compiler.wxmlToJs(WEAPP_DIST))() as (path: string) => unknown;
  frameworks = { jComponent, gwx };
  return frameworks;
}

export interface LaunchOptions {
  /** The page WeChat opens, e.g. `pages/join/index` (what the sandbox's /scan answers). */
  path: string;
  query?: Record<string, string>;
  /** WeChat's launch scene: 1047 is 扫描小程序码. */
  scene?: number;
  /** The WeChat user on the phone; unset, a new one. */
  openid?: string;
}

/** `/pages/card/index?joined=1` (or relative to `from`) → route and query, as WeChat parses it. */
function parseUrl(url: string, from: string | undefined): { route: string; query: Record<string, string> } {
  const [path, search = ''] = url.split('?');
  const route = path.startsWith('/') ? path.slice(1) : posix.normalize(posix.join(posix.dirname(from ?? ''), path));
  const query: Record<string, string> = {};
  for (const pair of search.split('&').filter(Boolean)) {
    const at = pair.indexOf('=');
    query[at < 0 ? pair : pair.slice(0, at)] = at < 0 ? '' : pair.slice(at + 1);
  }
  return { route, query };
}

function plainCopy<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/**
 * The weapp build of the mini-program, running as the WeChat client runs it, on a `Device`:
 * app.js and the page scripts executed with WeChat's globals (`wx`, `App`, `Page`, `Component`,
 * `getApp`, `getCurrentPages`), each page rendered by j-component from the templates wcc compiled,
 * with the page lifecycle and a real page stack. A test drives it through `page` (what is on
 * screen) and `device` (camera, dialogs, network), and reads `errors` (anything a page logged as
 * an error, threw, or a wx API the harness does not provide).
 */
export class MiniProgram implements Router {
  readonly dist = WEAPP_DIST;
  /** Errors logged or thrown by the mini-program, and calls it made that the harness refuses. */
  readonly errors: string[] = [];
  readonly device: Device;
  readonly timers: Timers;
  private readonly appJson: AppJson;
  private readonly modules = new Map<string, { exports: any }>();
  private readonly definitions = new Map<string, Definition>();
  private readonly pageStack: PageView[] = [];
  /** Tab pages stay alive while another tab is shown, as in WeChat. */
  private readonly tabPages = new Map<string, PageView>();
  /** The `wx` the build sees (harness/wx-surface.ts). */
  readonly wx: object;
  private app: Definition | null = null;
  private pageBeingLoaded: string | null = null;
  private compId: string | null = null;
  private nextPageId = 1;

  private constructor(
    readonly stack: TestStack,
    options: LaunchOptions,
  ) {
    loadFrameworks();
    this.appJson = JSON.parse(readFileSync(join(WEAPP_DIST, 'app.json'), 'utf8'));
    this.device = new Device(stack, options.openid, (message) => this.error(message));
    this.device.router = this;
    this.timers = new Timers(stack.clock, (message) => this.error(message));
    this.wx = createWx(this.device, (api) => this.error(`wx.${api} was called, and the weapp harness does not provide it (test/weapp/harness/wx-surface.ts)`));
  }

  /** Starts the mini-program as WeChat does after a scan: App onLaunch/onShow, then the page. */
  static async launch(stack: TestStack, options: LaunchOptions): Promise<MiniProgram> {
    if (!existsSync(join(WEAPP_DIST, 'app.json'))) {
      throw new Error(`no weapp build in ${relative(process.cwd(), WEAPP_DIST)}: run \`npm run build:weapp -w @wemember/miniapp\` first`);
    }
    const mp = new MiniProgram(stack, options);
    const query = options.query ?? {};
    mp.require(join(WEAPP_DIST, 'app.js'));
    if (!mp.app) throw new Error('app.js did not call App()');
    const launch = { path: options.path, query, scene: options.scene ?? 1047, referrerInfo: {} };
    mp.callApp('onLaunch', launch);
    mp.callApp('onShow', launch);
    await mp.openPage(options.path, query);
    return mp;
  }

  /** The page on top of the stack: what the phone shows. */
  get page(): PageView {
    const top = this.pageStack.at(-1);
    if (!top) throw new Error('no page is open');
    return top;
  }

  /** Routes of the page stack, bottom first. */
  get routes(): string[] {
    return this.pageStack.map((page) => page.route);
  }

  error(message: string): void {
    this.errors.push(message);
  }

  /**
   * Waits until `check` returns something truthy (it may throw meanwhile), the app's requests
   * answered and its renders flushed; fails with the last reason after `timeoutMs`.
   */
  async waitFor<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
    const started = Date.now();
    let last: unknown = null;
    for (;;) {
      if (this.errors.length) throw new Error(`the mini-program reported errors while waiting for ${what}:\n${this.errors.join('\n')}`);
      try {
        const value = check();
        if (value) return value;
      } catch (failure) {
        last = failure;
      }
      if (Date.now() - started > timeoutMs) {
        const onScreen = this.pageStack.length ? `\non screen (${this.page.route}): ${this.page.screenText()}` : '';
        throw new Error(`timed out waiting for ${what}${last ? ` (${(last as Error).message})` : ''}${onScreen}\nerrors: ${this.errors.join('\n') || 'none'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Waits until the page on top is `route` and shows `text` (a string it contains, or a pattern). */
  async waitForPage(route: string, text?: string | RegExp): Promise<PageView> {
    return this.waitFor(() => {
      const page = this.pageStack.at(-1);
      if (!page || page.route !== route) return null;
      if (text === undefined) return page;
      const shown = page.screenText();
      return (typeof text === 'string' ? shown.includes(text) : text.test(shown)) ? page : null;
    }, `page ${route}${text ? ` showing ${text}` : ''}`);
  }

  /** Advances the shared clock (server, sandbox and phone) and fires the app's timers now due. */
  async advance(ms: number): Promise<void> {
    await this.timers.advance(ms);
  }

  /** Labels of the tab bar, which WeChat shows on tab pages only (none when app.json has no tabBar). */
  get tabs(): string[] {
    if (!this.pageStack.length || !this.isTab(this.page.route)) return [];
    return this.appJson.tabBar!.list.map((tab) => tab.text ?? tab.pagePath);
  }

  /** Taps the tab labelled `text` in WeChat's tab bar. */
  async tapTab(text: string): Promise<void> {
    const tab = this.appJson.tabBar?.list.find((item) => item.text === text);
    if (!tab || !this.tabs.includes(text)) throw new Error(`no tab 「${text}」 on screen (tabs shown: ${this.tabs.join(', ') || 'none'})`);
    this.call(this.page, 'onTabItemTap', { index: this.appJson.tabBar!.list.indexOf(tab), pagePath: tab.pagePath, text });
    await this.switchTab(`/${tab.pagePath}`);
  }

  /** The back arrow of the navigation bar. */
  async back(): Promise<void> {
    await this.navigateBack(1);
  }

  /** Sends the app to the background and back, as switching to another app does. */
  async background(): Promise<void> {
    this.call(this.page, 'onHide');
    this.callApp('onHide');
  }

  async foreground(): Promise<void> {
    this.callApp('onShow', { path: this.page.route, query: this.page.query, scene: 1001, referrerInfo: {} });
    this.call(this.page, 'onShow');
  }

  /** Closes the mini-program: every page unloaded, timers stopped. Returns the errors seen. */
  async close(): Promise<string[]> {
    while (this.pageStack.length) this.unload(this.pageStack.pop()!);
    for (const page of this.tabPages.values()) if (page.alive) this.unload(page);
    this.timers.stop();
    // Let the last answers arrive so nothing they log is lost.
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (this.device.camera.unread) this.error(`${this.device.camera.unread} code(s) put in front of the camera were never scanned`);
    return this.errors;
  }

  // ── Router: wx.navigateTo and friends ──

  async navigateTo(url: string): Promise<object> {
    const { route, query } = this.resolve(url, 'navigateTo');
    if (this.isTab(route)) throw new ApiFailure(`navigateTo:fail can not navigateTo a tabbar page`);
    if (this.pageStack.length >= MAX_PAGES) throw new ApiFailure(`navigateTo:fail webview count limit exceed`);
    this.call(this.page, 'onHide');
    await this.openPage(route, query);
    return {};
  }

  async redirectTo(url: string): Promise<object> {
    const { route, query } = this.resolve(url, 'redirectTo');
    if (this.isTab(route)) throw new ApiFailure(`redirectTo:fail can not redirectTo a tabbar page`);
    this.unload(this.pageStack.pop()!);
    await this.openPage(route, query);
    return {};
  }

  async navigateBack(delta: number): Promise<object> {
    if (this.pageStack.length <= 1) throw new ApiFailure('navigateBack:fail cannot navigate back at first page.');
    for (let i = 0; i < delta && this.pageStack.length > 1; i++) this.unload(this.pageStack.pop()!);
    this.call(this.page, 'onShow');
    return {};
  }

  async switchTab(url: string): Promise<object> {
    const { route } = this.resolve(url, 'switchTab');
    if (!this.isTab(route)) throw new ApiFailure(`switchTab:fail can not switch to no-tabBar page`);
    const leaving = this.pageStack.splice(0);
    for (const page of leaving.reverse()) {
      if (this.isTab(page.route)) this.call(page, 'onHide');
      else this.unload(page);
    }
    const kept = this.tabPages.get(route);
    if (kept?.alive) {
      this.pageStack.push(kept);
      this.call(kept, 'onShow');
    } else {
      await this.openPage(route, {});
    }
    return {};
  }

  async reLaunch(url: string): Promise<object> {
    const { route, query } = this.resolve(url, 'reLaunch');
    while (this.pageStack.length) this.unload(this.pageStack.pop()!);
    for (const page of this.tabPages.values()) if (page.alive) this.unload(page);
    this.tabPages.clear();
    await this.openPage(route, query);
    return {};
  }

  // ── Pages ──

  private get allRoutes(): string[] {
    const subs = this.appJson.subPackages ?? this.appJson.subpackages ?? [];
    return [...this.appJson.pages, ...subs.flatMap((sub) => sub.pages.map((page) => posix.join(sub.root, page)))];
  }

  private isTab(route: string): boolean {
    return !!this.appJson.tabBar?.list.some((tab) => tab.pagePath === route);
  }

  private resolve(url: string, api: string): { route: string; query: Record<string, string> } {
    const parsed = parseUrl(url, this.pageStack.at(-1)?.route);
    if (!this.allRoutes.includes(parsed.route)) throw new ApiFailure(`${api}:fail page "${parsed.route}" is not found`);
    return parsed;
  }

  /** Runs a page's script once (Page() registers it), as WeChat does on the first visit. */
  private definition(route: string): Definition {
    const known = this.definitions.get(route);
    if (known) return known;
    if (!this.allRoutes.includes(route)) throw new Error(`page ${route} is not in app.json`);
    this.registerComp();
    this.pageBeingLoaded = route;
    this.require(join(WEAPP_DIST, `${route}.js`));
    this.pageBeingLoaded = null;
    const definition = this.definitions.get(route);
    if (!definition) throw new Error(`${route}.js did not call Page()`);
    return definition;
  }

  /** Taro's `comp` (the recursive custom component deep templates use), registered once. */
  private registerComp(): void {
    if (this.compId) return;
    this.compId = `taro-comp-${Math.random().toString(36).slice(2)}`;
    this.require(join(WEAPP_DIST, 'comp.js'));
  }

  private async openPage(route: string, query: Record<string, string>): Promise<PageView> {
    const definition = this.definition(route);
    const { jComponent, gwx } = loadFrameworks();
    const json = JSON.parse(readFileSync(join(WEAPP_DIST, `${route}.json`), 'utf8'));
    const id = `weapp-page-${this.nextPageId++}-${Math.random().toString(36).slice(2)}`;
    const methods: Record<string, (...args: any[]) => unknown> = {};
    for (const [name, value] of Object.entries(definition)) {
      if (typeof value === 'function') methods[name] = this.guarded(`${route} ${name}`, value);
    }
    const usingComponents: Record<string, string> = {};
    for (const name of Object.keys(json.usingComponents ?? {})) {
      if (name !== 'comp') throw new Error(`${route}.json uses component ${name}: the harness knows only Taro's comp`);
      usingComponents.comp = this.compId!;
    }
    jComponent.register({
      id,
      tagName: 'weapp-page',
      template: gwx(`${route}.wxml`),
      usingComponents,
      data: plainCopy(definition.data ?? {}),
      methods,
      options: { addGlobalClass: true, multipleSlots: true },
    });
    const root = jComponent.create(id)!;
    const container = document.createElement('div');
    container.className = 'weapp-page-container';
    document.body.appendChild(container);
    root.attach(container);
    const instance = root.instance as Record<string, any>;
    // As WeChat does with Page(): the options' other fields are copied onto the page instance.
    for (const [name, value] of Object.entries(definition)) {
      if (typeof value !== 'function' && name !== 'data') instance[name] = plainCopy(value);
    }
    instance.route = route;
    instance.__route__ = route;
    instance.options = { ...query };
    const page = new PageView(this, route, query, root, instance, container);
    this.pageStack.push(page);
    if (this.isTab(route)) this.tabPages.set(route, page);
    this.call(page, 'onLoad', { ...query });
    this.call(page, 'onShow');
    // onReady follows the first render.
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.call(page, 'onReady');
    return page;
  }

  private unload(page: PageView): void {
    if (!page.alive) return;
    this.call(page, 'onUnload');
    page.detach();
    if (this.tabPages.get(page.route) === page) this.tabPages.delete(page.route);
  }

  private call(page: PageView, lifecycle: string, ...args: unknown[]): void {
    const method = page.instance[lifecycle];
    if (typeof method === 'function') method.apply(page.instance, args);
  }

  private callApp(lifecycle: string, ...args: unknown[]): void {
    const method = this.app?.[lifecycle];
    if (typeof method === 'function') this.guarded(`App ${lifecycle}`, method).apply(this.app, args);
  }

  /** A page or app function whose exceptions are recorded as the WeChat client reports them. */
  private guarded(where: string, fn: (...args: any[]) => unknown): (...args: any[]) => unknown {
    const record = (message: string) => this.error(message);
    const wrapped = function (this: unknown, ...args: unknown[]) {
      try {
        return fn.apply(this, args);
      } catch (failure) {
        record(`${where} threw: ${(failure as Error)?.stack ?? format(failure)}`);
        return undefined;
      }
    };
    return wrapped;
  }

  // ── Running the build's scripts with WeChat's globals ──

  private require(file: string): any {
    const path = file.endsWith('.js') ? file : `${file}.js`;
    const cached = this.modules.get(path);
    if (cached) return cached.exports;
    if (!path.startsWith(WEAPP_DIST) || !existsSync(path)) throw new Error(`require of ${path}: not a file of the weapp build`);
    const module = { exports: {} as any };
    this.modules.set(path, module);
    const globals = this.globals();
    const names = Object.keys(globals);
    const run = new Function('require', 'module', 'exports', ...names, readFileSync(path, 'utf8') + `\n//# sourceURL=${path}`);
    const localRequire = (specifier: string) => this.require(join(dirname(path), specifier));
    run(localRequire, module, module.exports, ...names.map((name) => globals[name]));
    return module.exports;
  }

  private globalsCache: Record<string, unknown> | null = null;

  /** What the WeChat client puts in scope of every script of a mini-program. */
  private globals(): Record<string, unknown> {
    if (this.globalsCache) return this.globalsCache;
    const { jComponent, gwx } = loadFrameworks();
    const pageConsole = Object.create(console);
    pageConsole.error = (...args: unknown[]) => {
      this.error(`console.error: ${format(...args)}`);
    };
    this.globalsCache = {
      wx: this.wx,
      App: (options: Definition) => {
        this.app = options;
      },
      getApp: () => this.app,
      getCurrentPages: () => this.pageStack.map((page) => page.instance),
      Page: (options: Definition) => {
        if (!this.pageBeingLoaded) throw new Error('Page() called outside the loading of a page script');
        this.definitions.set(this.pageBeingLoaded, options);
      },
      Component: (options: Definition) => {
        if (!this.compId) throw new Error('Component() called outside the loading of comp.js');
        const methods: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(options.methods ?? {})) {
          methods[name] = this.guarded(`comp ${name}`, value as (...args: any[]) => unknown);
        }
        jComponent.register({
          ...options,
          methods,
          id: this.compId,
          tagName: 'comp',
          template: gwx('comp.wxml'),
          usingComponents: { comp: this.compId },
        });
      },
      Behavior: (definition: object) => jComponent.behavior(definition),
      requirePlugin: (name: string) => {
        throw new Error(`requirePlugin(${name}): the weapp harness has no plugins`);
      },
      console: pageConsole,
      setTimeout: this.timers.setTimeout,
      clearTimeout: this.timers.clearTimeout,
      setInterval: this.timers.setInterval,
      clearInterval: this.timers.clearInterval,
      Date: this.timers.Date,
    };
    return this.globalsCache;
  }
}
