/**
 * The Cin7 rate scenario shared by `bench/cin7-rate.ts` and the timing test: N GET calls through
 * the Cin7 client at once, against a sandbox whose 60-calls-per-60-s sliding window is scaled down
 * by `timeScale`, with the client's limiter set to the same scaled window.
 */
import { startCin7Sandbox } from '../../sandbox/cin7/index.js';
import type { FaultConfig } from '../../sandbox/shared/faults.js';
import { Cin7Client } from '../../src/cin7/client.js';
import { cin7HttpRules } from '../../src/cin7/http-rules.js';
import type { Cin7OperationName } from '../../src/cin7/operation-defs.js';
import { CallCounter, HttpClient } from '../../src/http/index.js';

export interface RateRun {
  calls: number;
  /** Lower bound of the wall time: ⌈(calls − 60) / 60⌉ windows. */
  boundMs: number;
  ms: number;
  /** Calls that ended in an error (after the client's retries). */
  failures: string[];
  /** 429/503 answers of the sandbox's sliding window (not injected faults). */
  windowRefusals: number;
  /** Rate-limit answers the client saw (window refusals and injected 503s). */
  rateLimitedSeen: number;
  /** HTTP attempts the client made. */
  attempts: number;
  /** Attempts the sandbox accepted past its window (every one it counted). */
  accepted: number;
}

const GETS: { op: Cin7OperationName; query?: Record<string, string | number | boolean> }[] = [
  { op: 'cin7.me' },
  { op: 'cin7.customers.list', query: { Page: 1, Limit: 5, IncludeDeprecated: true } },
  { op: 'cin7.sales.list', query: { Page: 1, Limit: 5 } },
  { op: 'cin7.ref.priceTiers' },
  { op: 'cin7.ref.taxRules', query: { Page: 1, Limit: 10 } },
  { op: 'cin7.webhooks.list' },
];

/**
 * Runs `calls` GETs at once and measures them.
 *
 * @example
 * const r = await runCin7Rate({ calls: 200, timeScale: 10 }); // r.ms ≈ 18 s
 */
export async function runCin7Rate(options: {
  calls: number;
  timeScale: number;
  faults?: FaultConfig;
}): Promise<RateRun> {
  const windowMs = 60_000 / options.timeScale;
  const sandbox = await startCin7Sandbox({
    customers: 50,
    salesPerCustomer: 1,
    timeScale: options.timeScale,
    rateLimitStatus: 'mixed',
    ...(options.faults ? { faults: options.faults } : {}),
  });
  try {
    const counter = new CallCounter();
    const http = new HttpClient({
      rules: [cin7HttpRules({ rateLimit: { requests: 60, windowMs }, timeoutMs: 10_000 })],
      counter,
    });
    const client = new Cin7Client({
      http,
      baseUrl: sandbox.baseUrl,
      accountId: sandbox.accountId,
      applicationKey: sandbox.applicationKey,
    });
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: options.calls }, (_, i) => {
        const call = GETS[i % GETS.length] as (typeof GETS)[number];
        return client.request(call.op, call.query ? { query: call.query } : {});
      }),
    );
    const ms = Math.round(performance.now() - started);
    const stats = sandbox.control.calls();
    const totals = counter.snapshot().totals.cin7;
    return {
      calls: options.calls,
      boundMs: Math.ceil((options.calls - 60) / 60) * windowMs,
      ms,
      failures: results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : [])),
      windowRefusals: stats.rateLimited,
      rateLimitedSeen: totals?.rateLimited ?? 0,
      attempts: totals?.calls ?? 0,
      accepted: stats.accepted,
    };
  } finally {
    await sandbox.close();
  }
}
