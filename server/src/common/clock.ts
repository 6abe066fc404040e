import { Injectable } from '@nestjs/common';

/**
 * The server's one source of "now". Production reads the system clock; tests hand in the clock
 * they move (the same one the WeChat sandbox reads), so expiry, birthdays and member days can be
 * tested on the dates they concern.
 */
@Injectable()
export class Clock {
  constructor(private readonly source: () => number = Date.now) {}

  now(): Date {
    return new Date(this.source());
  }

  nowMs(): number {
    return this.source();
  }
}
