/** The modification-time index: live entries in time order, superseded ones skipped, compaction kept correct. */
import { describe, expect, it } from 'vitest';
import { TimeIndex } from '../../../sandbox/cin7/time-index.js';

interface Rec {
  id: string;
  version: number;
}

describe('cin7 sandbox time index', () => {
  it('returns live items at or after a time, oldest first, skipping superseded entries', () => {
    const a = { id: 'a', version: 1 };
    const b = { id: 'b', version: 1 };
    const c = { id: 'c', version: 1 };
    const idx = new TimeIndex<Rec>((r) => r.version);
    idx.load([
      { item: b, time: 20 },
      { item: a, time: 10 },
      { item: c, time: 30 },
    ]);
    expect([...idx.from(15)].map((r) => r.id)).toEqual(['b', 'c']);
    a.version++;
    idx.add(a, 40, true);
    expect([...idx.from(0)].map((r) => r.id)).toEqual(['b', 'c', 'a']);
    expect(idx.size).toBe(3);
    expect(idx.countFrom(0)).toBe(4);
    // An entry older than the newest is inserted in place: b at 25, c at 30, a at 40.
    b.version++;
    idx.add(b, 25, true);
    expect([...idx.from(0)].map((r) => r.id)).toEqual(['b', 'c', 'a']);
  });

  it('stays correct through many updates and compactions', () => {
    const recs = Array.from({ length: 50 }, (_, i) => ({ id: String(i), version: 1 }));
    const idx = new TimeIndex<Rec>((r) => r.version);
    const times = new Map<string, number>();
    idx.load(recs.map((r, i) => ({ item: r, time: i })));
    for (const [i, r] of recs.entries()) times.set(r.id, i);
    let t = 100;
    for (let n = 0; n < 5000; n++) {
      const r = recs[(n * 7) % recs.length] as Rec;
      r.version++;
      idx.add(r, t, true);
      times.set(r.id, t);
      t++;
    }
    const expected = [...times.entries()].sort((x, y) => x[1] - y[1]).map(([id]) => id);
    expect([...idx.from(0)].map((r) => r.id)).toEqual(expected);
    expect(idx.size).toBe(50);
    expect(idx.countFrom(0)).toBeLessThan(2 * 50 + 1024 + 1);
  });
});
