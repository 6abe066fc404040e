import type { TestStack } from '../../support/stack';
import { MiniProgram, type LaunchOptions } from './mini-program';

/**
 * The phones a test opens the mini-program on. `afterEach(() => phones.closeAll())` closes them and
 * fails the test if a page logged an error, threw, or called a wx API the harness does not provide.
 */
export class Phones {
  private open: MiniProgram[] = [];

  constructor(private readonly stack: () => TestStack) {}

  async launch(options: LaunchOptions): Promise<MiniProgram> {
    const mp = await MiniProgram.launch(this.stack(), options);
    this.open.push(mp);
    return mp;
  }

  async closeAll(): Promise<void> {
    const closing = this.open;
    this.open = [];
    const errors: string[] = [];
    for (const mp of closing) errors.push(...(await mp.close()));
    if (errors.length) throw new Error(`the mini-program reported errors:\n${errors.join('\n')}`);
  }
}
