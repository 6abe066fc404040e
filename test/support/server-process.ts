import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { killHard, track, waitFor } from './child-processes';

const root = join(__dirname, '..', '..');

/**
 * The server as a real process (server/src/main.ts, configured by its environment only), so a test
 * can kill -9 it mid-request and start it again on the same port. Run by plain Node with
 * test/support/ts-register.js: tsx cannot run it (esbuild emits no decorator metadata, which Nest's
 * injection needs), and the tsx CLI would put a second process between the test and the server, so
 * a kill -9 would leave the server running. Everything the server prints, across every start, is
 * kept in `output`.
 */
export class ServerProcess {
  private process: ChildProcess | null = null;
  private chunks: string[] = [];
  starts = 0;

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** stdout and stderr of every run so far. */
  get output(): string {
    return this.chunks.join('');
  }

  /** The running server's process id (to read its memory from /proc), if it runs. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  get running(): boolean {
    return this.process !== null;
  }

  async start(seconds = 120): Promise<void> {
    this.starts += 1;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      ...this.env,
      HOST: '127.0.0.1',
      PORT: String(this.port),
      NO_COLOR: '1',
    };
    const child = spawn(process.execPath, ['-r', join(root, 'test/support/ts-register.js'), join(root, 'server/src/main.ts')], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    track(child);
    this.process = child;
    const mark = `\n=== server start ${this.starts} (pid ${child.pid}) ===\n`;
    this.chunks.push(mark);
    child.stdout!.on('data', (d: Buffer) => this.chunks.push(d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => this.chunks.push(d.toString('utf8')));
    child.once('exit', () => {
      if (this.process === child) this.process = null;
    });
    await waitFor(
      `the server on ${this.port}`,
      async () => (await fetch(`${this.url}/api/platform/config`, { signal: AbortSignal.timeout(2_000) })).status === 200,
      seconds,
      () => (child.exitCode !== null ? `exited with ${child.exitCode}: ${this.output.slice(-3_000)}` : null),
    );
  }

  /** kill -9: requests in flight lose their answers. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = null;
    await killHard(child);
  }
}
