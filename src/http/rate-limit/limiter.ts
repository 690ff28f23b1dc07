import { AppError } from '../../errors/index.js';
import { type Clock, systemClock } from '../clock.js';
import type { AcquireOptions, Lease, LimiterFeedback, RateLimiter, ReleaseItem, SlotStore } from './types.js';

/** Waiting for a rate-limit slot took longer than the caller allowed (`maxWaitMs`). */
export class LimiterWaitTimeoutError extends AppError {
  readonly waitedMs: number;
  constructor(waitedMs: number) {
    super('rate_limit_wait_timeout', `No rate-limit slot became free within ${waitedMs} ms.`, {
      hint: 'Too many calls are queued for this key: lower the concurrency, or raise retry.maxQueueMs.',
      details: { waitedMs },
    });
    this.waitedMs = waitedMs;
  }
}

export interface SlotLimiterOptions {
  clock?: Clock;
  /**
   * Extra time a slot stays used after the window, against timer and clock jitter.
   * Default: 1 % of the window, at least 5 ms.
   */
  marginMs?: (windowMs: number) => number;
  /** Receives failures of background work (a release when the database is down). Default: ignored. */
  onError?: (e: unknown) => void;
}

interface Waiter {
  options: AcquireOptions;
  enqueuedAt: number;
  done: boolean;
  resolve(lease: Lease): void;
  reject(reason: unknown): void;
  cleanup(): void;
}

interface PendingRelease {
  /** `coolMs` counts from `releasedAt`; whatever time passes before the store applies it is taken off. */
  item: ReleaseItem;
  releasedAt: number;
  resolve(result: { free: number | null }): void;
  reject(e: unknown): void;
}

interface KeyQueue {
  waiters: Waiter[];
  pumping: boolean;
  wake: (() => void) | null;
}

/**
 * The proactive rate limiter: `limit` slots per key; a call takes a slot before it is sent and the
 * slot frees one window (plus a small margin) after the call *completes*. The vendor saw the
 * request before we saw its answer, so no sliding window on its side ever holds more than `limit`
 * of our calls, whatever the latency, while the full limit is used (100 calls per window means
 * ~100 at once, 100 more a window later). Callers wait in FIFO order per key in this process;
 * processes sharing a `PostgresSlotStore` share the slots. When the vendor says fewer calls remain
 * than the free slots suggest, the surplus slots are blocked for a window (the vendor is believed).
 *
 * @example
 * const limiter = new SlotLimiter(new MemorySlotStore());
 * const lease = await limiter.acquire('ghl:ab12', { limit: 100, windowMs: 10_000, leaseMs: 31_000 });
 * try { await send(); } finally { await lease.release(); }
 */
export class SlotLimiter implements RateLimiter {
  private readonly clock: Clock;
  private readonly margin: (windowMs: number) => number;
  private readonly onError: (e: unknown) => void;
  private readonly queues = new Map<string, KeyQueue>();
  private readonly learned = new Map<string, { limit?: number; windowMs?: number }>();
  private readonly releases = new Map<string, PendingRelease[]>();

  constructor(
    private readonly store: SlotStore,
    options: SlotLimiterOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.margin = options.marginMs ?? ((w) => Math.max(5, Math.ceil(w * 0.01)));
    this.onError = options.onError ?? (() => {});
  }

