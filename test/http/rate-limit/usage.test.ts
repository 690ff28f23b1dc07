/**
 * `SlotLimiter.usage` (the dashboard's rate budget): slots free now for a key, in memory and on
 * PostgreSQL — the whole limit before the first call, one fewer per call in flight or cooling, and
 * the limit the vendor tightened it to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlotLimiter } from '../../../src/http/rate-limit/limiter.js';
import { MemorySlotStore } from '../../../src/http/rate-limit/memory.js';
import { PostgresSlotStore } from '../../../src/http/rate-limit/postgres.js';
import type { SlotStore } from '../../../src/http/rate-limit/types.js';
import { requirePostgres } from '../../helpers/requirements.js';
import { rateLimitSchema } from '../helpers/pg.js';

const LIMIT = { limit: 5, windowMs: 60_000 };
const acquire = (l: SlotLimiter, key: string) => l.acquire(key, { ...LIMIT, leaseMs: 30_000 });

async function check(store: SlotStore): Promise<void> {
  const limiter = new SlotLimiter(store);
  expect(await limiter.usage('ghl:k', LIMIT)).toEqual({ limit: 5, windowMs: 60_000, free: 5 });
  const a = await acquire(limiter, 'ghl:k');
  const b = await acquire(limiter, 'ghl:k');
  expect((await limiter.usage('ghl:k', LIMIT)).free).toBe(3);
  // A released slot cools for a window: still not free.
  await a.release();
  expect((await limiter.usage('ghl:k', LIMIT)).free).toBe(3);
  // The vendor says its max is 4 and 1 remains: the limit is 4, and only 1 slot is free.
  await b.release({ limit: 4, remaining: 1 });
  expect(await limiter.usage('ghl:k', LIMIT)).toEqual({ limit: 4, windowMs: 60_000, free: 1 });
  expect((await limiter.usage('ghl:other', LIMIT)).free).toBe(5);
}

describe('SlotLimiter.usage', () => {
  it('in memory', async () => {
    await check(new MemorySlotStore());
  });

  const pgReq = requirePostgres('rate limiter usage on PostgreSQL');
  describe.skipIf(!pgReq.available)('on PostgreSQL', () => {
    let db: Awaited<ReturnType<typeof rateLimitSchema>>;
    beforeAll(async () => {
      db = await rateLimitSchema(pgReq.url, 'rlu');
    });
    afterAll(async () => {
      await db?.drop();
    });
    it('reads the shared row', async () => {
      await check(new PostgresSlotStore(db.executor()));
    });
  });
});
