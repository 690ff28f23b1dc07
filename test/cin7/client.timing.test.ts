/**
 * Cin7 rate limit in real time (the 3× shorter version of `bench/cin7-rate.ts`): 200 GETs with the
 * sandbox's 60-per-60-s sliding window scaled 10× (6 s). The first 60 go at once; each further 60
 * wait a window: bound = ⌈(200 − 60) / 60⌉ × 6 s = 18 s, and the wall time must lie between 18 s
 * and 1.25 × 18 = 22.5 s, with no 429/503 from the window. With 20% injected 503s, every call
 * still succeeds.
 */
import { describe, expect, it } from 'vitest';
import { runCin7Rate } from './rate.js';

describe('Cin7 client rate limit (timing)', () => {
  it('200 GETs at 60 per 6 s: no refusal from the sliding window, 18 s ≤ wall ≤ 22.5 s', async () => {
    const r = await runCin7Rate({ calls: 200, timeScale: 10 });
    console.log(
      `cin7 200 GETs at 60/6s: ${r.ms} ms (bound 18000, max 22500), attempts ${r.attempts}, window refusals ${r.windowRefusals}`,
    );
    expect(r.failures).toEqual([]);
    expect(r.windowRefusals).toBe(0);
    expect(r.rateLimitedSeen).toBe(0);
    expect(r.attempts).toBe(200);
    expect(r.ms).toBeGreaterThanOrEqual(18_000);
    expect(r.ms).toBeLessThanOrEqual(22_500);
  });

  it('with 20% injected 503s every call eventually succeeds, still without a window refusal', async () => {
    const r = await runCin7Rate({ calls: 200, timeScale: 10, faults: { statusRates: { '503': 0.2 } } });
    console.log(
      `cin7 200 GETs with 20% 503: ${r.ms} ms, attempts ${r.attempts}, 503s seen ${r.rateLimitedSeen}, window refusals ${r.windowRefusals}`,
    );
    expect(r.failures).toEqual([]);
    expect(r.rateLimitedSeen).toBeGreaterThan(10);
    expect(r.attempts).toBe(200 + r.rateLimitedSeen);
    expect(r.windowRefusals).toBe(0);
  });
});
