import pg from 'pg';
import { cin7HttpRules } from '../cin7/http-rules.js';
import type { Config } from '../config/load.js';
import { ghlHttpRules } from '../ghl/http-rules.js';
import { HttpClient } from '../http/client.js';
import { CallCounter } from '../http/counter.js';
import { SlotLimiter } from '../http/rate-limit/limiter.js';
import { MemorySlotStore } from '../http/rate-limit/memory.js';
import { PostgresSlotStore, executorFromPool } from '../http/rate-limit/postgres.js';
import type { Logger } from '../log/logger.js';

export interface HttpStack {
  http: HttpClient;
  counter: CallCounter;
  close(): Promise<void>;
}

/**
 * The one outbound HTTP client of the process, with the GHL and Cin7 rules, a call counter, and the
 * rate limiter: in memory on the embedded store (one process), shared through PostgreSQL when
 * `DATABASE_URL` is set (every worker process draws on one budget per key).
 *
 * @example
 * const { http, counter, close } = createHttpStack(config, logger);
 */
export function createHttpStack(config: Config, logger: Logger): HttpStack {
  const counter = new CallCounter();
  let pool: pg.Pool | null = null;
  let limiter: SlotLimiter;
  if (config.databaseUrl) {
    pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: 3,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      application_name: 'cin7-ghl-sync-limiter',
    });
    pool.on('error', (e) => logger.warn({ err: e }, 'rate-limiter connection lost; it will be replaced'));
    limiter = new SlotLimiter(new PostgresSlotStore(executorFromPool(pool)), {
      onError: (e) => logger.warn({ err: e }, 'rate limiter release failed'),
    });
  } else {
    limiter = new SlotLimiter(new MemorySlotStore(), {
      onError: (e) => logger.warn({ err: e }, 'rate limiter release failed'),
    });
  }
  const http = new HttpClient({
    rules: [
      ghlHttpRules({
        rateLimit: config.ghl.rateLimit,
        timeoutMs: config.ghl.timeoutMs,
        dailyLimit: config.ghl.dailyLimit,
      }),
      cin7HttpRules({ rateLimit: config.cin7.rateLimit, timeoutMs: config.cin7.timeoutMs }),
    ],
    limiter,
    logger,
    counter,
  });
  return {
    http,
    counter,
    close: async () => {
      await pool?.end().catch(() => {});
    },
  };
}
