import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MiniProgram } from './mini-program';

let hiddenClasses: Set<string> | null = null;

/**
 * Classes the build's stylesheets hide (`.is-hidden{display:none}`): no stylesheet is applied in
 * jsdom, so the one rule that decides whether a shopper sees an element at all is read from the
 * .wxss files. Only plain class selectors count; layout is not modelled.
 */
function hidingClasses(dist: string): Set<string> {
  if (hiddenClasses) return hiddenClasses;
  const found = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.wxss')) {
        for (const rule of readFileSync(path, 'utf8').matchAll(/([^{}]+)\{([^}]*)\}/g)) {
          if (!/display\s*:\s*none/.test(rule[2])) continue;
          for (const selector of rule[1].split(',')) {
            const plain = /^\s*\.([\w-]+)\s*$/.exec(selector);
            if (plain) found.add(plain[1]);
          }
        }
      }
    }
  };
  visit(dist);
  hiddenClasses = found;
  return found;
}

/** A page on the phone: what it shows, and the taps and typing a user does on it. */
export class PageView {
  alive = true;

  constructor(
    private readonly mp: MiniProgram,
    readonly route: string,
    readonly query: Record<string, string>,
    private readonly root: { detach(): void },
    /** The page instance the page's code sees as `this` (what getCurrentPages() lists). */
    readonly instance: Record<string, any>,
    private readonly container: HTMLElement,
  ) {}

  detach(): void {
    this.alive = false;
    this.root.detach();
    this.container.remove();
  }

  /** False when the element or one of its parents carries a class the stylesheets hide. */
  shown(element: Element): boolean {
    const hiding = hidingClasses(this.mp.dist);
    for (let at: Element | null = element; at && at !== this.container; at = at.parentElement) {
      for (const name of Array.from(at.classList)) if (hiding.has(name)) return false;
    }
    return true;
  }

  /** Everything the page shows as text (hidden parts left out), whitespace collapsed. */
  screenText(): string {
    return normalise(this.textOf(this.container));
  }

