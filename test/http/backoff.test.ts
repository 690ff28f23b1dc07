import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from '../../src/http/backoff.js';

const policy = { baseDelayMs: 250, maxDelayMs: 2_000 };

describe('backoffDelay', () => {
  it('doubles the cap per retry and draws below it (full jitter)', () => {
    // caps: 250, 500, 1000, 2000, 2000 (maxDelayMs)
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.5))).toEqual([
      125, 250, 500, 1000, 1000,
    ]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.999)).toBe(999);
  });

  it('never exceeds the cap with the real random source', () => {
    for (let i = 0; i < 1000; i++) {
      const d = backoffDelay(2, policy);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(500);
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-10-21T07:27:58Z');
  it('reads delta seconds, fractional too', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter('0', now)).toBe(0);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', now)).toBe(2000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
});
