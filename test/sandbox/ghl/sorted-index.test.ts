import { describe, expect, it } from 'vitest';
import { Rng } from '../../../sandbox/shared/rng.js';
import { SortedIndex } from '../../../sandbox/ghl/sorted-index.js';

describe('SortedIndex', () => {
  it('keeps (key, id) order through inserts and removes, as a full sort would', () => {
    const idx = new SortedIndex();
    const rng = new Rng(9);
    const live = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const id = `id${rng.int(0, 500)}`;
      const old = live.get(id);
      if (old !== undefined) {
        expect(idx.remove(old, id)).toBe(true);
        live.delete(id);
      }
      if (rng.chance(0.8)) {
        const key = rng.int(0, 50);
        idx.insert(key, id);
        live.set(id, key);
      }
    }
    const expected = [...live]
      .map(([id, key]) => ({ key, id }))
      .sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    expect(idx.entries).toEqual(expected);
    expect(idx.remove(999, 'missing')).toBe(false);
  });

  it('finds cursor positions: lowerBound is the first >=, upperBound the first >', () => {
    const idx = new SortedIndex();
    idx.load([
      { key: 2, id: 'b' },
      { key: 1, id: 'a' },
      { key: 2, id: 'a' },
      { key: 3, id: 'a' },
    ]);
    expect(idx.entries.map((e) => `${e.key}${e.id}`)).toEqual(['1a', '2a', '2b', '3a']);
    expect(idx.lowerBound(2, 'b')).toBe(2);
    expect(idx.upperBound(2, 'b')).toBe(3);
    expect(idx.upperBound(2, '\uffff')).toBe(3);
    expect(idx.lowerBound(0, '')).toBe(0);
    expect(idx.upperBound(9, '')).toBe(4);
  });
});
