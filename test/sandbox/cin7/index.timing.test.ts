/**
 * The rate limit is a true sliding window per application key, scaled by timeScale: calls expire
 * one by one, a window's length after each was accepted (not all at a fixed-window edge).
 */
import { describe, expect, it } from 'vitest';
import { startCin7Sandbox } from '../../../sandbox/cin7/index.js';
import { api } from './client.js';

const sleepUntil = async (t: number) => {
  const wait = t - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
};

describe('cin7 sandbox sliding window', () => {
  it('frees calls a (scaled) window after each was accepted', async () => {
    // 10 calls per 60 s, scaled 15x: a 4 s window.
    const s = await startCin7Sandbox({
      seed: 71,
      customers: 1,
      salesPerCustomer: 0,
      timeScale: 15,
      rateLimit: { limit: 10, windowMs: 60_000 },
      rateLimitStatus: 503,
    });
    try {
      const window = 4000;
      const statuses = async (n: number) => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push((await api(s, 'GET', '/me')).status);
        return out;
      };
      const aStart = Date.now();
      expect(await statuses(6)).toEqual([200, 200, 200, 200, 200, 200]);
      const aEnd = Date.now();
      await sleepUntil(aStart + window / 2);
      const bStart = Date.now();
      expect(await statuses(5)).toEqual([200, 200, 200, 200, 503]);
      // Once batch A has left the window (B has not), exactly 6 calls fit again.
      await sleepUntil(aEnd + window + 50);
      const checkStart = Date.now();
      const again = await statuses(7);
      const checkEnd = Date.now();
      // Only meaningful while batch B is still inside its window; on a very slow run, say so.
      expect(checkEnd, 'the machine was too slow for this check').toBeLessThan(bStart + window);
      expect(checkStart).toBeGreaterThanOrEqual(aEnd + window);
      expect(again).toEqual([200, 200, 200, 200, 200, 200, 503]);
    } finally {
      await s.close();
    }
  });

  it('applies a timeScale change at run time', async () => {
    const s = await startCin7Sandbox({
      seed: 72,
      customers: 1,
      salesPerCustomer: 0,
      rateLimit: { limit: 2, windowMs: 60_000 },
    });
    try {
      expect((await api(s, 'GET', '/me')).status).toBe(200);
      expect((await api(s, 'GET', '/me')).status).toBe(200);
      expect((await api(s, 'GET', '/me')).status).toBe(429);
      s.control.configure({ timeScale: 600 }); // 100 ms window
      await new Promise((r) => setTimeout(r, 150));
      expect((await api(s, 'GET', '/me')).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
