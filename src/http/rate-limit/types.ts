/** What an answer's headers say about the vendor's own count (GHL `X-RateLimit-*`). */
export interface LimiterFeedback {
  /** Calls the vendor says are left in its current window. */
  remaining?: number | undefined;
  /** The vendor's limit per window (`X-RateLimit-Max`). */
  limit?: number | undefined;
  /** The vendor's window (`X-RateLimit-Interval-Milliseconds`). */
  windowMs?: number | undefined;
}

export interface AcquireOptions {
  /** Calls allowed per window for this key. */
  limit: number;
  windowMs: number;
  /**
   * The longest a call may hold its slot before it is presumed dead (its timeout plus a margin):
   * a slot taken by a crashed process frees itself after this plus the window.
   */
  leaseMs: number;
  signal?: AbortSignal | undefined;
  /** Give up waiting after this long with a `LimiterWaitTimeoutError`. Default: wait as long as it takes. */
  maxWaitMs?: number | undefined;
}

/** One slot held for one call. Release it once the answer (or the error) is in. */
export interface Lease {
  readonly key: string;
  /** How long the call waited for its slot. */
  readonly waitedMs: number;
  /** Frees the slot one window after now; `feedback` corrects the count when the vendor knows better. */
  release(feedback?: LimiterFeedback): Promise<void>;
}

/**
 * A proactive rate limiter: `acquire` waits until a call may be sent without exceeding the limit in
 * any sliding window. Keys are opaque (the HTTP client passes hashed ids).
 */
export interface RateLimiter {
  acquire(key: string, options: AcquireOptions): Promise<Lease>;
}

/** One slot to give back. */
export interface ReleaseItem {
  index: number;
  token: number;
  /** The slot frees this long after the release (0: at once, for a slot never used). */
  coolMs: number;
}

/** Slots taken by one `SlotStore.take`. */
export interface TakeResult {
  taken: Array<{ index: number; token: number }>;
  /** When fewer were taken than asked: ms until the earliest slot is due to free. */
  waitMs: number;
}

/**
 * Where slot times live: in memory (one process) or in PostgreSQL (shared by many). Each key holds
 * `limit` slots, each the time it is free again. Every method is atomic per key.
 */
export interface SlotStore {
  /** How often a waiter re-checks when every slot is held by a call in flight (releases elsewhere are not seen). */
  readonly pollMs: number;
  /** Takes up to `count` free slots, holding each for `holdMs` (until released). */
  take(key: string, limit: number, holdMs: number, count: number): Promise<TakeResult>;
  /**
   * Frees each slot `index` `coolMs` from now, if it still carries its `token` (a slot presumed
   * dead and taken again is left alone). Returns how many slots are free right now, or null when
   * the key has no slots.
   */
  release(key: string, items: ReleaseItem[]): Promise<{ free: number | null }>;
  /** Marks up to `count` free slots as used for `forMs` (the vendor counted calls we did not). */
  block(key: string, count: number, forMs: number): Promise<void>;
  /** Read only (dashboards): the key's slots and how many are free now; null when the key has none yet. */
  peek?(key: string): Promise<{ total: number; free: number } | null>;
}
