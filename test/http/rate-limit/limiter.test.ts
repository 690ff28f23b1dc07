import { describe, expect, it } from 'vitest';
import { LimiterWaitTimeoutError, SlotLimiter } from '../../../src/http/rate-limit/limiter.js';
import { MemorySlotStore } from '../../../src/http/rate-limit/memory.js';
import type { Lease } from '../../../src/http/rate-limit/types.js';
import { FakeClock, flush } from '../helpers/fake-clock.js';
import { maxInAnyWindow } from '../helpers/test-server.js';

function setup(margin = 0) {
  const clock = new FakeClock();
  const store = new MemorySlotStore(clock);
  const limiter = new SlotLimiter(store, { clock, marginMs: () => margin });
  return { clock, store, limiter };
}

const opts = { limit: 3, windowMs: 1_000, leaseMs: 5_000 };

/** Starts `n` acquisitions and tracks which have resolved, in order. */
function acquireMany(limiter: SlotLimiter, key: string, n: number, o = opts) {
  const got: Array<{ i: number; lease: Lease }> = [];
  const errors: unknown[] = [];
  for (let i = 0; i < n; i++) {
    limiter.acquire(key, o).then(
      (lease) => got.push({ i, lease }),
      (e) => errors.push(e),
    );
  }
  return { got, errors };
}

