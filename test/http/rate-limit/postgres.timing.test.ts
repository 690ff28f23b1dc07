import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/http/client.js';
import { SlotLimiter } from '../../../src/http/rate-limit/limiter.js';
import { PostgresSlotStore } from '../../../src/http/rate-limit/postgres.js';
import { defineRules } from '../../../src/http/rules.js';
import { requirePostgres } from '../../helpers/requirements.js';
import { rateLimitedServer, runCalls } from '../helpers/load.js';
import { rateLimitSchema } from '../helpers/pg.js';
import type { TestServer } from '../helpers/test-server.js';

const pgReq = requirePostgres('http rate limiter timing on PostgreSQL');

describe.skipIf(!pgReq.available)('shared PostgreSQL limiter timing', () => {
  let db: Awaited<ReturnType<typeof rateLimitSchema>>;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    db = await rateLimitSchema(pgReq.url, 'rlt');
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await db?.drop();
  });

  // Three trials each: a trial may never beat the window (2 s) nor draw a 429; the median must be
  // within 1.25 × 2 s, so one stall of the shared machine (a GC pause, the database's checkpoint
  // after the suites before) does not decide, while a limiter that is slow every time still fails.
  for (const instances of [2, 3, 4]) {
    it(`300 calls at 100/s through ${instances} limiter instances sharing one key: no 429, 2 s to 2.5 s (median of 3)`, async () => {
      const times: number[] = [];
      const rules = defineRules({ api: 'test', rateLimit: { requests: 100, windowMs: 1_000 } });
      // One pool, store and limiter per simulated process, kept across the trials (a new key each).
      const clients = Array.from(
        { length: instances },
        () =>
          new HttpClient({
            rules: [rules],
            limiter: new SlotLimiter(new PostgresSlotStore(db.executor(4))),
          }),
      );
      for (let trial = 0; trial < 3; trial++) {
        const server = await rateLimitedServer({ limit: 100, windowMs: 1_000 });
        servers.push(server);
        const { ms, failures } = await runCalls(clients, 300, (i) => ({
          api: 'test',
          operation: 'test.get',
          method: 'GET',
          url: `${server.url}/item/${i}`,
          rateKey: `shared-key-${instances}-${trial}`,
        }));
        expect(failures).toEqual([]);
        expect(server.tooMany()).toBe(0);
        expect(server.arrivals.length).toBe(300);
        expect(ms).toBeGreaterThanOrEqual(2_000);
        times.push(ms);
      }
      const median = [...times].sort((a, b) => a - b)[1] as number;
      console.log(
        `300 calls at 100/s, ${instances} PostgreSQL-shared limiters: ${times.join(', ')} ms (median ${median})`,
      );
      expect(median).toBeLessThanOrEqual(2_500);
    }, 60_000);
  }
});