  acquire(key: string, options: AcquireOptions): Promise<Lease> {
    if (!(options.limit >= 1) || !(options.windowMs > 0)) {
      return Promise.reject(
        new AppError('rate_limit_invalid', `Rate limit for ${key} must allow at least 1 call per window.`, {
          details: { limit: options.limit, windowMs: options.windowMs },
        }),
      );
    }
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Lease>((resolve, reject) => {
      const q = this.queue(key);
      const timerStop = new AbortController();
      const waiter: Waiter = {
        options,
        enqueuedAt: this.clock.now(),
        done: false,
        resolve,
        reject,
        cleanup: () => {
          signal?.removeEventListener('abort', onAbort);
          timerStop.abort();
        },
      };
      const onAbort = () => this.drop(q, waiter, signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (options.maxWaitMs !== undefined) {
        const maxWaitMs = options.maxWaitMs;
        this.clock.sleep(maxWaitMs, timerStop.signal).then(
          () => this.drop(q, waiter, new LimiterWaitTimeoutError(maxWaitMs)),
          () => {},
        );
      }
      q.waiters.push(waiter);
      void this.pump(key, q);
    });
  }

  /** The limit and window in force for `key`: the configured ones, tightened by what the vendor said. */
  effective(
    key: string,
    configured: { limit: number; windowMs: number },
  ): { limit: number; windowMs: number } {
    const l = this.learned.get(key);
    return {
      limit: Math.max(1, Math.min(configured.limit, l?.limit ?? Number.POSITIVE_INFINITY)),
      windowMs: Math.max(configured.windowMs, l?.windowMs ?? 0),
    };
  }

  /**
   * Read only, for dashboards: the limit and window in force for `key` and how many of its slots are
   * free right now (`free` null when the store cannot tell; the whole limit when nothing was sent yet).
   *
   * @example
   * const u = await limiter.usage(rateKeyId('ghl', locationId), { limit: 100, windowMs: 10_000 });
   */
  async usage(
    key: string,
    configured: { limit: number; windowMs: number },
  ): Promise<{ limit: number; windowMs: number; free: number | null }> {
    const eff = this.effective(key, configured);
    if (!this.store.peek) return { ...eff, free: null };
    const seen = await this.store.peek(key);
    return { ...eff, free: seen === null ? eff.limit : Math.min(eff.limit, seen.free) };
  }

  private queue(key: string): KeyQueue {
    let q = this.queues.get(key);
    if (!q) {
      q = { waiters: [], pumping: false, wake: null };
      this.queues.set(key, q);
    }
    return q;
  }

  private drop(q: KeyQueue, waiter: Waiter, reason: unknown): void {
    if (waiter.done) return;
    waiter.done = true;
    waiter.cleanup();
    const i = q.waiters.indexOf(waiter);
    if (i >= 0) q.waiters.splice(i, 1);
    if (q.waiters.length === 0) q.wake?.();
    waiter.reject(reason);
  }

  /** One loop per key: takes slots for the waiters at the head, in order, and sleeps when none is free. */
  private async pump(key: string, q: KeyQueue): Promise<void> {
    if (q.pumping) return;
    q.pumping = true;
    try {
      for (;;) {
        const head = q.waiters[0];
        if (!head) break;
        const { limit, windowMs } = this.effective(key, head.options);
        const holdMs = head.options.leaseMs + windowMs + this.margin(windowMs);
        const count = Math.min(q.waiters.length, limit);
        let result: Awaited<ReturnType<SlotStore['take']>>;
        try {
          result = await this.store.take(key, limit, holdMs, count);
        } catch (e) {
          this.drop(q, head, e);
          continue;
        }
        for (const slot of result.taken) {
          const waiter = q.waiters.shift();
          if (!waiter) {
            // Its caller left while the slot was being taken: give it back unused.
            this.giveBack(key, { ...slot, coolMs: 0 }, this.clock.now()).catch(this.onError);
            continue;
          }
          waiter.done = true;
          waiter.cleanup();
          waiter.resolve(this.lease(key, slot, waiter));
        }
        if (q.waiters.length === 0) break;
        if (result.taken.length < count) {
          await this.sleepUnlessWoken(q, Math.max(1, Math.min(result.waitMs, this.store.pollMs)));
        }
      }
    } finally {
      q.pumping = false;
      if (q.waiters.length === 0) this.queues.delete(key);
      else void this.pump(key, q);
    }
  }

  private async sleepUnlessWoken(q: KeyQueue, ms: number): Promise<void> {
    const stop = new AbortController();
    q.wake = () => stop.abort();
    try {
      await this.clock.sleep(ms, stop.signal);
    } catch {
      // woken early by a release in this process
    } finally {
      q.wake = null;
    }
  }

  private lease(key: string, slot: { index: number; token: number }, waiter: Waiter): Lease {
    let released = false;
    const configured = { limit: waiter.options.limit, windowMs: waiter.options.windowMs };
    return {
      key,
      waitedMs: this.clock.now() - waiter.enqueuedAt,
      release: async (feedback?: LimiterFeedback) => {
        if (released) return;
        released = true;
        // The call completed now: the slot's window counts from here, not from when the store writes it.
        const releasedAt = this.clock.now();
        try {
          if (feedback) this.learn(key, configured, feedback);
          const { windowMs } = this.effective(key, configured);
          const cool = windowMs + this.margin(windowMs);
          const { free } = await this.giveBack(key, { ...slot, coolMs: cool }, releasedAt);
          const remaining = feedback?.remaining;
          if (remaining !== undefined && free !== null && free > remaining) {
            await this.store.block(key, free - remaining, cool);
          }
        } catch (e) {
          this.onError(e);
        }
      },
    };
  }

  /**
   * Releases go to the store in batches per key: the first goes at once, and those arriving while
   * it is under way go together in the next one. A hundred calls completing together cost a few
   * statements instead of a hundred queued for database connections ahead of the next take.
   */
  private giveBack(key: string, item: ReleaseItem, releasedAt: number): Promise<{ free: number | null }> {
    return new Promise((resolve, reject) => {
      const pending = this.releases.get(key);
      if (pending) {
        pending.push({ item, releasedAt, resolve, reject });
        return;
      }
      const batch: PendingRelease[] = [{ item, releasedAt, resolve, reject }];
      this.releases.set(key, batch);
      void this.flushReleases(key, batch);
    });
  }

  private async flushReleases(key: string, first: PendingRelease[]): Promise<void> {
    let batch = first;
    for (;;) {
      // Later releases collect in a fresh array while this batch is written.
      const next: PendingRelease[] = [];
      this.releases.set(key, next);
      try {
        const now = this.clock.now();
        const result = await this.store.release(
          key,
          batch.map((b) => ({ ...b.item, coolMs: Math.max(0, b.item.coolMs - (now - b.releasedAt)) })),
        );
        for (const b of batch) b.resolve(result);
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
      this.queues.get(key)?.wake?.();
      if (next.length === 0) {
        this.releases.delete(key);
        return;
      }
      batch = next;
    }
  }

  /** Keeps what the vendor says when it is stricter than the configuration; never loosens. */
  private learn(
    key: string,
    configured: { limit: number; windowMs: number },
    feedback: LimiterFeedback,
  ): void {
    const current = this.learned.get(key) ?? {};
    let changed = false;
    if (
      feedback.limit !== undefined &&
      feedback.limit >= 1 &&
      feedback.limit < configured.limit &&
      feedback.limit < (current.limit ?? Number.POSITIVE_INFINITY)
    ) {
      current.limit = Math.floor(feedback.limit);
      changed = true;
    }
    if (
      feedback.windowMs !== undefined &&
      feedback.windowMs > configured.windowMs &&
      feedback.windowMs > (current.windowMs ?? 0)
    ) {
      current.windowMs = feedback.windowMs;
      changed = true;
    }
    if (changed) this.learned.set(key, current);
  }
}