describe('SlotLimiter over memory', () => {
  it('lets `limit` calls through at once, then frees each slot one window after its call completes', async () => {
    const { clock, limiter } = setup();
    const { got } = acquireMany(limiter, 'k', 5);
    await flush();
    expect(got.map((g) => g.i)).toEqual([0, 1, 2]);

    await clock.advance(100); // t0+100: calls 0 and 1 complete
    await got[0]?.lease.release();
    await got[1]?.lease.release();
    await clock.advance(999); // t0+1099: one ms short of their slots freeing
    expect(got.length).toBe(3);
    await clock.advance(1); // t0+1100
    expect(got.map((g) => g.i)).toEqual([0, 1, 2, 3, 4]); // FIFO
  });

  it('keeps every sliding window at or under the limit whatever the latencies, and uses it fully', async () => {
    const { clock, limiter } = setup();
    const limit = 10;
    const windowMs = 1_000;
    const starts: number[] = [];
    const t0 = clock.now();
    const latencies = [5, 300, 40, 900, 1, 120, 60, 700, 15, 250, 33, 480];
    const total = 60;
    let done = 0;
    for (let i = 0; i < total; i++) {
      void limiter.acquire('k', { limit, windowMs, leaseMs: 5_000 }).then(async (lease) => {
        starts.push(clock.now());
        await clock.sleep(latencies[i % latencies.length] as number);
        await lease.release();
        done++;
      });
    }
    while (done < total) await clock.advance(10);
    expect(maxInAnyWindow(starts, windowMs)).toBeLessThanOrEqual(limit);
    expect(maxInAnyWindow(starts, windowMs)).toBe(limit);
    // 6 rounds of 10; each round waits one window after the slowest completion it depends on.
    expect(clock.now() - t0).toBeLessThan(6 * (windowMs + 900) + 100);
  });

  it('believes the vendor when it says fewer calls remain than slots are free', async () => {
    const { clock, limiter } = setup();
    const o = { limit: 10, windowMs: 1_000, leaseMs: 5_000 };
    const first = await limiter.acquire('k', o);
    await first.release({ remaining: 2 }); // 9 slots free here, the vendor says 2
    const { got } = acquireMany(limiter, 'k', 5, o);
    await flush();
    expect(got.length).toBe(2);
    await clock.advance(1_000);
    expect(got.length).toBe(5);
  });

  it('adopts a stricter vendor limit and window, never a looser one', async () => {
    const { clock, limiter } = setup();
    const o = { limit: 10, windowMs: 1_000, leaseMs: 5_000 };
    const first = await limiter.acquire('k', o);
    await first.release({ limit: 4, windowMs: 2_000 });
    expect(limiter.effective('k', o)).toEqual({ limit: 4, windowMs: 2_000 });
    const { got } = acquireMany(limiter, 'k', 6, o);
    await flush();
    expect(got.length).toBe(3); // 4 slots, one cooling for 2 s
    await clock.advance(2_000);
    expect(got.length).toBe(4);
    const other = await limiter.acquire('j', o);
    await other.release({ limit: 50, windowMs: 100 });
    expect(limiter.effective('j', o)).toEqual({ limit: 10, windowMs: 1_000 });
  });

  it('frees a slot whose call never released it after the lease plus the window', async () => {
    const { clock, limiter } = setup();
    const o = { limit: 1, windowMs: 1_000, leaseMs: 2_000 };
    await limiter.acquire('k', o); // never released: its process "crashed"
    const { got } = acquireMany(limiter, 'k', 1, o);
    await clock.advance(2_999);
    expect(got.length).toBe(0);
    await clock.advance(1);
    expect(got.length).toBe(1);
  });

  it('rejects a waiter whose signal aborts and serves the next in line', async () => {
    const { clock, limiter } = setup();
    const o = { limit: 1, windowMs: 1_000, leaseMs: 5_000 };
    const held = await limiter.acquire('k', o);
    const ac = new AbortController();
    const aborted = limiter.acquire('k', { ...o, signal: ac.signal });
    const next = limiter.acquire('k', o);
    ac.abort(new Error('caller gave up'));
    await expect(aborted).rejects.toThrow('caller gave up');
    await held.release();
    await clock.advance(1_000);
    await expect(next).resolves.toMatchObject({ key: 'k' });
  });

  it('gives up after maxWaitMs with LimiterWaitTimeoutError', async () => {
    const { clock, limiter } = setup();
    const o = { limit: 1, windowMs: 10_000, leaseMs: 5_000 };
    await limiter.acquire('k', o);
    const waiting = limiter.acquire('k', { ...o, maxWaitMs: 500 });
    const caught = waiting.catch((e: unknown) => e);
    await clock.advance(500);
    expect(await caught).toBeInstanceOf(LimiterWaitTimeoutError);
  });

  it('keeps keys apart', async () => {
    const { limiter } = setup();
    const o = { limit: 1, windowMs: 1_000, leaseMs: 5_000 };
    await limiter.acquire('a', o);
    await expect(limiter.acquire('b', o)).resolves.toMatchObject({ key: 'b' });
  });

  it('batches releases that arrive while one is being written', async () => {
    const clock = new FakeClock();
    const inner = new MemorySlotStore(clock);
    const calls: number[] = [];
    const store = {
      pollMs: inner.pollMs,
      take: inner.take.bind(inner),
      block: inner.block.bind(inner),
      release: async (key: string, items: Parameters<MemorySlotStore['release']>[1]) => {
        calls.push(items.length);
        await new Promise((r) => setTimeout(r, 5)); // a slow database
        return inner.release(key, items);
      },
    };
    const limiter = new SlotLimiter(store, { clock, marginMs: () => 0 });
    const o = { limit: 50, windowMs: 1_000, leaseMs: 5_000 };
    const leases = await Promise.all(Array.from({ length: 50 }, () => limiter.acquire('k', o)));
    await Promise.all(leases.map((l) => l.release()));
    expect(calls).toEqual([1, 49]);
    expect(inner.slots('k').every((t) => t === clock.now() + 1_000)).toBe(true);
  });

  it('counts the window from the release call, not from when a queued release reaches the store', async () => {
    const clock = new FakeClock();
    const inner = new MemorySlotStore(clock);
    let open: () => void = () => {};
    const gate = new Promise<void>((r) => {
      open = r;
    });
    let first = true;
    const store = {
      pollMs: inner.pollMs,
      take: inner.take.bind(inner),
      block: inner.block.bind(inner),
      release: async (key: string, items: Parameters<MemorySlotStore['release']>[1]) => {
        if (first) {
          first = false;
          await gate; // the database is slow to answer the first release
        }
        return inner.release(key, items);
      },
    };
    const limiter = new SlotLimiter(store, { clock, marginMs: () => 0 });
    const o = { limit: 2, windowMs: 1_000, leaseMs: 5_000 };
    const [a, b] = await Promise.all([limiter.acquire('k', o), limiter.acquire('k', o)]);
    const t0 = clock.now();
    const ra = a.release();
    const rb = b.release(); // queued behind the first while it is being written
    await clock.advance(50);
    open();
    await Promise.all([ra, rb]);
    // a: applied 50 ms late with its full window (conservative); b: its window counts from t0
    expect([...inner.slots('k')].sort((x, y) => x - y)).toEqual([t0 + 1_000, t0 + 1_050]);
  });

  it('adds the safety margin to the cooling time', async () => {
    const { clock, limiter, store } = setup(25);
    const o = { limit: 1, windowMs: 1_000, leaseMs: 5_000 };
    const lease = await limiter.acquire('k', o);
    await lease.release();
    expect(store.slots('k')).toEqual([clock.now() + 1_025]);
  });
});
