import { describe, expect, it } from 'vitest';
import { DailyBudget, nextUtcMidnight } from '../../src/http/daily-budget.js';
import { FakeClock } from './helpers/fake-clock.js';

const NOON = Date.parse('2026-11-28T12:00:00Z');
const MIDNIGHT = Date.parse('2026-11-29T00:00:00Z');
const HALF_DAY = MIDNIGHT - NOON; // 43,200,000 ms

describe('DailyBudget', () => {
  it('knows nothing until an answer reports it', () => {
    const b = new DailyBudget({ clock: new FakeClock(NOON) });
    expect(b.view('k')).toBeNull();
    expect(b.paceMs('k')).toBe(0);
  });

  it('does not pace while plenty is left', () => {
    const b = new DailyBudget({ clock: new FakeClock(NOON) });
    b.observe('k', { limit: 200_000, remaining: 150_000 });
    expect(b.paceMs('k')).toBe(0);
    expect(b.view('k')).toEqual({
      limit: 200_000,
      remaining: 149_999,
      reserve: 10_000,
      usable: 139_999,
      resetAt: '2026-11-29T00:00:00.000Z',
      observedAt: '2026-11-28T12:00:00.000Z',
      paceMs: 0,
    });
  });

  it('spreads what is left above the reserve over the rest of the day once it runs low', () => {
    const b = new DailyBudget({ clock: new FakeClock(NOON) });
    // usable = 30,000 − 10,000 = 20,000 ≤ 25% of 200,000: one call every 43,200,000 / 20,000 = 2,160 ms
    b.observe('k', { limit: 200_000, remaining: 30_000 });
    expect(b.paceMs('k')).toBe(0); // the first call goes now
    const second = b.paceMs('k');
    const third = b.paceMs('k');
    // each call books the next start one interval later; the estimate drops by one per call,
    // so the second interval is 43,200,000 / 19,999 ≈ 2160.1
    expect(second).toBe(2_160);
    expect(third).toBeCloseTo(2_160 + HALF_DAY / 19_999, 3);
  });

  it('inside the reserve, spreads the reserve itself so it never runs dry before the reset', () => {
    const b = new DailyBudget({ clock: new FakeClock(NOON) });
    b.observe('k', { limit: 200_000, remaining: 4_320 }); // below the 10,000 reserve
    b.paceMs('k');
    expect(b.paceMs('k')).toBe(10_000); // 43,200,000 / 4,320
    expect(b.paceMs('k')).toBeCloseTo(10_000 + HALF_DAY / 4_319, 3);
    expect(b.view('k')?.usable).toBe(0);
  });

  it('waits for the reset when nothing is left, and forgets the budget after it', async () => {
    const clock = new FakeClock(NOON);
    const b = new DailyBudget({ clock });
    b.observe('k', { limit: 200_000, remaining: 0 });
    expect(b.paceMs('k')).toBe(HALF_DAY);
    await clock.advance(HALF_DAY);
    expect(b.view('k')).toBeNull();
    expect(b.paceMs('k')).toBe(0);
  });

  it('keeps the last known limit when an answer gives the remaining count only', () => {
    const b = new DailyBudget({ clock: new FakeClock(NOON) });
    b.observe('k', { limit: 1_000, remaining: 900 });
    b.observe('k', { remaining: 800 });
    expect(b.view('k')).toMatchObject({ limit: 1_000, remaining: 800 });
  });

  it('nextUtcMidnight', () => {
    expect(nextUtcMidnight(NOON)).toBe(MIDNIGHT);
    expect(nextUtcMidnight(MIDNIGHT)).toBe(Date.parse('2026-11-30T00:00:00Z'));
  });
});