  private textOf(root: Element): string {
    const walker = root.ownerDocument.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
    let text = '';
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement || this.shown(node.parentElement)) text += node.textContent ?? '';
    }
    return text;
  }

  /** The elements matching `selector` that are shown. */
  all(selector: string): Element[] {
    if (!this.alive) throw new Error(`${this.route} is closed: this page is no longer on the stack (take mp.page again)`);
    return Array.from(this.container.querySelectorAll(selector)).filter((element) => this.shown(element));
  }

  has(selector: string): boolean {
    return this.all(selector).length > 0;
  }

  /** The first shown element matching `selector`. */
  find(selector: string): Element {
    const found = this.all(selector)[0];
    if (!found) throw new Error(`${this.route}: nothing shown matches ${selector}`);
    return found;
  }

  /** The text of the first shown element matching `selector`, as the user reads it. */
  text(selector: string): string {
    return normalise(this.textOf(this.find(selector)));
  }

  texts(selector: string): string[] {
    return this.all(selector).map((element) => normalise(this.textOf(element)));
  }

  /** A property of a builtin component (a button's openType, an input's value) as rendered now. */
  property(selector: string, name: string): unknown {
    return propertiesOf(this.find(selector))[name];
  }

  /** The value an input shows now. */
  value(selector: string): string {
    const element = this.find(selector);
    const input = element.tagName.toLowerCase() === 'wx-input' ? element : element.querySelector('wx-input');
    if (!input) throw new Error(`${this.route}: ${selector} is not an input`);
    return String(propertiesOf(input).value ?? '');
  }

  /** A finger tap on the element; resolves once the page has handled it (a person is never faster). */
  async tap(target: string | Element): Promise<void> {
    const element = typeof target === 'string' ? this.find(target) : target;
    const selector = typeof target === 'string' ? target : `<${element.tagName.toLowerCase()} class="${element.className}">`;
    if (element.tagName.toLowerCase() === 'wx-button' && propertiesOf(element).disabled) {
      throw new Error(`${this.route}: ${selector} is a disabled button`);
    }
    // WeChat opens some dialogs (requestSubscribeMessage) only from a tap's own handler.
    this.mp.device.tapping = true;
    try {
      fire(element, 'tap', { x: 10, y: 10 });
    } finally {
      this.mp.device.tapping = false;
    }
    await humanPause();
  }

  /** Types `value` into an input (replacing what was there), as the keyboard reports it. */
  async input(selector: string, value: string): Promise<void> {
    const element = this.find(selector);
    const input = element.tagName.toLowerCase() === 'wx-input' ? element : element.querySelector('wx-input');
    if (!input) throw new Error(`${this.route}: ${selector} is not an input`);
    fire(input, 'input', { value, cursor: value.length, keyCode: 0 });
    await humanPause();
  }

  /** The input loses focus (the user taps elsewhere), reporting the value it holds. */
  async blur(selector: string): Promise<void> {
    const element = this.find(selector);
    fire(element, 'blur', { value: String(propertiesOf(element).value ?? '') });
    await humanPause();
  }

  /** The keyboard's confirm key on an input. */
  async confirm(selector: string): Promise<void> {
    const element = this.find(selector);
    fire(element, 'confirm', { value: String(propertiesOf(element).value ?? '') });
    await humanPause();
  }

  /**
   * Taps an `open-type="getPhoneNumber"` button and answers WeChat's dialog: allowing sends the
   * code the sandbox mints for `phone` (as WeChat would); refusing sends WeChat's `fail user deny`.
   */
  async pressPhoneButton(selector: string, answer: { allow: string } | 'deny'): Promise<void> {
    const button = this.openTypeButton(selector, 'getPhoneNumber');
    fire(button, 'tap', { x: 10, y: 10 });
    const detail =
      answer === 'deny'
        ? { errMsg: 'getPhoneNumber:fail user deny' }
        : { errMsg: 'getPhoneNumber:ok', code: await this.mp.stack.phoneCode(answer.allow) };
    fire(button, 'getphonenumber', detail);
    await humanPause();
  }

  /**
   * Taps an `open-type="chooseAvatar"` button and picks `image` in WeChat's sheet: the page gets a
   * temporary file path (readable through wx.getFileSystemManager), as on a phone.
   */
  async chooseAvatar(selector: string, image: Buffer): Promise<void> {
    const button = this.openTypeButton(selector, 'chooseAvatar');
    fire(button, 'tap', { x: 10, y: 10 });
    fire(button, 'chooseavatar', { avatarUrl: this.mp.device.files.add(image) });
    await humanPause();
  }

  /** Picks `value` in a `<picker>` (a date picker answers 'YYYY-MM-DD'). */
  async pick(selector: string, value: string | number): Promise<void> {
    const element = this.find(selector);
    const picker = element.tagName.toLowerCase() === 'wx-picker' ? element : element.closest('wx-picker');
    if (!picker) throw new Error(`${this.route}: ${selector} is not in a picker`);
    fire(picker, 'change', { value });
    await humanPause();
  }

  /** Flips a `<switch>` (or ticks a `<checkbox>`), as a finger does. */
  async toggle(selector: string): Promise<void> {
    const element = this.find(selector);
    const tag = element.tagName.toLowerCase();
    if (tag !== 'wx-switch' && tag !== 'wx-checkbox') throw new Error(`${this.route}: ${selector} is a <${tag}>, not a switch`);
    const { checked, disabled } = propertiesOf(element);
    if (disabled) throw new Error(`${this.route}: ${selector} is disabled`);
    fire(element, 'change', { value: !checked });
    await humanPause();
  }

  private openTypeButton(selector: string, openType: string): Element {
    const button = this.find(selector);
    if (button.tagName.toLowerCase() !== 'wx-button' || propertiesOf(button).openType !== openType) {
      throw new Error(`${this.route}: ${selector} is not a <button open-type="${openType}"> (${button.outerHTML.slice(0, 200)})`);
    }
    if (propertiesOf(button).disabled) throw new Error(`${this.route}: ${selector} is a disabled button`);
    return button;
  }
}

/** Lets the page render what the last touch changed before the next one, as a person's pace does. */
function humanPause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 30));
}

function normalise(text: string | null): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** The properties j-component holds for a rendered builtin component. */
function propertiesOf(element: Element): Record<string, unknown> {
  const exparser = require('miniprogram-exparser');
  const node = (element as unknown as { __wxElement?: unknown }).__wxElement;
  return (node && exparser.Element.getMethodCaller(node)?.data) ?? {};
}

/** Dispatches a WeChat event on a rendered node, as the client does after a touch or a dialog. */
function fire(element: Element, name: string, detail: object): void {
  const exparser = require('miniprogram-exparser');
  const node = (element as unknown as { __wxElement?: unknown }).__wxElement;
  if (!node) throw new Error(`<${element.tagName.toLowerCase()}> is not a rendered mini-program node`);
  exparser.Event.dispatchEvent(
    node,
    exparser.Event.create(name, detail, { bubbles: true, capturePhase: true, composed: true, extraFields: { touches: [], changedTouches: [] } }),
  );
}
