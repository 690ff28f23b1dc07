import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the test server saw it. */
export interface Arrival {
  /** `Date.now()` when the request head arrived. */
  at: number;
  /** 1-based order of arrival. */
  n: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the handler answers: a status with a JSON body or raw text, or no answer at all. */
export type Answer =
  | { status: number; body?: unknown; raw?: string; contentType?: string; headers?: Record<string, string> }
  | { hang: true }
  | { reset: true };

export interface TestServer {
  url: string;
  arrivals: Arrival[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server for the HTTP layer's tests: records every arrival and answers with what
 * `handler` says; `hang` keeps the connection open without answering, `reset` destroys it.
 */
export async function startTestServer(
  handler: (req: Arrival) => Answer | Promise<Answer>,
): Promise<TestServer> {
  const arrivals: Arrival[] = [];
  const sockets = new Set<Socket>();
  let n = 0;
  const server = createServer((req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const arrival: Arrival = {
        at,
        n: ++n,
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      arrivals.push(arrival);
      Promise.resolve(handler(arrival)).then(
        (answer) => {
          if ('hang' in answer) return;
          if ('reset' in answer) {
            req.socket.destroy();
            return;
          }
          const headers: Record<string, string> = { ...answer.headers };
          let payload = '';
          if (answer.raw !== undefined) {
            payload = answer.raw;
            headers['content-type'] ??= answer.contentType ?? 'text/plain';
          } else if (answer.body !== undefined) {
            payload = JSON.stringify(answer.body);
            headers['content-type'] ??= answer.contentType ?? 'application/json';
          }
          res.writeHead(answer.status, headers);
          res.end(payload);
        },
        () => {
          res.writeHead(500);
          res.end('handler failed');
        },
      );
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A strict vendor's sliding window, written independently of the limiter under test: a request is
 * refused when `limit` were accepted in the last `windowMs`; refused requests do not count.
 */
export class SlidingWindowCounter {
  private readonly accepted: number[] = [];
  refused = 0;
  /** The most accepted requests seen in any window, checked at each arrival. */
  peak = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  hit(at: number): { allowed: boolean; remaining: number } {
    while (this.accepted.length > 0 && (this.accepted[0] as number) <= at - this.windowMs)
      this.accepted.shift();
    if (this.accepted.length >= this.limit) {
      this.refused++;
      return { allowed: false, remaining: 0 };
    }
    this.accepted.push(at);
    this.peak = Math.max(this.peak, this.accepted.length);
    return { allowed: true, remaining: this.limit - this.accepted.length };
  }
}

/** Largest number of arrivals inside any half-open window `(t − windowMs, t]`, from a list of times. */
export function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[start] as number) <= (sorted[end] as number) - windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
