import type { HttpClient } from '../../../src/http/client.js';
import type { RequestSpec } from '../../../src/http/types.js';
import {
  type Answer,
  type Arrival,
  SlidingWindowCounter,
  type TestServer,
  startTestServer,
} from './test-server.js';

/**
 * A test server enforcing `limit` requests per sliding `windowMs` (429 beyond it), optionally
 * with GHL-style `X-RateLimit-*` headers and a `fault` hook answering instead of the handler.
 */
export async function rateLimitedServer(options: {
  limit: number;
  windowMs: number;
  ghlHeaders?: boolean;
  fault?: (req: Arrival) => Answer | null;
}): Promise<TestServer & { window: SlidingWindowCounter; tooMany: () => number }> {
  const window = new SlidingWindowCounter(options.limit, options.windowMs);
  let tooMany = 0;
  const server = await startTestServer((req) => {
    const r = window.hit(req.at);
    const headers: Record<string, string> = options.ghlHeaders
      ? {
          'x-ratelimit-remaining': String(r.remaining),
          'x-ratelimit-max': String(options.limit),
          'x-ratelimit-interval-milliseconds': String(options.windowMs),
          'x-ratelimit-limit-daily': '200000',
          'x-ratelimit-daily-remaining': String(200_000 - req.n),
        }
      : {};
    if (!r.allowed) {
      tooMany++;
      return { status: 429, headers, body: { statusCode: 429, message: 'Too Many Requests' } };
    }
    const fault = options.fault?.(req);
    if (fault) return 'status' in fault ? { ...fault, headers: { ...headers, ...fault.headers } } : fault;
    return { status: 200, headers, body: { ok: true, n: req.n } };
  });
  return Object.assign(server, { window, tooMany: () => tooMany });
}

/** Sends `n` calls at once, spread over `clients` in turn; returns wall time and failures. */
export async function runCalls(
  clients: HttpClient[],
  n: number,
  specFor: (i: number) => RequestSpec,
): Promise<{ ms: number; failures: unknown[] }> {
  const started = Date.now();
  const failures: unknown[] = [];
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      (clients[i % clients.length] as HttpClient).request(specFor(i)).catch((e: unknown) => {
        failures.push(e);
      }),
    ),
  );
  return { ms: Date.now() - started, failures };
}
