import http from 'node:http';
import https from 'node:https';

export interface PostAnswer {
  status: number;
  body: string;
}

/**
 * One POST from "WeChat" to a developer's server (official-account pushes, pay notifications): no
 * connection reuse, a hard timeout for connect + answer, cancelled when the sandbox closes.
 */
export function postOnce(
  target: URL,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  cancel: AbortSignal,
): Promise<PostAnswer> {
  return requestOnce('POST', target, body, headers, timeoutMs, cancel);
}

/** One GET, as postOnce (the official account's URL verification, §G.1). */
export function getOnce(target: URL, headers: Record<string, string>, timeoutMs: number, cancel: AbortSignal): Promise<PostAnswer> {
  return requestOnce('GET', target, '', headers, timeoutMs, cancel);
}

function requestOnce(
  method: 'GET' | 'POST',
  target: URL,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  cancel: AbortSignal,
): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(target, {
      method,
      agent: false,
      signal: cancel,
      headers: method === 'POST' ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers,
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    request.on('error', fail);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    request.end(body);
  });
}
