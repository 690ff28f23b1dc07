/** Shared pieces of the GHL sandbox tests: raw HTTP calls and a webhook receiver on loopback. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GhlSandbox } from '../../../sandbox/ghl/index.js';

export const VERSION = '2021-07-28';

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when it is not JSON. */
  body: unknown;
}

/** Sends exactly what it is given (no retries, no defaults beyond what is passed). */
export async function raw(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: init.body } : {}),
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** A JSON API call with a bearer token and the Version header (override either through `headers`). */
export function api(sb: Pick<GhlSandbox, 'baseUrl' | 'token'>, token = sb.token) {
  return (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<RawAnswer> =>
    raw(`${sb.baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Version: VERSION,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
}

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
  at: number;
}

/** A webhook receiver on 127.0.0.1 answering with `status(n)` for the n-th delivery (0-based). */
export async function startReceiver(status: (n: number, r: Received) => number = () => 200) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { headers: req.headers, raw: Buffer.concat(chunks), at: Date.now() };
      const code = status(received.length, r);
      received.push(r);
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhooks/ghl`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
