import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors/index.js';
import {
  assertOutsideTransaction,
  insideTransaction,
  withinTransactionScope,
} from '../../src/store/scope.js';

describe('transaction scope', () => {
  it('is open only while the transaction callback runs, including its awaited calls', async () => {
    expect(insideTransaction()).toBe(false);
    let seenInside = false;
    let seenLater: boolean | null = null;
    let later: Promise<void> = Promise.resolve();
    await withinTransactionScope(async () => {
      await new Promise((r) => setTimeout(r, 5));
      seenInside = insideTransaction();
      expect(() => assertOutsideTransaction('store.query()')).toThrow(StoreError);
      // work started inside but running after the transaction is not refused
      later = new Promise<void>((r) =>
        setTimeout(() => {
          seenLater = insideTransaction();
          r();
        }, 20),
      );
    });
    await later;
    expect(seenInside).toBe(true);
    expect(seenLater).toBe(false);
    expect(() => assertOutsideTransaction('x')).not.toThrow();
  });

  it('names the call and the fix in its error', () => {
    return withinTransactionScope(async () => {
      try {
        assertOutsideTransaction('queue.send()');
        expect.unreachable();
      } catch (e) {
        expect((e as StoreError).message).toContain('queue.send()');
        expect((e as StoreError).hint).toContain('trx');
      }
    });
  });
});
