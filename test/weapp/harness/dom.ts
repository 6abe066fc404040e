// jsdom ships no types and @types/jsdom is not installed: the little used here, typed by hand.
const { JSDOM } = require('jsdom') as { JSDOM: new (html: string, options: object) => { window: Window & typeof globalThis } };

/**
 * j-component renders into a DOM (its builtin components are custom elements such as
 * `<wx-view class="card-points">`), so a jsdom document is installed on the global object. Called
 * once per test file, AFTER the e2e stack's modules are loaded, so that nothing the server imports
 * mistakes the test process for a browser.
 */
export function installDom(): void {
  if ((globalThis as { document?: unknown }).document) return;
  const { window } = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
    pretendToBeVisual: true,
    url: 'https://servicewechat.com/',
  });
  const globals: Record<string, unknown> = {
    window,
    document: window.document,
    Node: window.Node,
    Element: window.Element,
    HTMLElement: window.HTMLElement,
    DocumentFragment: window.DocumentFragment,
    Event: window.Event,
    CustomEvent: window.CustomEvent,
    TouchEvent: window.TouchEvent,
    getComputedStyle: window.getComputedStyle.bind(window),
    requestAnimationFrame: window.requestAnimationFrame.bind(window),
    cancelAnimationFrame: window.cancelAnimationFrame.bind(window),
  };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
}
