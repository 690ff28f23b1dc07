import { describe, expect, it } from 'vitest';
import { blockFree, countFree, resize, takeFree } from '../../../src/http/rate-limit/slots.js';

describe('slot arrays', () => {
  it('resize appends free slots and drops surplus from the end', () => {
    expect(resize([5, 6], 4)).toEqual([5, 6, 0, 0]);
    expect(resize([5, 6, 7], 2)).toEqual([5, 6]);
  });

  it('takeFree takes slots free at now, holds them, and says when the next one frees', () => {
    const slots = [0, 1_500, 900, 3_000];
    const r = takeFree(slots, 1_000, 9_000, 3);
    expect(r.taken).toEqual([
      { index: 0, token: 9_000 },
      { index: 2, token: 9_000 },
    ]);
    expect(slots).toEqual([9_000, 1_500, 9_000, 3_000]);
    expect(r.waitMs).toBe(500); // slot 1 frees at 1500
  });

  it('takeFree with everything free takes exactly count', () => {
    const slots = [0, 0, 0];
    const r = takeFree(slots, 10, 99, 2);
    expect(r.taken.map((t) => t.index)).toEqual([0, 1]);
    expect(r.waitMs).toBe(0);
  });

  it('a slot free at exactly now counts as free', () => {
    expect(countFree([100, 101, 99], 100)).toBe(2);
  });

  it('blockFree marks free slots only, up to count', () => {
    const slots = [0, 500, 0, 0];
    expect(blockFree(slots, 100, 2, 1_100)).toBe(2);
    expect(slots).toEqual([1_100, 500, 1_100, 0]);
  });
});
