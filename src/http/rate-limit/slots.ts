/**
 * The slot ("sliding log") algorithm, on a plain array of times: slot `i` may be used again at
 * `slots[i]` (ms). A call takes a free slot, holds it while in flight, and on completion the slot
 * frees one window later. Since the vendor counted the request before we saw its answer, no
 * sliding window on the vendor's side can ever hold more calls than there are slots, whatever the
 * latency. Pure functions: the memory and PostgreSQL stores share them.
 */

/** The array at `limit` slots: new slots are free; surplus ones are dropped from the end. */
export function resize(slots: readonly number[], limit: number): number[] {
  const out = slots.slice(0, limit);
  while (out.length < limit) out.push(0);
  return out;
}

/**
 * Takes up to `count` slots free at `now`, holding each until `holdUntil` (the token).
 *
 * @example
 * const slots = [0, 5_000]; takeFree(slots, 1_000, 9_000, 2) // { taken: [{ index: 0, token: 9000 }], waitMs: 4000 }
 */
export function takeFree(
  slots: number[],
  now: number,
  holdUntil: number,
  count: number,
): { taken: Array<{ index: number; token: number }>; waitMs: number } {
  const taken: Array<{ index: number; token: number }> = [];
  for (let i = 0; i < slots.length && taken.length < count; i++) {
    if ((slots[i] as number) <= now) {
      slots[i] = holdUntil;
      taken.push({ index: i, token: holdUntil });
    }
  }
  let waitMs = 0;
  if (taken.length < count) {
    let earliest = Number.POSITIVE_INFINITY;
    for (const t of slots) if (t > now && t < earliest) earliest = t;
    waitMs = Number.isFinite(earliest) ? earliest - now : 0;
  }
  return { taken, waitMs };
}

/** How many slots are free at `now`. */
export function countFree(slots: readonly number[], now: number): number {
  let n = 0;
  for (const t of slots) if (t <= now) n++;
  return n;
}

/** Marks up to `count` slots free at `now` as busy until `until`; returns how many it marked. */
export function blockFree(slots: number[], now: number, count: number, until: number): number {
  let marked = 0;
  for (let i = 0; i < slots.length && marked < count; i++) {
    if ((slots[i] as number) <= now) {
      slots[i] = until;
      marked++;
    }
  }
  return marked;
}
