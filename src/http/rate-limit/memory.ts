import { type Clock, systemClock } from '../clock.js';
import { blockFree, countFree, resize, takeFree } from './slots.js';
import type { ReleaseItem, SlotStore, TakeResult } from './types.js';

/**
 * Slots kept in this process's memory: for one process (the embedded PGlite deployment).
 *
 * @example
 * const limiter = new SlotLimiter(new MemorySlotStore());
 */
export class MemorySlotStore implements SlotStore {
  /** Every release happens in this process and wakes the waiters itself: no polling needed. */
  readonly pollMs = Number.POSITIVE_INFINITY;
  private readonly keys = new Map<string, number[]>();

  constructor(private readonly clock: Clock = systemClock) {}

  async take(key: string, limit: number, holdMs: number, count: number): Promise<TakeResult> {
    const now = this.clock.now();
    const slots = resize(this.keys.get(key) ?? [], limit);
    this.keys.set(key, slots);
    return takeFree(slots, now, now + holdMs, count);
  }

  async release(key: string, items: ReleaseItem[]): Promise<{ free: number | null }> {
    const slots = this.keys.get(key);
    if (!slots) return { free: null };
    const now = this.clock.now();
    for (const item of items) {
      if (slots[item.index] === item.token) slots[item.index] = now + item.coolMs;
    }
    return { free: countFree(slots, now) };
  }

  async block(key: string, count: number, forMs: number): Promise<void> {
    const slots = this.keys.get(key);
    if (!slots) return;
    const now = this.clock.now();
    blockFree(slots, now, count, now + forMs);
  }

  async peek(key: string): Promise<{ total: number; free: number } | null> {
    const slots = this.keys.get(key);
    return slots ? { total: slots.length, free: countFree(slots, this.clock.now()) } : null;
  }

  /** The slot times of `key` (tests and diagnostics). */
  slots(key: string): readonly number[] {
    return this.keys.get(key) ?? [];
  }
}
