import { type Clock, systemClock } from './clock.js';

export interface DailyBudgetOptions {
  clock?: Clock;
  /** Calls kept back as a reserve, as a fraction of the daily limit. Default 0.05. */
  reserveFraction?: number;
  /** Pacing starts once fewer than this fraction of the daily limit are left above the reserve. Default 0.25. */
  slowBelowFraction?: number;
  /** When the vendor's day restarts after `now`. Default: the next UTC midnight. */
  resetAt?: (now: number) => number;
}

/** What is known of one key's daily budget. */
export interface DailyBudgetView {
  limit: number;
  /** Calls left today, as last reported, minus the calls started since. */
  remaining: number;
  /** Calls kept back (`reserveFraction` of the limit). */
  reserve: number;
  /** `remaining − reserve`, at least 0: what planned work (a reconciliation) may spend. */
  usable: number;
  /** ISO time the budget is expected to restart. */
  resetAt: string;
  /** ISO time of the answer that reported it. */
  observedAt: string;
  /** The spacing currently imposed between calls, in ms (0: no pacing). */
  paceMs: number;
}

interface State {
  limit: number;
  remaining: number;
  observedAt: number;
  resetAt: number;
  nextStartAt: number;
}

/**
 * A vendor's daily call budget per key, read from response headers, that slows calls down as it
 * runs out: above `slowBelowFraction` of the limit, no pacing; below it, what is left above the
 * reserve is spread evenly over the rest of the day; inside the reserve, the reserve itself is spread
 * over the rest of the day, so the budget never runs dry before it restarts. Per process: every
 * process reads the vendor's own count from its answers.
 *
 * @example
 * budget.observe(keyId, { limit: 200_000, remaining: 12_000 });
 * await sleep(budget.paceMs(keyId));
 * budget.view(keyId)?.usable // what a reconciliation may plan to spend
 */
export class DailyBudget {
  private readonly clock: Clock;
  private readonly reserveFraction: number;
  private readonly slowBelowFraction: number;
  private readonly resetAt: (now: number) => number;
  private readonly state = new Map<string, State>();

  constructor(options: DailyBudgetOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.reserveFraction = options.reserveFraction ?? 0.05;
    this.slowBelowFraction = options.slowBelowFraction ?? 0.25;
    this.resetAt = options.resetAt ?? nextUtcMidnight;
  }

  /** Records what an answer said; either value may be missing (then the last known one stays). */
  observe(keyId: string, reported: { limit?: number | undefined; remaining?: number | undefined }): void {
    if (reported.remaining === undefined && reported.limit === undefined) return;
    const now = this.clock.now();
    const old = this.current(keyId, now);
    const limit = reported.limit ?? old?.limit;
    const remaining = reported.remaining ?? old?.remaining;
    if (limit === undefined || remaining === undefined || limit <= 0) return;
    this.state.set(keyId, {
      limit,
      remaining: Math.max(0, remaining),
      observedAt: now,
      resetAt: this.resetAt(now),
      nextStartAt: old?.nextStartAt ?? 0,
    });
  }

  /**
   * How long the next call on `keyId` must wait, and books its start: concurrent callers get
   * staggered waits. 0 when the budget is comfortable or unknown.
   */
  paceMs(keyId: string): number {
    const now = this.clock.now();
    const s = this.current(keyId, now);
    if (!s) return 0;
    const interval = this.interval(s, now);
    if (s.remaining <= 0) return Math.max(0, s.resetAt - now);
    s.remaining--;
    if (interval <= 0) return 0;
    const start = Math.max(now, s.nextStartAt);
    s.nextStartAt = start + interval;
    return start - now;
  }

  /** The budget of `keyId`, or null before any answer reported it (or after the day restarted). */
  view(keyId: string): DailyBudgetView | null {
    const now = this.clock.now();
    const s = this.current(keyId, now);
    if (!s) return null;
    const reserve = this.reserve(s);
    return {
      limit: s.limit,
      remaining: s.remaining,
      reserve,
      usable: Math.max(0, s.remaining - reserve),
      resetAt: new Date(s.resetAt).toISOString(),
      observedAt: new Date(s.observedAt).toISOString(),
      paceMs: Math.round(this.interval(s, now)),
    };
  }

  private reserve(s: State): number {
    return Math.floor(s.limit * this.reserveFraction);
  }

  private interval(s: State, now: number): number {
    const left = Math.max(1, s.resetAt - now);
    if (s.remaining <= 0) return left;
    const usable = s.remaining - this.reserve(s);
    if (usable > s.limit * this.slowBelowFraction) return 0;
    return usable > 0 ? left / usable : left / s.remaining;
  }

  private current(keyId: string, now: number): State | undefined {
    const s = this.state.get(keyId);
    if (s && now >= s.resetAt) {
      this.state.delete(keyId);
      return undefined;
    }
    return s;
  }
}

/** The next midnight UTC after `now`, in ms. */
export function nextUtcMidnight(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}
