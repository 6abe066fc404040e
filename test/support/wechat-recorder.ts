import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WechatExchange {
  method: string;
  /** Path and query, as the server sent them. */
  url: string;
  status: number;
  request: string;
  /** The answer's text (empty for an image). */
  response: string;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** How the recorder breaks a call instead of passing it on: an HTTP error, a dropped connection, or a page that is not JSON. */
export type Breakage = 'http-502' | 'reset' | 'html';

/**
 * A pass-through between the server and the WeChat sandbox that keeps every exchange: what the
 * server asked and what "WeChat" answered, so a test knows every access token, session key and phone
 * number the server was handed — the secrets its logs must never show. It can also break the next
 * calls to a path the way a network or a proxy does (the sandbox's faults are WeChat errcodes).
 */
export class WechatRecorder {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly exchanges: WechatExchange[],
  ) {}

  private readonly breakages = new Map<string, { how: Breakage; remaining: number }>();

  /** The next `times` calls to `path` (e.g. /sns/jscode2session) are broken `how`. */
  breakNext(path: string, how: Breakage, times = 1): void {
    this.breakages.set(path, { how, remaining: times });
  }

  private takeBreakage(url: string): Breakage | undefined {
    const path = url.split('?')[0];
    const pending = this.breakages.get(path);
    if (!pending) return undefined;
    if (--pending.remaining <= 0) this.breakages.delete(path);
    return pending.how;
  }

  static async start(target: string): Promise<WechatRecorder> {
    const exchanges: WechatExchange[] = [];
    // eslint-disable-next-line prefer-const -- assigned once the server listens, read by its handler
    let recorder: WechatRecorder;
    const server = createServer((req, res) => {
      void (async () => {
        const body = await readBody(req);
        const broken = recorder.takeBreakage(req.url ?? '');
        if (broken) {
          exchanges.push({ method: req.method ?? 'GET', url: req.url ?? '', status: 0, request: body.toString('utf8'), response: '' });
          if (broken === 'reset') req.socket.destroy();
          else if (broken === 'http-502') res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
          else res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>系统繁忙</body></html>');
          return;
        }
        const headers: Record<string, string> = {};
        if (req.headers['content-type']) headers['content-type'] = String(req.headers['content-type']);
        try {
          const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: ['GET', 'HEAD'].includes(req.method ?? 'GET') ? undefined : new Uint8Array(body) });
          const payload = Buffer.from(await answer.arrayBuffer());
          const type = answer.headers.get('content-type') ?? '';
          exchanges.push({
            method: req.method ?? 'GET',
            url: req.url ?? '',
            status: answer.status,
            request: body.toString('utf8'),
            response: /json|text/.test(type) ? payload.toString('utf8') : '',
          });
          res.writeHead(answer.status, type ? { 'content-type': type } : {});
          res.end(payload);
        } catch (error) {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(String(error));
        }
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    recorder = new WechatRecorder(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exchanges);
    return recorder;
  }

  /** Every value of these JSON fields or query parameters seen in either direction. */
  values(...names: string[]): string[] {
    const found = new Set<string>();
    for (const exchange of this.exchanges) {
      const query = new URL(exchange.url, 'http://x').searchParams;
      for (const name of names) {
        const q = query.get(name);
        if (q) found.add(q);
        for (const text of [exchange.request, exchange.response]) {
          for (const match of text.matchAll(new RegExp(`"${name}"\\s*:\\s*"([^"]+)"`, 'g'))) found.add(match[1]);
        }
      }
    }
    return [...found];
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
