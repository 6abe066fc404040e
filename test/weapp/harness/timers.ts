import type { TestClock } from '../../../scripts/wechat-sandbox/src/spec-support';

/**
 * Timers of this length or longer belong to the app's own clock (a code that refreshes every
 * minute, a countdown ticking each second): they fire only when the test advances time. Shorter
 * ones are the framework's own ticks (React's scheduler, Taro's nextTick, a debounce) and run in
 * real time, so pages render without the test stepping them.
 */
export const APP_TIMER_MIN_MS = 1000;

interface ClockTimer {
  due: number;
  fn: (...args: unknown[]) => void;
  args: unknown[];
  every?: number;
}

/**
 * The phone's time and timers: `Date` reads the e2e stack's clock (the same one the server and the
 * sandbox read), and app timers wait for `advance()`.
 */
export class Timers {
  private readonly onClock = new Map<number, ClockTimer>();
  private readonly realTime = new Map<number, ReturnType<typeof setTimeout>>();
  private nextId = 1;
  private stopped = false;
  readonly Date: DateConstructor;

  constructor(
    private readonly clock: TestClock,
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    const now = () => clock.now();
    class PhoneDate extends Date {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(now());
        else super(...(args as [number]));
      }
      static override now(): number {
        return now();
      }
    }
    this.Date = PhoneDate as DateConstructor;
  }

  private run(fn: unknown, args: unknown[]): void {
    if (this.stopped) return;
    try {
      if (typeof fn === 'function') fn(...args);
    } catch (failure) {
      this.onError(`a timer threw: ${(failure as Error)?.stack ?? String(failure)}`);
    }
  }

  readonly setTimeout = (fn: (...args: unknown[]) => void, ms = 0, ...args: unknown[]): number => {
    const id = this.nextId++;
    if (Number(ms) >= APP_TIMER_MIN_MS) {
      this.onClock.set(id, { due: this.clock.now() + Number(ms), fn, args });
    } else {
      this.realTime.set(id, setTimeout(() => {
        this.realTime.delete(id);
        this.run(fn, args);
      }, Number(ms) || 0));
    }
    return id;
  };

  readonly setInterval = (fn: (...args: unknown[]) => void, ms = 0, ...args: unknown[]): number => {
    const id = this.nextId++;
    const every = Math.max(Number(ms) || 0, 1);
    if (every >= APP_TIMER_MIN_MS) {
      this.onClock.set(id, { due: this.clock.now() + every, fn, args, every });
    } else {
      this.realTime.set(id, setInterval(() => this.run(fn, args), every));
    }
    return id;
  };

  readonly clearTimeout = (id: number | undefined): void => {
    if (id === undefined) return;
    this.onClock.delete(id);
    const real = this.realTime.get(id);
    if (real) {
      clearTimeout(real);
      clearInterval(real);
      this.realTime.delete(id);
    }
  };

  readonly clearInterval = this.clearTimeout;

  /** App timers waiting for the clock. */
  get pending(): number {
    return this.onClock.size;
  }

  /**
   * Moves the shared clock forward and fires, in order, every app timer now due (an interval as
   * many times as it fell due), letting each one's work start before the next.
   */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    for (;;) {
      const now = this.clock.now();
      let nextId: number | null = null;
      let next: ClockTimer | null = null;
      for (const [id, timer] of this.onClock) {
        if (timer.due <= now && (!next || timer.due < next.due)) [nextId, next] = [id, timer];
      }
      if (nextId === null || !next) return;
      if (next.every) next.due += next.every;
      else this.onClock.delete(nextId);
      this.run(next.fn, next.args);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  stop(): void {
    this.stopped = true;
    this.onClock.clear();
    for (const real of this.realTime.values()) {
      clearTimeout(real);
      clearInterval(real);
    }
    this.realTime.clear();
  }
}
