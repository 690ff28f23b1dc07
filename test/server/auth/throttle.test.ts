import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../../src/server/auth/throttle.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('LoginThrottle: per-client growing delay', () => {
  it('a new client waits nothing; each wrong password doubles its delay up to the cap', () => {
    const c = clock();
    const t = new LoginThrottle({ baseDelayMs: 500, maxDelayMs: 4000, now: c.now });
    expect(t.before('1.2.3.4')).toEqual({ ok: true, waitMs: 0 });
    // Hand-computed: 500, 1000, 2000, 4000, then capped at 4000.
    const delays = [1, 2, 3, 4, 5].map(() => t.failure('1.2.3.4'));
    expect(delays).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(t.failures('1.2.3.4')).toBe(5);
    // Another client is not affected.
    expect(t.before('5.6.7.8')).toEqual({ ok: true, waitMs: 0 });
  });

  it('an attempt sooner than the delay waits for it; concurrent attempts queue one delay apart', () => {
    const c = clock();
    const t = new LoginThrottle({ baseDelayMs: 1000, now: c.now });
    t.failure('a'); // delay 1000, next attempt not before now + 1000
    expect(t.before('a')).toEqual({ ok: true, waitMs: 1000 });
    // A second attempt at the same moment is queued behind the first: one more delay.
    expect(t.before('a')).toEqual({ ok: true, waitMs: 2000 });
    c.advance(5000);
    expect(t.before('a')).toEqual({ ok: true, waitMs: 0 });
  });

  it('refuses at once (retry after) when the wait would exceed maxWaitMs', () => {
    const c = clock();
    const t = new LoginThrottle({ baseDelayMs: 1000, maxDelayMs: 60_000, maxWaitMs: 5000, now: c.now });
    for (let i = 0; i < 4; i++) t.failure('a'); // delay 8000
    const d = t.before('a');
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.retryAfterMs).toBe(8000);
  });

  it('the right password clears the client', () => {
    const c = clock();
    const t = new LoginThrottle({ baseDelayMs: 1000, now: c.now });
    t.failure('a');
    t.failure('a');
    t.success('a');
    expect(t.failures('a')).toBe(0);
    expect(t.before('a')).toEqual({ ok: true, waitMs: 0 });
    expect(t.failure('a')).toBe(1000);
  });

  it('remembers at most maxClients (oldest forgotten)', () => {
    const c = clock();
    const t = new LoginThrottle({ baseDelayMs: 100, maxClients: 3, now: c.now });
    for (const k of ['a', 'b', 'c', 'd']) t.failure(k);
    expect(t.failures('a')).toBe(0);
    expect(['b', 'c', 'd'].map((k) => t.failures(k))).toEqual([1, 1, 1]);
  });
});
