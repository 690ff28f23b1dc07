import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlotLimiter } from '../../../src/http/rate-limit/limiter.js';
import { PostgresSlotStore } from '../../../src/http/rate-limit/postgres.js';
import { requirePostgres } from '../../helpers/requirements.js';
import { rateLimitSchema } from '../helpers/pg.js';
import { maxInAnyWindow } from '../helpers/test-server.js';

const pgReq = requirePostgres('http rate limiter on PostgreSQL');

describe.skipIf(!pgReq.available)('PostgresSlotStore', () => {
  let db: Awaited<ReturnType<typeof rateLimitSchema>>;
  beforeAll(async () => {
    db = await rateLimitSchema(pgReq.url, 'rl');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('creates the row on first use and takes, releases and blocks slots on the database clock', async () => {
    const store = new PostgresSlotStore(db.executor());
    const r = await store.take('ghl:abc', 3, 60_000, 2);
    expect(r.taken.map((t) => t.index)).toEqual([0, 1]);
    const after = await store.slots('ghl:abc');
    expect(after.slots.length).toBe(3);
    expect(after.slots.filter((t) => t > after.now).length).toBe(2);

    const first = r.taken[0] as { index: number; token: number };
    expect((await store.release('ghl:abc', [{ ...first, coolMs: 1_000 }])).free).toBe(1);
    // a stale token does nothing
    await store.release('ghl:abc', [{ ...first, coolMs: 0 }]);
    const stale = await store.slots('ghl:abc');
    expect(stale.slots[first.index]).toBeGreaterThan(stale.now + 900);

    await store.block('ghl:abc', 5, 1_000);
    const blocked = await store.slots('ghl:abc');
    expect(blocked.slots.filter((t) => t > blocked.now).length).toBe(3);
    const none = await store.take('ghl:abc', 3, 60_000, 1);
    expect(none.taken).toEqual([]);
    expect(none.waitMs).toBeGreaterThan(900);
    expect(none.waitMs).toBeLessThanOrEqual(1_000);
  });

  it('releases several slots in one statement, each by its own token and cooling time', async () => {
    const store = new PostgresSlotStore(db.executor());
    const r = await store.take('ghl:many', 4, 60_000, 4);
    const [a, b, c, d] = r.taken as Array<{ index: number; token: number }>;
    const { free } = await store.release('ghl:many', [
      { ...(a as { index: number; token: number }), coolMs: 0 },
      { ...(b as { index: number; token: number }), coolMs: 5_000 },
      { index: (c as { index: number }).index, token: 12345, coolMs: 0 }, // wrong token: untouched
    ]);
    expect(free).toBe(1);
    const { slots, now } = await store.slots('ghl:many');
    expect(slots[0]).toBeLessThanOrEqual(now);
    expect((slots[1] as number) - now).toBeGreaterThan(4_900);
    expect((slots[1] as number) - now).toBeLessThanOrEqual(5_000);
    expect((slots[2] as number) - now).toBeGreaterThan(59_000);
    expect(slots[3]).toBe((d as { token: number }).token);
    expect((await store.release('ghl:none', [{ index: 0, token: 1, coolMs: 0 }])).free).toBeNull();
  });

  it('grows the slot array with new free slots and shrinks it from the end as the limit changes', async () => {
    const store = new PostgresSlotStore(db.executor());
    await store.take('ghl:size', 2, 60_000, 2);
    const grown = await store.take('ghl:size', 4, 60_000, 5);
    expect(grown.taken.map((t) => t.index)).toEqual([2, 3]);
    expect(grown.waitMs).toBeGreaterThan(59_000);
    expect((await store.slots('ghl:size')).slots.length).toBe(4);
    const shrunk = await store.take('ghl:size', 1, 60_000, 1);
    expect(shrunk.taken).toEqual([]);
    expect((await store.slots('ghl:size')).slots.length).toBe(1);
  });

  it('never hands out more than `limit` slots to concurrent takers in several "processes"', async () => {
    const stores = [1, 2, 3, 4].map(() => new PostgresSlotStore(db.executor(3)));
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (stores[i % 4] as PostgresSlotStore).take('cin7:race', 10, 60_000, 1),
      ),
    );
    expect(results.reduce((n, r) => n + r.taken.length, 0)).toBe(10);
  });

  it('shares one budget between limiter instances: no window holds more than the limit', async () => {
    const limiters = [1, 2, 3].map(
      () => new SlotLimiter(new PostgresSlotStore(db.executor(2), { pollMs: 10 })),
    );
    const starts: number[] = [];
    const opts = { limit: 5, windowMs: 300, leaseMs: 5_000 };
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const lease = await (limiters[i % 3] as SlotLimiter).acquire('test:shared', opts);
        starts.push(Date.now());
        await new Promise((r) => setTimeout(r, 5));
        await lease.release();
      }),
    );
    // Starts are taken after the slot; a slot frees 300 ms + margin after the call's end.
    expect(maxInAnyWindow(starts, 300)).toBeLessThanOrEqual(5);
  });
});
