/**
 * The rate limit is a true sliding window (as GHL's is assumed to be): a burst at the end of one
 * window and another at the start of the next cannot both pass. Timing file: runs alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type GhlSandbox, startGhlSandbox } from '../../../sandbox/ghl/index.js';
import { api, sleep } from './_support.js';

let sb: GhlSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

describe('GHL sandbox sliding rate window', () => {
  it('counts the last window, not a fixed one: 5 per 2 s, requests at t0 (3) and t0+1 s (2)', async () => {
    sb = await startGhlSandbox({ seed: 1, rateLimit: { limit: 5, windowMs: 2000 } });
    const call = api(sb);
    const get = async () => (await call('GET', `/contacts/?locationId=${sb?.locationId}`)).status;
    const t0 = Date.now();
    expect([await get(), await get(), await get()]).toEqual([200, 200, 200]);
    await sleep(1000 - (Date.now() - t0));
    const t1 = Date.now();
    expect([await get(), await get()]).toEqual([200, 200]);
    expect(await get()).toBe(429);
    // Once the t0 requests are 2 s old they leave the window; the t1 ones are still in it.
    await sleep(Math.max(0, t0 + 2000 + 150 - Date.now()));
    expect(Date.now() - t1).toBeLessThan(1900); // the t1 requests must still be in the window
    expect([await get(), await get(), await get()]).toEqual([200, 200, 200]);
    expect(await get()).toBe(429);
  });

  it('timeScale 10 turns the 100 / 10 s window into 100 / 1 s', async () => {
    sb = await startGhlSandbox({ seed: 1, timeScale: 10 });
    const call = api(sb);
    const t0 = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 101 }, () =>
        call('GET', `/contacts/?locationId=${sb?.locationId}`).then((a) => a.status),
      ),
    );
    const burstMs = Date.now() - t0;
    // Only meaningful when the 101 calls fit in the scaled window (they take ~100 ms unloaded).
    expect(burstMs).toBeLessThan(1000);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    await sleep(Math.max(0, t0 + 1000 + 100 - Date.now()) + burstMs);
    expect((await call('GET', `/contacts/?locationId=${sb.locationId}`)).status).toBe(200);
  });
});
