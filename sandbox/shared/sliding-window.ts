/**
 * Counts requests per key in a true sliding window, as a strict vendor would: a request is refused
 * when `limit` requests were already accepted in the last `windowMs`. Refused requests do not count.
 *
 * @example
 * const w = new SlidingWindow(100, 10_000);
 * const r = w.hit('location-1'); if (!r.allowed) reply429(r.retryAfterMs);
 */
export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    public limit: number,
    public windowMs: number,
    private readonly now: () => number = () => performance.timeOrigin + performance.now(),
  ) {}

  hit(key: string): { allowed: boolean; remaining: number; retryAfterMs: number } {
    const now = this.now();
    const list = this.prune(key, now);
    if (list.length >= this.limit) {
      const oldest = list[0] ?? now;
      return { allowed: false, remaining: 0, retryAfterMs: Math.max(0, oldest + this.windowMs - now) };
    }
    list.push(now);
    return { allowed: true, remaining: this.limit - list.length, retryAfterMs: 0 };
  }

  /** Requests accepted for `key` in the current window. */
  count(key: string): number {
    return this.prune(key, this.now()).length;
  }

  reset(): void {
    this.hits.clear();
  }

  private prune(key: string, now: number): number[] {
    let list = this.hits.get(key);
    if (!list) {
      list = [];
      this.hits.set(key, list);
    }
    let drop = 0;
    while (drop < list.length && (list[drop] as number) <= now - this.windowMs) drop++;
    if (drop > 0) list.splice(0, drop);
    return list;
  }
}
