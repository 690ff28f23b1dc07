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

  for (const instances of [2, 3, 4]) {
    it(`300 calls at 100/s through ${instances} limiter instances sharing one key: no 429, 2 s to 2.5 s`, async () => {
      const server = await rateLimitedServer({ limit: 100, windowMs: 1_000 });
      servers.push(server);
      const rules = defineRules({ api: 'test', rateLimit: { requests: 100, windowMs: 1_000 } });
      // One pool, store and limiter per simulated process.
      const clients = Array.from(
        { length: instances },
        () =>
          new HttpClient({ rules: [rules], limiter: new SlotLimiter(new PostgresSlotStore(db.executor(4))) }),
      );
      const { ms, failures } = await runCalls(clients, 300, (i) => ({
        api: 'test',
        operation: 'test.get',
        method: 'GET',
        url: `${server.url}/item/${i}`,
        rateKey: `shared-key-${instances}`,
      }));
      console.log(
        `300 calls at 100/s, ${instances} PostgreSQL-shared limiters: ${ms} ms, peak ${server.window.peak}`,
      );
      expect(failures).toEqual([]);
      expect(server.tooMany()).toBe(0);
      expect(server.arrivals.length).toBe(300);
      expect(ms).toBeGreaterThanOrEqual(2_000);
      expect(ms).toBeLessThanOrEqual(2_500);
    });
  }
});
